package io.github.coordinatorha.chaos;

import java.time.Duration;
import java.util.List;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A standby whose etcd connection sits on a member cut off from the majority (issue 12,
 * item 5): a three-member etcd whose members reach each other through proxies, so one
 * member loses its peers while clients still reach it, and a proxy per node and member.
 * Such a member answers nothing that needs a leader, and its watches see no new event:
 * the standby must notice and move to a member of the majority.
 * <p>
 * The standby's calls go round robin to every member; those the cut-off member refuses
 * with "no leader" go again to the next one ({@code NoLeaderRetry}), or a session
 * opening, four calls in a row, would reach the cut-off member once and fail every time.
 */
class MinorityMemberTests {

	private static final Duration TTL = ChaosCluster.TTL;

	/**
	 * The bound on a takeover once the active died: its lease runs out within the TTL,
	 * the isolated member loses its leader within an election timeout (500 ms), and the
	 * standby moves to another member and claims the role.
	 */
	private static final Duration TAKEOVER_BOUND = TTL.plusSeconds(8);

	private EtcdCluster etcd;

	private ChaosCluster cluster;

	@BeforeEach
	void startEtcd() {
		this.etcd = EtcdCluster.startWithPeerProxies(3);
	}

	@AfterEach
	void stopAll() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.etcd.reconnect();
		this.etcd.close();
	}

	@Test
	void aStandbyConnectedToAMemberCutOffFromTheMajorityLearnsTheActiveDiedAndTakesOverWithinABound() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 2, TTL);
		this.cluster.start(0);
		assertThat(this.cluster.awaitOneActive(Duration.ofSeconds(30))).isZero();
		// the standby starts while it reaches member 0 only: its session, its watch and
		// every stream it opens sit on member 0
		int isolated = 0;
		List<Integer> others = List.of(1, 2);
		others.forEach((member) -> this.cluster.proxy(1, member).drop());
		this.cluster.start(1, "--logging.level.io.github.coordinatorha.election.NodeSession=DEBUG");
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
		others.forEach((member) -> this.cluster.proxy(1, member).pass());
		long bytesToOthersBefore = others.stream()
			.mapToLong((member) -> this.cluster.proxy(1, member).bytesToServer())
			.sum();

		// the standby has connections to the majority's members too, so the test is not
		// of
		// gRPC's reconnect backoff
		await().atMost(Duration.ofSeconds(20))
			.until(() -> others.stream().allMatch((member) -> this.cluster.proxy(1, member).bytesToServer() > 0));
		this.etcd.isolate(isolated);
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.etcd.hasLeader(isolated));
		await().atMost(Duration.ofSeconds(10))
			.until(() -> others.stream().allMatch((member) -> this.etcd.hasLeader(member)));
		long killedAt = System.nanoTime();
		this.cluster.kill(0);
		boolean tookOver;
		try {
			// waits past the bound, so that the figure tells how far past
			await().atMost(TAKEOVER_BOUND.multipliedBy(3))
				.pollInterval(Duration.ofMillis(20))
				.until(() -> this.cluster.journal(1).isActive());
			tookOver = true;
		}
		catch (ConditionTimeoutException ex) {
			tookOver = false;
		}
		long takeoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
		long bytesToOthersAfter = others.stream()
			.mapToLong((member) -> this.cluster.proxy(1, member).bytesToServer())
			.sum();
		Figures.report("standby on a minority member", "took over=" + tookOver + " " + takeoverMillis
				+ "ms after the active's kill -9 (TTL " + TTL.toSeconds() + "s, bound " + TAKEOVER_BOUND.toSeconds()
				+ "s); bytes the standby sent to the majority's members " + "before the cut=" + bytesToOthersBefore
				+ ", after=" + bytesToOthersAfter + "; took " + (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		assertThat(tookOver).as("the standby took over").isTrue();
		assertThat(takeoverMillis).as("milliseconds from the kill to the takeover")
			.isLessThanOrEqualTo(TAKEOVER_BOUND.toMillis());
		// the cut-off member rejoins: the check reads the fenced counter through any
		// member
		this.etcd.reconnect();
		this.etcd.awaitHealthy(Duration.ofSeconds(20));
		InvariantChecker.Result result = this.cluster.check();
		assertThat(result.overlapDetails()).as("ACTIVE intervals that overlap").isEmpty();
		assertThat(result.holds()).as("the invariant: " + result).isTrue();
	}

}
