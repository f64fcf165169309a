package io.github.coordinatorha.election;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.RoleTransitionEvent;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The one-write handover and its successor policies between nodes in this JVM on a real
 * etcd, TTL 2 s: who the role goes to (oldest, priority, newest version, a chosen node),
 * that it goes by rewriting the ACTIVE key under the successor's lease (its create
 * revision stays, its mod revision is the new term), what happens when the successor's
 * lease dies on the way, and preemption without ping-pong.
 */
@ExtendWith(OutputCaptureExtension.class)
class SuccessionTests {

	private static final String ROOT = "rootCoord";

	private static final Duration TTL = Duration.ofSeconds(2);

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<TestNode> nodes = new ArrayList<>();

	private final String rootPath = "succession-" + System.nanoTime();

	private Client client;

	@BeforeEach
	void connect() {
		this.client = Client.builder().endpoints(etcd.endpoints().split(",")).build();
	}

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(TestNode::close);
		this.client.close();
	}

	@Test
	void aHandoverGivesTheRoleToTheOldestStandbyByRewritingTheActiveKeyUnderItsLease(CapturedOutput output)
			throws Exception {
		TestNode first = node();
		awaitActive(first);
		TestNode second = standbyOf(first);
		TestNode third = standbyOf(first);
		KeyValue before = activeKey();
		FencingToken oldToken = first.activeStandby().fencingToken(ROOT);
		Cmp oldGuard = first.activeStandby().fencingGuard(oldToken);
		assertThat(oldToken.revision()).isEqualTo(before.getModRevision());
		assertThat(guardedWrite(oldGuard, "by-first")).isTrue();

		Handover handover = first.activeStandby().handOver(ROOT);

		assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
		assertThat(handover.successorServerId()).isEqualTo(second.serverId(ROOT));
		awaitActive(second);
		assertThat(handedOverTo(output, second)).isTrue();
		KeyValue after = activeKey();
		// a transfer: the key was rewritten, never deleted and claimed again
		assertThat(after.getCreateRevision()).isEqualTo(before.getCreateRevision());
		assertThat(after.getModRevision()).isGreaterThan(before.getModRevision());
		assertThat(after.getLease()).isEqualTo(sessionLease(second)).isNotEqualTo(before.getLease());
		assertThat(after.getValue().toString(StandardCharsets.UTF_8))
			.contains("\"ServerID\":" + second.serverId(ROOT) + ",");
		FencingToken newToken = second.activeStandby().fencingToken(ROOT);
		assertThat(newToken.revision()).isEqualTo(after.getModRevision());
		assertThat(newToken.isNewerThan(oldToken)).isTrue();
		assertThat(guardedWrite(oldGuard, "by-deposed-first")).isFalse();
		assertThat(guardedWrite(second.activeStandby().fencingGuard(newToken), "by-second")).isTrue();
		assertThat(onlyActive()).containsExactly(second);
		assertThat(third.activeStandby().status(ROOT).activeServerId()).isEqualTo(second.serverId(ROOT));
		assertThat(first.events(ROOT)).last()
			.isInstanceOf(BecameStandbyEvent.class)
			.extracting(RoleTransitionEvent::getReason)
			.isEqualTo(TransitionReason.RESIGNED);
	}

	@Test
	void underThePriorityPolicyTheHandoverGoesToTheHighestPriorityAndATieToTheOldest(CapturedOutput output) {
		TestNode first = node(priority(0));
		awaitActive(first);
		TestNode oldestButLow = standbyOf(first, priority(1));
		TestNode highAndOlder = standbyOf(first, priority(5));
		TestNode highAndNewer = standbyOf(first, priority(5));

		Handover handover = first.activeStandby().handOver(ROOT);

		assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
		assertThat(handover.successorServerId()).isEqualTo(highAndOlder.serverId(ROOT));
		awaitActive(highAndOlder);
		assertThat(handedOverTo(output, highAndOlder)).isTrue();
		assertThat(onlyActive()).containsExactly(highAndOlder);
		assertThat(oldestButLow.isActive(ROOT)).isFalse();
		assertThat(highAndNewer.isActive(ROOT)).isFalse();
	}

	@Test
	void underTheNewestVersionPolicyTheHandoverGoesToTheNewestSemanticVersion(CapturedOutput output) {
		TestNode first = node(version("1.0.0"));
		awaitActive(first);
		// oldest, but a pre-release of the newest version
		TestNode preRelease = standbyOf(first, version("1.10.0-rc1"));
		// above 1.10.0 if versions were compared as text
		TestNode lexicallyLast = standbyOf(first, version("1.9.0"));
		TestNode newest = standbyOf(first, version("1.10.0"));
		assertThat(etcd.etcdctl("get", "--print-value-only", sessionKey(newest))).contains("\"Version\":\"1.10.0\"");

		Handover handover = first.activeStandby().handOver(ROOT);

		assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
		assertThat(handover.successorServerId()).isEqualTo(newest.serverId(ROOT));
		awaitActive(newest);
		assertThat(handedOverTo(output, newest)).isTrue();
		assertThat(onlyActive()).containsExactly(newest);
		assertThat(List.of(preRelease, lexicallyLast)).noneMatch((node) -> node.isActive(ROOT));
	}

	@Test
	void aHandoverToAChosenStandbyGoesToItAndOneToANodeThatIsNoCandidateChangesNothing(CapturedOutput output)
			throws Exception {
		TestNode first = node();
		awaitActive(first);
		TestNode oldest = standbyOf(first);
		TestNode chosen = standbyOf(first);

		Handover handover = first.activeStandby().handOver(ROOT, chosen.serverId(ROOT));

		assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
		assertThat(handover.successorServerId()).isEqualTo(chosen.serverId(ROOT));
		awaitActive(chosen);
		assertThat(handedOverTo(output, chosen)).isTrue();
		assertThat(onlyActive()).containsExactly(chosen);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> oldest.activeStandby().status(ROOT).activeServerId() == chosen.serverId(ROOT)
					&& first.activeStandby().status(ROOT).activeServerId() == chosen.serverId(ROOT));
		KeyValue before = activeKey();
		FencingToken token = chosen.activeStandby().fencingToken(ROOT);
		int events = allEvents();
		long neverAllocated = 1000 + chosen.serverId(ROOT);
		for (long serverId : new long[] { neverAllocated, chosen.serverId(ROOT) }) {
			Handover refused = chosen.activeStandby().handOver(ROOT, serverId);
			assertThat(refused.outcome()).isEqualTo(Handover.Outcome.NOT_A_CANDIDATE);
			assertThat(refused.message()).contains("serverId " + serverId, "nothing was done");
		}
		KeyValue after = activeKey();
		assertThat(after.getModRevision()).isEqualTo(before.getModRevision());
		assertThat(after.getLease()).isEqualTo(before.getLease());
		assertThat(chosen.activeStandby().fencingToken(ROOT)).isEqualTo(token);
		assertThat(onlyActive()).containsExactly(chosen);
		assertThat(allEvents()).isEqualTo(events);
	}

	@Test
	void aSuccessorWhoseLeaseDiedBetweenTheChoiceAndTheTransferIsPassedOverForTheNext(CapturedOutput output)
			throws Exception {
		Duration delay = Duration.ofMillis(200);
		try (TcpProxy proxy = TcpProxy.to(etcd.cluster().member(0).clientPort())) {
			// The active talks to etcd through a proxy that, once set to delay, shows it
			// every change 200 ms late: it still sees a session that is already gone.
			TestNode first = node("ha.etcd.endpoints=" + proxy.endpoint("http"), "ha.etcd.request-timeout=3s");
			awaitActive(first);
			TestNode doomed = standbyOf(first);
			TestNode next = standbyOf(first);
			// the doomed node opens a session with a new server ID once its lease is gone
			long doomedId = doomed.serverId(ROOT);
			long nextId = next.serverId(ROOT);
			long doomedLease = sessionLease(doomed);
			proxy.delay(delay);
			this.client.getLeaseClient().revoke(doomedLease).get(5, TimeUnit.SECONDS);
			long askedAt = System.nanoTime();

			Handover handover = first.activeStandby().handOver(ROOT);

			long handoverMillis = (System.nanoTime() - askedAt) / 1_000_000;
			assertThat(output).contains("hands ACTIVE over to serverId " + doomedId + " on request");
			assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
			assertThat(handover.successorServerId()).isEqualTo(nextId);
			// two transfer transactions went through the delay, each a round trip: the
			// one
			// to the dead session, refused, and the one to the next successor
			assertThat(handoverMillis).isGreaterThanOrEqualTo(4 * delay.toMillis() - 50);
			proxy.pass();
			await().atMost(Duration.ofSeconds(5)).until(() -> onlyActive().equals(List.of(next)));
			assertThat(handedOverTo(output, nextId)).isTrue();
			assertThat(handedOverTo(output, doomedId)).isFalse();
			KeyValue active = activeKey();
			assertThat(active.getLease()).isEqualTo(sessionLease(next)).isNotEqualTo(doomedLease);
			assertThat(leaseAlive(active.getLease())).isTrue();
			assertThat(leaseAlive(doomedLease)).isFalse();
			// the node that lost its lease joins again as a standby, and the role stays
			await().atMost(Duration.ofSeconds(10))
				.until(() -> doomed.activeStandby().status(ROOT).activeServerId() == nextId);
			assertThat(onlyActive()).containsExactly(next);
			assertThat(activeKey().getModRevision()).isEqualTo(active.getModRevision());
		}
	}

	@Test
	void aStandbyOfHigherPriorityThatJoinsIsHandedTheRoleAfterTheDwellAndAnEqualOneNever(CapturedOutput output) {
		String[] preempting = { "rootCoord.activeStandby.successor=priority", "rootCoord.activeStandby.preempt=true" };
		TestNode low = node(with(preempting, "rootCoord.activeStandby.priority=1"));
		awaitActive(low);
		long createRevision = activeKey().getCreateRevision();
		TestNode high = standbyOf(low, with(preempting, "rootCoord.activeStandby.priority=5"));
		long joinedAt = System.nanoTime();
		// the dwell: 2 x TTL of tenure and of eligibility before the active hands over
		await().during(TTL.multipliedBy(2).minusMillis(700))
			.atMost(TTL.multipliedBy(2))
			.until(() -> low.isActive(ROOT) && !high.isActive(ROOT));
		await().atMost(TTL.multipliedBy(4)).until(() -> high.isActive(ROOT));
		long dwellMillis = (System.nanoTime() - joinedAt) / 1_000_000;
		assertThat(dwellMillis).isGreaterThanOrEqualTo(TTL.multipliedBy(2).toMillis() - 700);
		assertThat(output)
			.contains("hands ACTIVE over to serverId " + high.serverId(ROOT) + ", which ranks above it (priority)");
		assertThat(handedOverTo(output, high)).isTrue();
		assertThat(activeKey().getCreateRevision()).isEqualTo(createRevision);
		assertThat(low.events(ROOT)).last()
			.extracting(RoleTransitionEvent::getReason)
			.isEqualTo(TransitionReason.PREEMPTED);
		// A node that ranks equal joins: over 6 x TTL the role moves neither to it nor
		// back.
		TestNode equal = standbyOf(high, with(preempting, "rootCoord.activeStandby.priority=5"));
		int activations = activations();
		await().during(TTL.multipliedBy(6))
			.atMost(TTL.multipliedBy(7))
			.until(() -> onlyActive().equals(List.of(high)) && activations() == activations);
		assertThat(equal.events(ROOT)).noneMatch(BecameActiveEvent.class::isInstance);
		assertThat(output).doesNotContain("to serverId " + equal.serverId(ROOT) + ", which ranks above it");
	}

	@Test
	void aGracefulStopOfTheActiveHandsTheRoleOverByTransferAndTheSuccessorClaimsNothing(CapturedOutput output) {
		TestNode first = node();
		awaitActive(first);
		TestNode second = standbyOf(first);
		KeyValue before = activeKey();
		FencingToken oldToken = first.activeStandby().fencingToken(ROOT);

		first.close();

		awaitActive(second);
		assertThat(handedOverTo(output, second)).isTrue();
		KeyValue after = activeKey();
		assertThat(after.getCreateRevision()).isEqualTo(before.getCreateRevision());
		assertThat(after.getModRevision()).isGreaterThan(before.getModRevision());
		assertThat(after.getLease()).isEqualTo(sessionLease(second));
		assertThat(second.activeStandby().fencingToken(ROOT).isNewerThan(oldToken)).isTrue();
		assertThat(first.events(ROOT)).last()
			.extracting(RoleTransitionEvent::getReason)
			.isEqualTo(TransitionReason.SHUTDOWN);
		assertThat(etcd.etcdctl("get", "--keys-only", sessionKey(first))).isBlank();
	}

	// Nodes

	private TestNode node(String... properties) {
		List<String> all = new ArrayList<>(
				List.of("ha.etcd.root-path=" + this.rootPath, "rootCoord.activeStandby.enabled=true"));
		all.addAll(List.of(properties));
		TestNode node = TestNode.start(etcd.cluster(), all.toArray(String[]::new));
		this.nodes.add(node);
		return node;
	}

	/**
	 * Starts a node and waits until it stands by under {@code active}: its session is
	 * written, later than every node started before it.
	 */
	private TestNode standbyOf(TestNode active, String... properties) {
		TestNode node = node(properties);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> node.activeStandby().status(ROOT).activeServerId() == active.serverId(ROOT));
		return node;
	}

	private static void awaitActive(TestNode node) {
		await().atMost(Duration.ofSeconds(10)).until(() -> node.isActive(ROOT));
	}

	private List<TestNode> onlyActive() {
		return this.nodes.stream().filter(TestNode::isRunning).filter((node) -> node.isActive(ROOT)).toList();
	}

	private int allEvents() {
		return this.nodes.stream().mapToInt((node) -> node.events(ROOT).size()).sum();
	}

	private int activations() {
		return (int) this.nodes.stream()
			.flatMap((node) -> node.events(ROOT).stream())
			.filter(BecameActiveEvent.class::isInstance)
			.count();
	}

	private static String[] priority(int priority) {
		return new String[] { "rootCoord.activeStandby.successor=priority",
				"rootCoord.activeStandby.priority=" + priority };
	}

	private static String[] version(String version) {
		return new String[] { "rootCoord.activeStandby.successor=newest-version", "test.build-version=" + version };
	}

	private static String[] with(String[] properties, String more) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add(more);
		return all.toArray(String[]::new);
	}

	/**
	 * Whether some node logged that it handed the role over by transfer to {@code node}.
	 */
	private static boolean handedOverTo(CapturedOutput output, TestNode node) {
		return handedOverTo(output, node.serverId(ROOT));
	}

	private static boolean handedOverTo(CapturedOutput output, long serverId) {
		return Pattern.compile("handed ACTIVE over to serverId " + serverId + " \\(term \\d+\\)")
			.matcher(output.getAll())
			.find();
	}

	// etcd, read and written by the test itself

	private String activeKeyName() {
		return this.rootPath + "/meta/session/rootcoord";
	}

	private String sessionKey(TestNode node) {
		return activeKeyName() + "-" + node.serverId(ROOT);
	}

	private KeyValue activeKey() {
		return get(activeKeyName());
	}

	private long sessionLease(TestNode node) {
		return get(sessionKey(node)).getLease();
	}

	private KeyValue get(String key) {
		try {
			List<KeyValue> found = this.client.getKVClient().get(bytes(key)).get(5, TimeUnit.SECONDS).getKvs();
			assertThat(found).as(key).hasSize(1);
			return found.get(0);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not read " + key, ex);
		}
	}

	private boolean leaseAlive(long leaseId) throws Exception {
		return this.client.getLeaseClient()
			.timeToLive(leaseId, LeaseOption.DEFAULT)
			.get(5, TimeUnit.SECONDS)
			.getTTL() > 0;
	}

	private boolean guardedWrite(Cmp guard, String value) throws Exception {
		return this.client.getKVClient()
			.txn()
			.If(guard)
			.Then(Op.put(bytes(this.rootPath + "/data/fenced"), bytes(value), PutOption.DEFAULT))
			.commit()
			.get(5, TimeUnit.SECONDS)
			.isSucceeded();
	}

	private static ByteSequence bytes(String text) {
		return ByteSequence.from(text, StandardCharsets.UTF_8);
	}

}
