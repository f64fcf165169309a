package io.github.coordinatorha.chaos;

import java.time.Duration;
import java.util.List;

import io.github.coordinatorha.election.RoleDefinition;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Graceful handovers between node processes on a real etcd, each node writing guarded
 * increments all along: by one transfer between nodes of this version, and side by side
 * with a node of the older protocol (as in a rolling upgrade), by resignation where the
 * successor cannot take a transfer. No two ACTIVE intervals overlap, no acknowledged
 * write is lost, and tokens only grow.
 */
class HandoverProcessTests {

	private static final List<String> OLD_PROTOCOL = List.of("-D" + RoleDefinition.PROTOCOL_PROPERTY + "=1");

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private ChaosCluster cluster;

	@AfterEach
	void stopNodes() {
		this.cluster.close();
	}

	@Test
	void aGracefulStopHandsTheRoleToTheStandbyByTransferAndDeposedWritesFail() {
		this.cluster = new ChaosCluster(etcd.cluster(), 2);
		this.cluster.startActiveThenStandby();
		for (int round = 0; round < 3; round++) {
			int active = this.cluster.awaitOneActive(Duration.ofSeconds(10));
			this.cluster.awaitStandby(1 - active, Duration.ofSeconds(10));
			long stoppedAt = System.nanoTime();
			this.cluster.terminate(active);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.cluster.journal(1 - active).isActive());
			assertThat(this.cluster.logged(1 - active, "quit STANDBY mode")).isTrue();
			assertThat(this.cluster.logged(active, "handed ACTIVE over to serverId")).as("one transfer").isTrue();
			assertThat(this.cluster.journal(1 - active).first("A", stoppedAt)).isPresent();
			this.cluster.start(active);
		}
		assertInvariant();
	}

	@Test
	void nodesOfTheOlderProtocolAndThisOneHandTheRoleBackAndForthWithOneActive() {
		this.cluster = new ChaosCluster(etcd.cluster(), 2);
		// node 0 speaks the older protocol: no transfers to or from it
		this.cluster.start(0, OLD_PROTOCOL);
		this.cluster.awaitOneActive(Duration.ofSeconds(15));
		this.cluster.start(1);
		for (int round = 0; round < 4; round++) {
			int active = this.cluster.awaitOneActive(Duration.ofSeconds(10));
			this.cluster.awaitStandby(1 - active, Duration.ofSeconds(10));
			long stoppedAt = System.nanoTime();
			this.cluster.terminate(active);
			await().atMost(Duration.ofSeconds(5)).until(() -> this.cluster.journal(1 - active).isActive());
			assertThat(this.cluster.journal(1 - active).first("A", stoppedAt)).isPresent();
			// this version, handing over to the older one, resigns: nothing is
			// transferred
			assertThat(this.cluster.logged(active, "handed ACTIVE over to serverId")).isFalse();
			if (active == 0) {
				this.cluster.start(0, OLD_PROTOCOL);
			}
			else {
				this.cluster.start(1);
			}
		}
		assertInvariant();
	}

	private void assertInvariant() {
		InvariantChecker.Result result = this.cluster.check();
		assertThat(result.overlapDetails()).isEmpty();
		assertThat(result.repeatedOrBackwards()).isZero();
		assertThat(result.lostWrites()).isZero();
		assertThat(result.acknowledgedWrites()).isPositive();
	}

}
