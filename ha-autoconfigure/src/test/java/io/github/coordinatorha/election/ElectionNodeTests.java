package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.RoleTransitionEvent;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Election, handover, failover and fencing between nodes on a real single-member etcd.
 */
class ElectionNodeTests {

	private static final String ROOT = "rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<TestNode> nodes = new ArrayList<>();

	private String rootPath;

	@BeforeEach
	void isolateKeys() {
		// Each test gets keys of its own, so no test sees another's sessions.
		this.rootPath = "test-" + System.nanoTime();
	}

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(TestNode::close);
	}

	private TestNode node(String... properties) {
		List<String> all = new ArrayList<>(List.of("ha.etcd.root-path=" + this.rootPath));
		all.addAll(List.of(properties));
		TestNode node = TestNode.start(etcd.cluster(), all.toArray(String[]::new));
		this.nodes.add(node);
		return node;
	}

	private TestNode rootCoordNode(String... properties) {
		List<String> all = new ArrayList<>(List.of("rootCoord.activeStandby.enabled=true"));
		all.addAll(List.of(properties));
		return node(all.toArray(String[]::new));
	}

	private List<TestNode> active(String role) {
		return this.nodes.stream().filter(TestNode::isRunning).filter((node) -> node.isActive(role)).toList();
	}

	private TestNode awaitSingleActive(String role) {
		await().atMost(Duration.ofSeconds(20)).until(() -> active(role).size() == 1);
		return active(role).get(0);
	}

	@Test
	void oneCandidateAmongSeveralBecomesActiveAndTheOthersStandBy() {
		for (int i = 0; i < 3; i++) {
			rootCoordNode();
		}
		TestNode active = awaitSingleActive(ROOT);
		long activeId = active.serverId(ROOT);
		await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
			for (TestNode node : this.nodes) {
				RoleStatus status = node.activeStandby().status(ROOT);
				assertThat(status.activeServerId()).isEqualTo(activeId);
			}
		});
		assertThat(this.nodes.stream().map((node) -> node.serverId(ROOT)).distinct()).hasSize(3);
		assertThat(active(ROOT)).containsExactly(active);
		for (TestNode node : this.nodes) {
			List<RoleTransitionEvent> events = node.events(ROOT);
			Class<?> expected = (node == active) ? BecameActiveEvent.class : BecameStandbyEvent.class;
			assertThat(events).hasSize(1).first().isInstanceOf(expected);
			assertThat(events.get(0).getActiveServerId()).isEqualTo(activeId);
		}
		BecameActiveEvent won = (BecameActiveEvent) active.events(ROOT).get(0);
		assertThat(won.getReason()).isEqualTo(TransitionReason.ELECTED);
		assertThat(won.getFencingToken()).isEqualTo(active.activeStandby().fencingToken(ROOT));
	}

	@Test
	void sessionsAndTheActiveKeyAreWrittenInMilvusShape() {
		TestNode node = rootCoordNode("ha.session.address=10.1.2.3:53100");
		awaitSingleActive(ROOT);
		long serverId = node.serverId(ROOT);
		String session = etcd.etcdctl("get", "--print-value-only",
				this.rootPath + "/meta/session/rootcoord-" + serverId);
		String active = etcd.etcdctl("get", "--print-value-only", this.rootPath + "/meta/session/rootcoord");
		String counter = etcd.etcdctl("get", "--print-value-only", this.rootPath + "/meta/session/id");
		assertThat(session).contains("\"ServerID\":" + serverId, "\"ServerName\":\"rootcoord\"",
				"\"Address\":\"10.1.2.3:53100\"", "\"Exclusive\":true", "\"TriggerKill\":true", "\"LeaseID\":",
				"\"HostName\":", "\"Stopping\":false", "\"Version\":");
		assertThat(active.strip()).isEqualTo(session.strip());
		// the counter holds the next free ID, as Milvus's does
		assertThat(counter.strip()).isEqualTo(Long.toString(serverId + 1));
	}

	@Test
	void serverIdsComeFromTheCounterStartingAtOneAndAreNeverReused() {
		TestNode first = rootCoordNode();
		awaitSingleActive(ROOT);
		assertThat(first.serverId(ROOT)).isEqualTo(1);
		first.close();
		TestNode second = rootCoordNode();
		TestNode third = rootCoordNode();
		await().atMost(Duration.ofSeconds(10)).until(() -> second.serverId(ROOT) != 0 && third.serverId(ROOT) != 0);
		assertThat(List.of(second.serverId(ROOT), third.serverId(ROOT))).containsExactlyInAnyOrder(2L, 3L);
	}

	@Test
	void rolesAreElectedIndependently() {
		TestNode a = node("rootCoord.activeStandby.enabled=true", "queryCoord.activeStandby.enabled=true",
				"dataCoord.activeStandby.enabled=false");
		TestNode b = node("rootCoord.activeStandby.enabled=true", "queryCoord.activeStandby.enabled=true",
				"dataCoord.activeStandby.enabled=false");
		awaitSingleActive(ROOT);
		TestNode queryActive = awaitSingleActive("queryCoord");
		FencingToken queryTerm = queryActive.activeStandby().fencingToken("queryCoord");
		TestNode rootActive = awaitSingleActive(ROOT);
		FencingToken rootTerm = rootActive.activeStandby().fencingToken(ROOT);
		// An operator deletes rootCoord's ACTIVE key: only rootCoord is contested again.
		etcd.etcdctl("del", this.rootPath + "/meta/session/rootcoord");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> active(ROOT).size() == 1
					&& active(ROOT).get(0).activeStandby().fencingToken(ROOT).isNewerThan(rootTerm));
		assertThat(active("queryCoord")).containsExactly(queryActive);
		assertThat(queryActive.activeStandby().fencingToken("queryCoord")).isEqualTo(queryTerm);
		assertThat(queryActive.events("queryCoord")).hasSize(1);
		assertThat(List.of(a, b)).contains(queryActive);
		// Disabled roles stay ACTIVE on both nodes and need no election.
		assertThat(a.isActive("dataCoord")).isTrue();
		assertThat(b.isActive("dataCoord")).isTrue();
	}

	@Test
	void gracefulStopHandsTheRoleOverWithoutWaitingForTheLease() {
		TestNode first = rootCoordNode("ha.session.ttl=20s");
		awaitSingleActive(ROOT);
		TestNode second = rootCoordNode("ha.session.ttl=20s");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> second.activeStandby().status(ROOT).activeServerId() == first.serverId(ROOT));
		FencingToken firstTerm = first.activeStandby().fencingToken(ROOT);
		long firstId = first.serverId(ROOT);
		long stoppedAt = System.nanoTime();
		first.close();
		// Well inside the 20 s TTL: the lease was revoked, not left to expire.
		await().atMost(Duration.ofSeconds(5)).until(() -> second.isActive(ROOT));
		long handoverMillis = (System.nanoTime() - stoppedAt) / 1_000_000;
		assertThat(handoverMillis).isLessThan(5_000);
		assertThat(second.activeStandby().fencingToken(ROOT).isNewerThan(firstTerm)).isTrue();
		List<RoleTransitionEvent> firstEvents = first.events(ROOT);
		assertThat(firstEvents.get(firstEvents.size() - 1)).isInstanceOf(BecameStandbyEvent.class)
			.extracting(RoleTransitionEvent::getReason)
			.isEqualTo(TransitionReason.SHUTDOWN);
		assertThat(etcd.etcdctl("get", "--prefix", "--keys-only", this.rootPath + "/meta/session/rootcoord-" + firstId))
			.isBlank();
	}

	@Test
	void onlyTheOldestStandbyCompetesWhenTheActiveLeaves() {
		TestNode first = rootCoordNode("ha.session.ttl=20s");
		awaitSingleActive(ROOT);
		TestNode second = rootCoordNode("ha.session.ttl=20s");
		await().atMost(Duration.ofSeconds(5)).until(() -> second.serverId(ROOT) != 0);
		TestNode third = rootCoordNode("ha.session.ttl=20s");
		await().atMost(Duration.ofSeconds(5)).until(() -> third.activeStandby().status(ROOT).activeServerId() != 0);
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.isActive(ROOT));
		assertThat(third.isActive(ROOT)).isFalse();
		second.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> third.isActive(ROOT));
	}

	@Test
	void eventsArePublishedOnTheStartersThreadInOrder() {
		TestNode first = rootCoordNode();
		awaitSingleActive(ROOT);
		TestNode second = rootCoordNode();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.events(ROOT).size() == 1);
		first.close();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.events(ROOT).size() == 2);
		assertThat(second.events(ROOT)).extracting((event) -> event.getClass().getSimpleName())
			.containsExactly("BecameStandbyEvent", "BecameActiveEvent");
		assertThat(second.eventThreads()).allMatch((thread) -> thread.startsWith("ha-events-"));
	}

	@Test
	void aNodeWhoseActivationFailsGivesTheRoleUpToAnotherCandidate() {
		TestNode failing = rootCoordNode("test.fail-activations=1");
		await().atMost(Duration.ofSeconds(10)).until(() -> failing.events(ROOT).size() >= 2);
		assertThat(failing.events(ROOT)).extracting(RoleTransitionEvent::getReason)
			.startsWith(TransitionReason.ELECTED, TransitionReason.ACTIVATION_FAILED);
		// A candidate that arrives while the failed node waits to compete again gets the
		// role at once, not after the failed node's back-off.
		TestNode healthy = rootCoordNode();
		await().atMost(Duration.ofSeconds(1)).until(() -> healthy.isActive(ROOT));
		assertThat(failing.isActive(ROOT)).isFalse();
		assertThat(failing.events(ROOT)).hasSize(2);
	}

	@Test
	void aLoneNodeWhoseActivationFailedCompetesAgainLater() {
		TestNode node = rootCoordNode("test.fail-activations=1");
		await().atMost(Duration.ofSeconds(15))
			.until(() -> node.events(ROOT).stream().filter(BecameActiveEvent.class::isInstance).count() == 2);
		assertThat(node.isActive(ROOT)).isTrue();
		assertThat(node.events(ROOT)).extracting(RoleTransitionEvent::getReason)
			.containsExactly(TransitionReason.ELECTED, TransitionReason.ACTIVATION_FAILED, TransitionReason.ELECTED);
	}

	@Test
	void aDeposedActivesGuardedWriteFails() throws Exception {
		TestNode first = rootCoordNode();
		awaitSingleActive(ROOT);
		TestNode second = rootCoordNode();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.activeStandby().status(ROOT).activeServerId() != 0);
		Cmp staleGuard = first.activeStandby().fencingGuard(ROOT);
		FencingToken staleToken = first.activeStandby().fencingToken(ROOT);
		Client client = first.context().getBean(Client.class);
		ByteSequence key = ByteSequence.from(this.rootPath + "/data/counter", java.nio.charset.StandardCharsets.UTF_8);
		assertThat(write(client, staleGuard, key, "written-by-first").isSucceeded()).isTrue();
		// Depose the first node behind its back: its lease is revoked as if it had
		// expired.
		String leaseHex = Long.toHexString(activeLease());
		etcd.etcdctl("lease", "revoke", leaseHex);
		await().atMost(Duration.ofSeconds(10)).until(() -> second.isActive(ROOT));
		assertThat(second.activeStandby().fencingToken(ROOT).isNewerThan(staleToken)).isTrue();
		assertThat(write(client, staleGuard, key, "written-by-deposed-first").isSucceeded()).isFalse();
		assertThat(write(client, second.activeStandby().fencingGuard(ROOT), key, "written-by-second").isSucceeded())
			.isTrue();
		assertThat(etcd.etcdctl("get", "--print-value-only", key.toString())).contains("written-by-second");
		await().atMost(Duration.ofSeconds(10)).until(() -> !first.isActive(ROOT));
		assertThatExceptionOfType(NotActiveException.class).isThrownBy(() -> first.activeStandby().fencingGuard(ROOT))
			.withMessageContaining("rootCoord");
	}

	@Test
	void theActiveStepsDownBeforeItsLeaseExpiresWhenEtcdGoesAwayAndRejoinsWhenItReturns() {
		EtcdCluster own = EtcdCluster.single();
		try {
			TestNode node = TestNode.start(own, "rootCoord.activeStandby.enabled=true",
					"ha.etcd.root-path=" + this.rootPath);
			this.nodes.add(node);
			awaitSingleActive(ROOT);
			long killedAt = System.nanoTime();
			own.killAll();
			await().atMost(Duration.ofSeconds(10)).until(() -> !node.isActive(ROOT));
			long stepDownMillis = (System.nanoTime() - killedAt) / 1_000_000;
			// The last keepalive was sent before the kill, so the server-side lease ends
			// less than one TTL (2 s) after it: the node must be STANDBY by then.
			assertThat(stepDownMillis).isLessThan(2_000);
			await().atMost(Duration.ofSeconds(5)).until(() -> node.events(ROOT).size() == 2);
			assertThat(node.events(ROOT).get(1)).isInstanceOf(BecameStandbyEvent.class)
				.extracting(RoleTransitionEvent::getReason)
				.isEqualTo(TransitionReason.SESSION_LOST);
			own.startAll();
			await().atMost(Duration.ofSeconds(30)).until(() -> node.isActive(ROOT));
			assertThat(node.activeStandby().status(ROOT).state()).isEqualTo(RoleState.ACTIVE);
		}
		finally {
			own.close();
		}
	}

	@Test
	void nodesTalkingToDifferentMembersOfAThreeMemberClusterElectOneActive() {
		EtcdCluster cluster = EtcdCluster.start(3);
		try {
			TestNode first = TestNode.start(cluster, "rootCoord.activeStandby.enabled=true",
					"ha.etcd.root-path=" + this.rootPath, "ha.etcd.endpoints=" + cluster.member(0).clientEndpoint());
			this.nodes.add(first);
			TestNode second = TestNode.start(cluster, "rootCoord.activeStandby.enabled=true",
					"ha.etcd.root-path=" + this.rootPath, "ha.etcd.endpoints=" + cluster.member(1).clientEndpoint());
			this.nodes.add(second);
			TestNode active = awaitSingleActive(ROOT);
			TestNode standby = (active == first) ? second : first;
			await().atMost(Duration.ofSeconds(10))
				.until(() -> standby.activeStandby().status(ROOT).activeServerId() == active.serverId(ROOT));
			active.close();
			await().atMost(Duration.ofSeconds(5)).until(() -> standby.isActive(ROOT));
			assertThat(active(ROOT)).containsExactly(standby);
		}
		finally {
			cluster.close();
		}
	}

	@Test
	void statusesListEveryRole() {
		TestNode node = node("ha.roles.indexCoord.activeStandby.enabled=true", "rootCoord.activeStandby.enabled=false",
				"queryCoord.activeStandby.enabled=false", "dataCoord.activeStandby.enabled=false");
		await().atMost(Duration.ofSeconds(10)).until(() -> node.isActive("indexCoord"));
		Map<String, RoleStatus> statuses = node.activeStandby().statuses();
		assertThat(statuses).containsOnlyKeys("dataCoord", "indexCoord", "queryCoord", "rootCoord");
		assertThat(statuses.get("rootCoord").reason()).isEqualTo(TransitionReason.HA_DISABLED);
		assertThat(etcd.etcdctl("get", "--keys-only", this.rootPath + "/meta/session/indexcoord"))
			.contains("indexcoord");
	}

	private static TxnResponse write(Client client, Cmp guard, ByteSequence key, String value) throws Exception {
		return client.getKVClient()
			.txn()
			.If(guard)
			.Then(Op.put(key, ByteSequence.from(value, java.nio.charset.StandardCharsets.UTF_8), PutOption.DEFAULT))
			.commit()
			.get(5, java.util.concurrent.TimeUnit.SECONDS);
	}

	private long activeLease() {
		String json = etcd.etcdctl("get", "--print-value-only", this.rootPath + "/meta/session/rootcoord");
		String digits = json.replaceAll("(?s).*\"LeaseID\":(\\d+).*", "$1");
		return Long.parseLong(digits);
	}

}
