package io.github.coordinatorha.chaos;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A paused JVM and a node cut off from etcd, with node processes on a real etcd: the
 * standby takes over only after the old active has stopped saying ACTIVE, and nothing the
 * old active writes afterwards is accepted.
 */
class ProcessFaultTests {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private ChaosCluster cluster;

	@BeforeEach
	void startNodes() {
		this.cluster = new ChaosCluster(etcd.cluster(), 2);
		this.cluster.startActiveThenStandby();
	}

	@AfterEach
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void aPausedActiveIsReplacedAndOnResumeIsStandbyAtOnceAndItsWritesFail() {
		int old = this.cluster.awaitOneActive(Duration.ofSeconds(10));
		int other = 1 - old;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(old).hasWrites());
		long oldToken = this.cluster.journal(old).lastToken();
		long pausedAt = System.nanoTime();
		this.cluster.pause(old);
		await().atMost(ChaosCluster.TTL.multipliedBy(3)).until(() -> this.cluster.journal(other).isActive());
		long tookOverAt = this.cluster.journal(other).first("A", pausedAt).getAsLong();
		// hold the pause for twice the TTL: the fault itself, not a wait for a result
		await().pollDelay(Duration.ZERO)
			.atMost(ChaosCluster.TTL.multipliedBy(3))
			.until(() -> System.nanoTime() - pausedAt >= ChaosCluster.TTL.multipliedBy(2).toNanos());
		long resumedAt = System.nanoTime();
		this.cluster.resume(old);

		await().atMost(Duration.ofSeconds(5)).until(() -> !this.cluster.journal(old).isActive());
		JournalView resumed = this.cluster.journal(old);
		assertThat(resumed.first("H", resumedAt)).as("said ACTIVE after the resume").isEmpty();
		assertThat(resumed.first("A", resumedAt)).as("claimed again while the other is active").isEmpty();
		// its writer resumes with the old term's token: the guard refuses it
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cluster.journal(old).first("R", resumedAt).isPresent());
		// a write in flight at the pause may be acknowledged after it; it was applied
		// before the new term began, so its value is below every value of the new term
		await().atMost(Duration.ofSeconds(5)).until(() -> this.cluster.journal(other).hasWrites());
		long newTerm = this.cluster.journal(other).lastToken();
		long firstOfNewTerm = Long.parseLong(this.cluster.journal(other).writes("W", newTerm).get(0)[3]);
		assertThat(this.cluster.journal(old).writes("W", oldToken))
			.filteredOn((write) -> Long.parseLong(write[4]) >= tookOverAt)
			.hasSizeLessThanOrEqualTo(1)
			.allSatisfy((write) -> assertThat(Long.parseLong(write[3])).isLessThan(firstOfNewTerm));
		assertThat(newTerm).isGreaterThan(oldToken);
		assertThat(this.cluster.journal(other).isActive()).isTrue();
		assertInvariant();
	}

	@Test
	void aNodeCutOffByABlackholeStepsDownBeforeTheStandbyTakesOver() {
		cutOff(this.cluster::partition);
	}

	@Test
	void aNodeWhoseConnectionsAreDroppedStepsDownBeforeTheStandbyTakesOver() {
		cutOff(this.cluster::drop);
	}

	@Test
	void aNodeBehindADelayLongerThanTheRequestTimeoutStepsDownBeforeTheStandbyTakesOver() {
		cutOff((index) -> this.cluster.delay(index, Duration.ofMillis(1500)));
	}

	@Test
	void aShortDelayKeepsTheActiveInPlace() {
		int active = this.cluster.awaitOneActive(Duration.ofSeconds(10));
		long delayedAt = System.nanoTime();
		this.cluster.delay(active, Duration.ofMillis(100));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.cluster.journal(active)
				.first("W", delayedAt + ChaosCluster.TTL.multipliedBy(2).toNanos())
				.isPresent());
		assertThat(this.cluster.journal(active).first("S", delayedAt)).isEmpty();
		assertThat(this.cluster.journal(1 - active).first("A", delayedAt)).isEmpty();
		this.cluster.heal(active);
		assertInvariant();
	}

	@Test
	void aStandbyWhoseWatchFallsBehindACompactionReadsAgainAndStillTakesOverAtOnce() {
		int active = this.cluster.awaitOneActive(Duration.ofSeconds(10));
		int standby = 1 - active;
		// the standby's watch breaks and is made again over a slow link, while etcd
		// compacts its history past the revision the new watch starts from; each round
		// breaks it again, and writes and compacts as fast as a client can. A round
		// lasts longer than gRPC's first reconnect backoff (1 s, jittered), so the
		// standby reconnects within it and its backoff does not grow round after round.
		try (Client client = Client.builder().endpoints(etcd.cluster().endpoints().split(",")).build()) {
			ByteSequence key = ByteSequence.from("compaction-load", StandardCharsets.UTF_8);
			await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(10)).until(() -> {
				this.cluster.drop(standby);
				this.cluster.delay(standby, Duration.ofMillis(100));
				long until = System.nanoTime() + Duration.ofMillis(2500).toNanos();
				while (System.nanoTime() < until) {
					long revision = client.getKVClient()
						.put(key, key)
						.get(5, TimeUnit.SECONDS)
						.getHeader()
						.getRevision();
					client.getKVClient().compact(revision).get(5, TimeUnit.SECONDS);
				}
				return this.cluster.logged(standby, "watch on role rootCoord ended \\(.*compacted");
			});
		}
		this.cluster.heal(standby);
		// its view is current again: it takes over at once when the active stops
		long stoppedAt = System.nanoTime();
		this.cluster.terminate(active);
		await().atMost(ChaosCluster.TTL).until(() -> this.cluster.journal(standby).isActive());
		assertThat(this.cluster.journal(standby).first("A", stoppedAt)).isPresent();
		assertInvariant();
	}

	private void cutOff(IntConsumer fault) {
		int old = this.cluster.awaitOneActive(Duration.ofSeconds(10));
		int other = 1 - old;
		long cutAt = System.nanoTime();
		fault.accept(old);
		await().atMost(ChaosCluster.TTL.multipliedBy(4)).until(() -> this.cluster.journal(other).isActive());
		long steppedDownAt = this.cluster.journal(old).first("S", cutAt).getAsLong();
		long tookOverAt = this.cluster.journal(other).first("A", cutAt).getAsLong();
		assertThat(steppedDownAt).as("the cut-off active stepped down before the standby took over")
			.isLessThan(tookOverAt);
		this.cluster.heal(old);
		assertThat(this.cluster.journal(old).first("A", cutAt)).isEmpty();
		assertInvariant();
	}

	private void assertInvariant() {
		InvariantChecker.Result result = this.cluster.check();
		assertThat(result.overlapDetails()).isEmpty();
		assertThat(result.acknowledgedWrites()).isPositive();
		assertThat(result.repeatedOrBackwards()).isZero();
		assertThat(result.lostWrites()).isZero();
		assertThat(result.intervals()).isGreaterThanOrEqualTo(1);
	}

}
