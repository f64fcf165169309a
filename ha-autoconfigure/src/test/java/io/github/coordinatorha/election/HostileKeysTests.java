package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keys changed behind the nodes' backs by an operator or another program: values that are
 * not Milvus sessions, keys without a lease, deleted sessions. The nodes recover, and
 * never crash or claim twice.
 */
class HostileKeysTests {

	private static final String ROOT = "rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<TestNode> nodes = new ArrayList<>();

	private final String rootPath = "hostile-" + System.nanoTime();

	private final String activeKey = this.rootPath + "/meta/session/rootcoord";

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(TestNode::close);
	}

	private TestNode node() {
		TestNode node = TestNode.start(etcd.cluster(), "ha.etcd.root-path=" + this.rootPath,
				"rootCoord.activeStandby.enabled=true");
		this.nodes.add(node);
		return node;
	}

	private List<TestNode> active() {
		return this.nodes.stream().filter(TestNode::isRunning).filter((node) -> node.isActive(ROOT)).toList();
	}

	private TestNode awaitSingleActive() {
		await().atMost(Duration.ofSeconds(20)).until(() -> active().size() == 1);
		return active().get(0);
	}

	private String value(String key) {
		return etcd.etcdctl("get", "--print-value-only", key).strip();
	}

	@Test
	void anActiveKeyOverwrittenWithGarbageIsGivenUpAndTheRoleElectedAgain() {
		TestNode first = node();
		node();
		TestNode old = awaitSingleActive();
		FencingToken oldTerm = old.activeStandby().fencingToken(ROOT);
		etcd.etcdctl("put", this.activeKey, "not json at all");
		await().atMost(Duration.ofSeconds(20))
			.until(() -> active().size() == 1
					&& active().get(0).activeStandby().fencingToken(ROOT).isNewerThan(oldTerm));
		assertThat(value(this.activeKey)).startsWith("{");
		assertThat(this.nodes).allMatch(TestNode::isRunning);
		assertThat(first.isRunning()).isTrue();
	}

	@Test
	void aForeignUnleasedActiveKeyIsRemovedAfterATtlAndTheRoleElected() {
		etcd.etcdctl("put", this.activeKey, "{\"ServerID\":\"x\",\"foreign\":true}");
		TestNode first = node();
		TestNode second = node();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> first.activeStandby().status(ROOT).reason().name().equals("ANOTHER_NODE_ACTIVE"));
		assertThat(active()).isEmpty();
		awaitSingleActive();
		assertThat(value(this.activeKey)).contains("\"ServerID\":");
		assertThat(List.of(first, second)).filteredOn((node) -> node.isActive(ROOT)).hasSize(1);
	}

	@Test
	void aSessionOverwrittenOrDeletedIsRegisteredAgainUnderTheNodesLease() {
		TestNode active = node();
		awaitSingleActive();
		TestNode standby = node();
		await().atMost(Duration.ofSeconds(10)).until(() -> standby.serverId(ROOT) != 0);
		String standbySession = this.rootPath + "/meta/session/rootcoord-" + standby.serverId(ROOT);
		await().atMost(Duration.ofSeconds(10)).until(() -> value(standbySession).startsWith("{"));
		etcd.etcdctl("put", standbySession, "garbage");
		await().atMost(Duration.ofSeconds(10)).until(() -> value(standbySession).startsWith("{"));
		etcd.etcdctl("del", standbySession);
		await().atMost(Duration.ofSeconds(10)).until(() -> value(standbySession).startsWith("{"));
		// the rewritten session carries the lease again: it goes with the node
		String lease = etcd.etcdctl("get", standbySession, "-w", "fields");
		assertThat(lease).doesNotContain("\"Lease\" : 0\n");
		assertThat(active.isActive(ROOT)).isTrue();
		// and the standby still takes over at once when the active leaves
		long stoppedAt = System.nanoTime();
		active.close();
		await().atMost(Duration.ofSeconds(1)).until(() -> standby.isActive(ROOT));
		assertThat(System.nanoTime() - stoppedAt).isLessThan(Duration.ofSeconds(2).toNanos());
	}

	@Test
	void foreignSessionKeysNeverStandInLineAndHandoverStaysImmediate() {
		etcd.etcdctl("put", this.rootPath + "/meta/session/rootcoord-1000", "garbage");
		etcd.etcdctl("put", this.rootPath + "/meta/session/rootcoord-1001", "{\"ServerID\":7}");
		TestNode first = node();
		awaitSingleActive();
		TestNode second = node();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> second.activeStandby().status(ROOT).reason().name().equals("ANOTHER_NODE_ACTIVE"));
		first.close();
		await().atMost(Duration.ofSeconds(1)).until(() -> second.isActive(ROOT));
	}

}
