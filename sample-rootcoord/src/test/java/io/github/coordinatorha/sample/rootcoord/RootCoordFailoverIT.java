package io.github.coordinatorha.sample.rootcoord;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.NodeProcess;
import io.github.coordinatorha.test.etcd.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.coordinatorha.sample.rootcoord.SampleNodes.ACTIVE;
import static io.github.coordinatorha.sample.rootcoord.SampleNodes.STANDBY;
import static io.github.coordinatorha.sample.rootcoord.SampleNodes.TAKEOVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sample-rootcoord processes from the executable jar against a real etcd: kill -9 and
 * SIGTERM of the active, as an operator would do them; and the same jar in AOT mode.
 */
class RootCoordFailoverIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	@RegisterExtension
	final SampleNodes nodes = new SampleNodes();

	private final String rootPath = "it-" + System.nanoTime();

	@Test
	void killingTheActiveLetsTheStandbyTakeOverAboutOneTtlLater() {
		NodeProcess first = startNode("first", "2s");
		first.awaitLine(ACTIVE, Duration.ofSeconds(60));
		NodeProcess second = startNode("second", "2s");
		second.awaitLine(STANDBY, Duration.ofSeconds(60));
		long killedAt = System.nanoTime();
		first.kill();
		long tookOverAt = second.awaitLine(TAKEOVER, Duration.ofSeconds(15));
		long failoverMillis = (tookOverAt - killedAt) / 1_000_000;
		// The lease of the killed node must run out first: not at once, and not much
		// later than one TTL (2 s).
		assertThat(failoverMillis).isBetween(500L, 6_000L);
		assertThat(second.hasLine(ACTIVE)).isTrue();
	}

	@Test
	void stoppingTheActiveHandsTheRoleOverAtOnce() {
		NodeProcess first = startNode("first", "30s");
		first.awaitLine(ACTIVE, Duration.ofSeconds(60));
		NodeProcess second = startNode("second", "30s");
		second.awaitLine(STANDBY, Duration.ofSeconds(60));
		long stoppedAt = System.nanoTime();
		first.terminate();
		long tookOverAt = second.awaitLine(TAKEOVER, Duration.ofSeconds(15));
		// Far less than the 30 s TTL: the stopping node revoked its lease.
		assertThat((tookOverAt - stoppedAt) / 1_000_000).isLessThan(10_000L);
		first.awaitLine("steps down from ACTIVE: the application is stopping", Duration.ofSeconds(5));
	}

	@Test
	void inAotModeTheRoleToggleWorksAtRunTimeAndTheNodesElectAndHandOver() {
		NodeProcess first = startAotNode("aot-first");
		first.awaitLine("Starting AOT-processed SampleRootCoordApplication", Duration.ofSeconds(60));
		first.awaitLine(ACTIVE, Duration.ofSeconds(60));
		NodeProcess second = startAotNode("aot-second");
		second.awaitLine(STANDBY, Duration.ofSeconds(60));
		first.terminate();
		second.awaitLine(TAKEOVER, Duration.ofSeconds(15));
		assertThat(second.hasLine(ACTIVE)).isTrue();
	}

	private NodeProcess startAotNode(String name) {
		return startNode(name, List.of("-Dspring.aot.enabled=true"), "30s", etcd.cluster(), freePort());
	}

	@Test
	void withExitOnLossTheNodeExitsWhenItsSessionIsLostAsMilvusDoes() {
		EtcdCluster own = EtcdCluster.single();
		try {
			NodeProcess node = startNode("exiting", "2s", own, "--ha.session.on-loss=exit");
			node.awaitLine(ACTIVE, Duration.ofSeconds(60));
			own.killAll();
			node.awaitLine("Session lost", Duration.ofSeconds(10));
			await().atMost(Duration.ofSeconds(30)).until(() -> !node.isAlive());
			assertThat(node.exitCode()).isEqualTo(1);
		}
		finally {
			own.close();
		}
	}

	private NodeProcess startNode(String name, String ttl) {
		return startNode(name, ttl, etcd.cluster());
	}

	private NodeProcess startNode(String name, String ttl, EtcdCluster cluster, String... extra) {
		return startNode(name, ttl, cluster, freePort(), extra);
	}

	private NodeProcess startNode(String name, String ttl, EtcdCluster cluster, int port, String... extra) {
		return startNode(name, List.of(), ttl, cluster, port, extra);
	}

	private NodeProcess startNode(String name, List<String> jvmOptions, String ttl, EtcdCluster cluster, int port,
			String... extra) {
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=" + port, "--server.address=127.0.0.1", "--ha.session.address=127.0.0.1:" + port,
						"--ha.etcd.endpoints=" + cluster.endpoints(), "--rootCoord.activeStandby.enabled=true",
						"--ha.session.ttl=" + ttl, "--ha.etcd.root-path=" + this.rootPath));
		arguments.addAll(List.of(extra));
		return this.nodes.start(name, jvmOptions, arguments, Map.of());
	}

	private static int freePort() {
		return Ports.free();
	}

}
