package io.github.coordinatorha.sample.rootcoord;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two sample-rootcoord processes from the executable jar against a real etcd: kill -9
 * and SIGTERM of the active, as an operator would do them.
 */
class RootCoordFailoverIT {

	private static final String ACTIVE = "register ACTIVE service successfully";

	private static final String TAKEOVER = "quit STANDBY mode, this node will become ACTIVE";

	private static final String STANDBY = "rootcoord is STANDBY \\(ANOTHER_NODE_ACTIVE\\)";

	private static EtcdCluster etcd;

	private final List<NodeProcess> nodes = new ArrayList<>();

	private final String rootPath = "it-" + System.nanoTime();

	@TempDir
	Path logs;

	@BeforeAll
	static void startEtcd() {
		etcd = EtcdCluster.single();
	}

	@AfterAll
	static void stopEtcd() {
		etcd.close();
	}

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(NodeProcess::close);
	}

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
		return startNode(name, ttl, etcd);
	}

	private NodeProcess startNode(String name, String ttl, EtcdCluster cluster, String... extra) {
		Path jar = Path.of(System.getProperty("sample.jar", "target/sample-rootcoord.jar"));
		assertThat(jar).exists();
		List<String> command = List.of(NodeProcess.javaExecutable(), "-Xmx256m", "-jar", jar.toString(),
				"--server.port=" + freePort(), "--server.address=127.0.0.1", "--ha.etcd.endpoints=" + cluster.endpoints(),
				"--rootCoord.activeStandby.enabled=true", "--ha.session.ttl=" + ttl,
				"--ha.etcd.root-path=" + this.rootPath);
		command = new ArrayList<>(command);
		command.addAll(List.of(extra));
		NodeProcess node = NodeProcess.start(name, command, this.logs.resolve(name + ".log"));
		this.nodes.add(node);
		return node;
	}

	private static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
