package io.github.coordinatorha.chaos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.stream.IntStream;

import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.EtcdMember;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The chaos run: three node processes on a three-member etcd cluster, and one fault per
 * cycle in turn: kill -9, SIGTERM, SIGSTOP for twice the TTL and a network partition of
 * the active; kill -9 of a standby; kill -9 of the etcd leader. Every node journals its
 * ACTIVE intervals and guarded writes; the checker then asserts that no two intervals
 * overlap, the fenced counter never repeats or goes back, and no acknowledged write is
 * lost, and the run prints a summary line.
 * <p>
 * {@code chaos.cycles} sets the number of cycles: 6 by default (one of each fault), 60
 * with {@code -Pchaos}.
 */
class ChaosRunTests {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.cluster(3);

	private enum Fault {

		KILL_ACTIVE, TERM_ACTIVE, PAUSE_ACTIVE, PARTITION_ACTIVE, KILL_STANDBY, KILL_ETCD_LEADER

	}

	@Test
	void underRepeatedFaultsOneActiveAtATimeAndNoWriteLost() throws IOException {
		int cycles = Integer.getInteger("chaos.cycles", 6);
		Map<Fault, Integer> injected = new TreeMap<>();
		Map<Fault, List<Long>> failovers = new TreeMap<>();
		long longestFailover = 0;
		long started = System.nanoTime();
		InvariantChecker.Result result;
		try (ChaosCluster cluster = new ChaosCluster(etcd.cluster(), 3)) {
			IntStream.range(0, cluster.size()).forEach(cluster::start);
			for (int cycle = 0; cycle < cycles; cycle++) {
				Fault fault = Fault.values()[cycle % Fault.values().length];
				int active = cluster.awaitOneActive(Duration.ofSeconds(30));
				long failover = inject(cluster, fault, active);
				longestFailover = Math.max(longestFailover, failover);
				injected.merge(fault, 1, Integer::sum);
				if (failover > 0) {
					failovers.computeIfAbsent(fault, (key) -> new ArrayList<>()).add(failover / 1_000_000);
				}
			}
			result = cluster.check();
		}
		String summary = String.format(
				"chaos: cycles=%d faults=%s overlaps=%d lostWrites=%d repeatedOrBackwards=%d"
						+ " activeIntervals=%d acknowledgedWrites=%d refusedWrites=%d unknownWrites=%d"
						+ " longestFailover=%dms longestTimeWithoutActive=%dms duration=%ds",
				cycles, injected, result.overlaps(), result.lostWrites(), result.repeatedOrBackwards(),
				result.intervals(), result.acknowledgedWrites(), result.refusedWrites(), result.unknownWrites(),
				longestFailover / 1_000_000, result.longestGapMillis(), (System.nanoTime() - started) / 1_000_000_000);
		StringBuilder byFault = new StringBuilder("chaos: failover ms by fault (median/max):");
		failovers.forEach((fault, millis) -> {
			List<Long> sorted = millis.stream().sorted().toList();
			byFault.append(' ')
				.append(fault)
				.append('=')
				.append(sorted.get(sorted.size() / 2))
				.append('/')
				.append(sorted.get(sorted.size() - 1));
		});
		System.out.println(summary);
		System.out.println(byFault);
		Files.writeString(Path.of("target", "chaos-summary.txt"), summary + "\n" + byFault + "\n");
		assertThat(result.overlapDetails()).isEmpty();
		assertThat(result.lostWrites()).isZero();
		assertThat(result.repeatedOrBackwards()).isZero();
		assertThat(result.acknowledgedWrites()).isPositive();
		assertThat(injected.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(cycles);
	}

	/**
	 * Injects one fault and heals it.
	 * @return how long after the fault another node was ACTIVE, or 0 when the fault
	 * should not move the role
	 */
	private long inject(ChaosCluster cluster, Fault fault, int active) {
		long at = System.nanoTime();
		switch (fault) {
			case KILL_ACTIVE, TERM_ACTIVE -> {
				if (fault == Fault.KILL_ACTIVE) {
					cluster.kill(active);
				}
				else {
					cluster.terminate(active);
				}
				long failover = awaitSuccessor(cluster, active, at);
				cluster.start(active);
				return failover;
			}
			case PAUSE_ACTIVE -> {
				cluster.pause(active);
				long failover = awaitSuccessor(cluster, active, at);
				holdUntil(at + ChaosCluster.TTL.multipliedBy(2).toNanos());
				cluster.resume(active);
				await().atMost(Duration.ofSeconds(5)).until(() -> !cluster.journal(active).isActive());
				return failover;
			}
			case PARTITION_ACTIVE -> {
				cluster.partition(active);
				long failover = awaitSuccessor(cluster, active, at);
				cluster.heal(active);
				return failover;
			}
			case KILL_STANDBY -> {
				int standby = (active + 1) % cluster.size();
				cluster.kill(standby);
				cluster.start(standby);
				return 0;
			}
			case KILL_ETCD_LEADER -> {
				EtcdMember leader = cluster.etcd().leader();
				leader.kill();
				leader.start();
				cluster.etcd().awaitHealthy(Duration.ofSeconds(30));
				return 0;
			}
		}
		throw new IllegalStateException("Unknown fault " + fault);
	}

	private static long awaitSuccessor(ChaosCluster cluster, int old, long at) {
		long[] tookOver = new long[1];
		await().atMost(ChaosCluster.TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(10)).until(() -> {
			for (int i = 0; i < cluster.size(); i++) {
				OptionalLong activated = (i != old && cluster.isRunning(i)) ? cluster.journal(i).first("A", at)
						: OptionalLong.empty();
				if (activated.isPresent()) {
					tookOver[0] = activated.getAsLong();
					return true;
				}
			}
			return false;
		});
		return tookOver[0] - at;
	}

	/**
	 * Keeps a fault in place until {@code deadline}: the fault's length, not a wait for a
	 * result.
	 */
	private static void holdUntil(long deadline) {
		await().pollDelay(Duration.ZERO)
			.atMost(ChaosCluster.TTL.multipliedBy(3))
			.until(() -> System.nanoTime() - deadline >= 0);
	}

}
