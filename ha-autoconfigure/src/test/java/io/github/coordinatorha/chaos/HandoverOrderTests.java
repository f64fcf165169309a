package io.github.coordinatorha.chaos;

import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The order of work across two node processes at a change of active (issue 12, items 9
 * and 10), from their journals: every process stamps its lines with
 * {@link System#nanoTime()}, the machine's monotonic clock, so lines of different
 * processes compare.
 */
class HandoverOrderTests {

	private static final Duration TTL = ChaosCluster.TTL;

	private EtcdCluster etcd;

	private ChaosCluster cluster;

	@BeforeEach
	void startEtcd() {
		this.etcd = EtcdCluster.single();
	}

	@AfterEach
	void stopAll() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.etcd.close();
	}

	@Test
	void theOldActivesRoleBoundBeanHasStoppedBeforeTheNewActiveStartsItsOnAHandoverWithASlowListenerAndOnAGracefulStop() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 2, TTL, DisasterNode.class);
		this.cluster.startTogether(List.of(0, 1), "--chaos.activation-delay=1500ms");
		int first = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		int second = 1 - first;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(first).first("B+", 0).isPresent());

		long handedOverAt = System.nanoTime();
		this.cluster.control(first, "handover");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.cluster.journal(second).first("B+", handedOverAt).isPresent()
					&& this.cluster.journal(second).first("SA-", handedOverAt).isPresent());
		OptionalLong oldStopped = this.cluster.journal(first).first("B-", handedOverAt);
		long newStarted = this.cluster.journal(second).first("B+", handedOverAt).getAsLong();
		OptionalLong slowListener = this.cluster.journal(second).first("SA+", handedOverAt);

		long stoppingAt = System.nanoTime();
		this.cluster.terminate(second);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.cluster.journal(first).first("B+", stoppingAt).isPresent());
		OptionalLong stoppedOnStop = this.cluster.journal(second).first("B-", stoppingAt);
		long startedAfterStop = this.cluster.journal(first).first("B+", stoppingAt).getAsLong();
		Figures.report("role-bound order",
				"handover: old bean stopped " + gapMillis(oldStopped, newStarted)
						+ "ms before the new one started (the slow listener began "
						+ (slowListener.isPresent() ? -gapMillis(slowListener, newStarted) + "ms after it" : "-")
						+ "); graceful stop: " + gapMillis(stoppedOnStop, startedAfterStop) + "ms before; took "
						+ (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		assertThat(slowListener).as("the slow BecameActiveEvent listener ran on the new active").isPresent();
		assertThat(oldStopped).as("the old active's @RoleBound bean stopped on the handover").isPresent();
		assertThat(oldStopped.getAsLong()).as("the old bean stopped before the new one started").isLessThan(newStarted);
		assertThat(stoppedOnStop).as("the stopping node's @RoleBound bean stopped").isPresent();
		assertThat(stoppedOnStop.getAsLong()).as("the stopping node's bean stopped before the next one started")
			.isLessThan(startedAfterStop);
	}

	/**
	 * Long (the call outlasts the handover's answer by design): in the {@code chaos}
	 * profile only.
	 */
	@Test
	@EnabledIfSystemProperty(named = "chaos.long", matches = "true")
	void aLongActiveOnlyCallEndsOrIsFencedBeforeTheNextActiveStartsWhenItsDrainOutlastsTheHandoversAnswerAndTheNodeIsTerminated() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 2, TTL, DisasterNode.class);
		this.cluster.startTogether(List.of(0, 1));
		int first = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		int second = 1 - first;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
		this.cluster.control(first, "call 20000");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(first).first("LW", 0).isPresent());

		long handedOverAt = System.nanoTime();
		this.cluster.control(first, "handover");
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.cluster.journal(first).first("HO", handedOverAt).isPresent());
		String outcome = this.cluster.journal(first)
			.lines()
			.stream()
			.filter((line) -> line[0].equals("HO"))
			.map((line) -> line[1])
			.reduce((a, b) -> b)
			.orElseThrow();
		boolean callRunningAtAnswer = this.cluster.journal(first).first("L-", 0).isEmpty();
		long terminatedAt = System.nanoTime();
		this.cluster.terminate(first);
		await().atMost(Duration.ofSeconds(30))
			.until(() -> this.cluster.journal(second).first("B+", handedOverAt).isPresent());
		long nextStarted = this.cluster.journal(second).first("B+", handedOverAt).getAsLong();
		OptionalLong nextActive = this.cluster.journal(second).first("A", handedOverAt);
		long nextFirst = nextActive.isPresent() ? Math.min(nextActive.getAsLong(), nextStarted) : nextStarted;
		JournalView old = this.cluster.journal(first);
		OptionalLong callEnded = old.first("L-", 0);
		List<String[]> writesAfter = old.lines()
			.stream()
			.filter((line) -> line[0].equals("LW") && Long.parseLong(line[line.length - 1]) >= nextFirst)
			.toList();
		long fencedWrites = old.lines().stream().filter((line) -> line[0].equals("LR") || line[0].equals("LU")).count();
		Figures.report("active-only drain outlasting the handover", "handover answered " + outcome
				+ " with the call running=" + callRunningAtAnswer + "; SIGTERM "
				+ (terminatedAt - handedOverAt) / 1_000_000 + "ms after the request; call ended "
				+ (callEnded.isPresent() ? (nextFirst - callEnded.getAsLong()) / 1_000_000 + "ms before" : "never,")
				+ " the next active started; writes refused or unanswered=" + fencedWrites
				+ ", acknowledged after the next active started=" + writesAfter.size() + "; took "
				+ (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		assertThat(callRunningAtAnswer).as("the handover answered while the call still ran").isTrue();
		assertThat(writesAfter).as("writes of the old term acknowledged after the next active started").isEmpty();
		if (callEnded.isPresent()) {
			assertThat(callEnded.getAsLong()).as("the call ended before the next active started").isLessThan(nextFirst);
		}
	}

	private static long gapMillis(OptionalLong before, long after) {
		return before.isPresent() ? (after - before.getAsLong()) / 1_000_000 : -1;
	}

}
