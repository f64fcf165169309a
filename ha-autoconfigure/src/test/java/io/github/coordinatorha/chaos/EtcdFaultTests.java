package io.github.coordinatorha.chaos;

import java.time.Duration;
import java.util.List;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.EtcdMember;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Faults of etcd itself, on a three-member cluster on loopback, with two node processes:
 * a leader lost while quorum holds, quorum lost and restored, a full restart that keeps
 * the data and one that wipes it.
 */
class EtcdFaultTests {

	/**
	 * Long enough to ride out an etcd leader election (500 ms election timeout here), as
	 * a production TTL is: keepalives fail while the cluster has no leader.
	 */
	private static final Duration TTL = Duration.ofSeconds(5);

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.cluster(3);

	private ChaosCluster cluster;

	@BeforeEach
	void startNodes() {
		etcd.cluster().startAll();
		// a third node is started only after a wipe
		this.cluster = new ChaosCluster(etcd.cluster(), 3, TTL);
		this.cluster.startActiveThenStandby();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
	}

	@AfterEach
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void killingTheEtcdLeaderWhileQuorumHoldsCausesNoFailover() {
		int active = this.cluster.awaitOneActive(Duration.ofSeconds(10));
		EtcdMember leader = etcd.cluster().leader();
		long killedAt = System.nanoTime();
		leader.kill();
		// the active keeps writing for two TTLs after the kill, without a step-down
		long twoTtlsLater = killedAt + TTL.multipliedBy(2).toNanos();
		await().atMost(TTL.multipliedBy(3))
			.until(() -> this.cluster.journal(active).first("W", twoTtlsLater).isPresent());
		assertThat(this.cluster.journal(active).first("S", killedAt)).as("the active stepped down").isEmpty();
		assertThat(this.cluster.journal(1 - active).first("A", killedAt)).as("the standby took over").isEmpty();
		assertThat(etcd.cluster().leader()).isNotEqualTo(leader);
		assertInvariant();
	}

	@Test
	void losingQuorumStepsTheActiveDownWithinTheTtlAndNoneIsActiveUntilItIsBack() {
		int active = this.cluster.awaitOneActive(Duration.ofSeconds(10));
		long lostAt = System.nanoTime();
		etcd.cluster().member(0).kill();
		etcd.cluster().member(1).kill();
		await().atMost(TTL.multipliedBy(2)).until(() -> !this.cluster.journal(active).isActive());
		long steppedDownAt = this.cluster.journal(active).first("S", lostAt).getAsLong();
		assertThat(steppedDownAt - lostAt).as("step-down after quorum loss, ns").isLessThan(TTL.toNanos());
		// keep quorum lost for two TTLs: the fault itself
		await().pollDelay(Duration.ZERO)
			.atMost(TTL.multipliedBy(3))
			.until(() -> System.nanoTime() - lostAt >= TTL.multipliedBy(2).toNanos());
		long restoredAt = System.nanoTime();
		assertThat(this.cluster.journal(0).first("A", steppedDownAt)).isEmpty();
		assertThat(this.cluster.journal(1).first("A", steppedDownAt)).isEmpty();
		etcd.cluster().startAll();
		int next = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		assertThat(this.cluster.journal(next).first("A", lostAt).getAsLong()).isGreaterThan(restoredAt);
		assertInvariant();
	}

	@Test
	void aFullEtcdRestartKeepingTheDataEndsWithOneActiveAndBothSessions() {
		long stoppedAt = System.nanoTime();
		etcd.cluster().stopAll();
		await().atMost(TTL.multipliedBy(2))
			.until(() -> !this.cluster.journal(0).isActive() && !this.cluster.journal(1).isActive());
		etcd.cluster().startAll();
		this.cluster.awaitOneActive(Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(15)).until(() -> this.cluster.sessions().size() == 2);
		// a node whose lease outlived the restart keeps its server ID; one whose session
		// was
		// lost comes back with a new one: never an ID twice, and the counter above them
		// all
		List<Long> ids = this.cluster.sessions().stream().map((key) -> Long.parseLong(key.substring(10))).toList();
		assertThat(ids).doesNotHaveDuplicates()
			.allSatisfy((id) -> assertThat(id).isLessThan(this.cluster.serverIdCounter()));
		assertThat(this.cluster.journal(0).first("A", stoppedAt).isPresent()
				|| this.cluster.journal(1).first("A", stoppedAt).isPresent())
			.isTrue();
		assertInvariant();
	}

	@Test
	void aWipedEtcdGetsOneActiveBothSessionsAndNeverReusesAServerId() {
		EtcdCluster members = etcd.cluster();
		members.wipe();
		this.cluster.awaitOneActive(Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(15)).until(() -> this.cluster.sessions().size() == 2);
		assertThat(this.cluster.sessions()).containsExactly("rootcoord-1", "rootcoord-2");
		// a lost session comes back with a new server ID from the new counter, which
		// holds
		// the next free ID as Milvus's does: a new node gets a fresh one
		assertThat(this.cluster.serverIdCounter()).isEqualTo(3);
		this.cluster.start(2);
		await().atMost(Duration.ofSeconds(15)).until(() -> this.cluster.sessions().size() == 3);
		assertThat(this.cluster.sessions()).containsExactly("rootcoord-1", "rootcoord-2", "rootcoord-3");
	}

	private void assertInvariant() {
		InvariantChecker.Result result = this.cluster.check();
		assertThat(result.overlapDetails()).isEmpty();
		assertThat(result.repeatedOrBackwards()).isZero();
		assertThat(result.lostWrites()).isZero();
	}

}
