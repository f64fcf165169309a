package io.github.coordinatorha.chaos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;

import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd's history rewound under live node processes: etcd wiped while two nodes are frozen
 * (issue 12's reproduction), restored from an older snapshot, and wiped while every node
 * restarts, so that only a fenced store outside etcd remembers. Each test starts a
 * one-member etcd of its own that has restarted once, as every cluster that has run for a
 * while has: its raft term is past the first, and a wiped or restored etcd, started with
 * the same flags, has the same cluster ID but starts its revisions and raft terms again
 * from the beginning.
 */
class EtcdRewindTests {

	private static final Duration TTL = ChaosCluster.TTL;

	/**
	 * Keepalives that fail are logged at DEBUG: the node logs show why a session was
	 * lost.
	 */
	private static final String DEBUG_SESSION = "--logging.level.io.github.coordinatorha.election.NodeSession=DEBUG";

	/**
	 * The revision of the first term a node claims on an empty etcd: after the counter's
	 * creation, its swap, and the session key.
	 */
	private static final long FIRST_CLAIM = 5;

	private static final Pattern SESSION_OPENED = Pattern.compile("Session opened: serverId (\\d+)");

	private EtcdCluster etcd;

	private EtcdProbe probe;

	private ChaosCluster cluster;

	@BeforeEach
	void startEtcd() {
		this.etcd = EtcdCluster.single();
		this.etcd.stopAll();
		this.etcd.startAll();
		this.probe = new EtcdProbe(this.etcd);
	}

	@AfterEach
	void stopAll() {
		if (this.cluster != null) {
			this.cluster.close();
		}
		this.probe.close();
		this.etcd.close();
	}

	@Test
	void twoNodesFrozenWhileEtcdIsWipedComeBackUnderNewServerIdsBesideTheNewActiveAndTheElectionRests() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 3, TTL, DisasterNode.class);
		this.cluster.startTogether(List.of(0, 1), DEBUG_SESSION);
		int active = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
		List<String> idsBefore = this.cluster.sessions();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(active).hasWrites());
		// the application goes on writing: etcd's history grows far past the term's
		// revision
		this.probe.advanceHistory(this.cluster.rootPath() + "/app/", 2000);
		// the nodes see how far the history went in their keepalives' answers
		EtcdProbe.awaitKeepalives(this.etcd, 6);
		long revisionBefore = this.probe.revision();
		long tokenBefore = this.cluster.journal(active).lastToken();

		this.cluster.pause(0);
		this.cluster.pause(1);
		this.etcd.wipeKeepingClusterId();
		// the worst case: the new history's first term comes round at the revision of the
		// frozen active's term (a node starting on an empty etcd claims at revision
		// FIRST_CLAIM), so only the epoch tells the two terms apart
		long padding = new FencingToken(DisasterNode.ROLE, tokenBefore).revision() - FIRST_CLAIM;
		if (padding > 0) {
			this.probe.advanceHistory(this.cluster.rootPath() + "/pad/", (int) padding);
		}
		this.cluster.start(2, DEBUG_SESSION);
		await().atMost(Duration.ofSeconds(30)).until(() -> this.cluster.journal(2).isActive());
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(2).hasWrites());
		List<String> idsWhileFrozen = this.cluster.sessions();
		long firstTokenAfter = firstAcknowledgedToken(0L, 2).getAsLong();
		long resumedAt = System.nanoTime();
		this.cluster.resume(0);
		this.cluster.resume(1);

		boolean settled = within(Duration.ofSeconds(30), () -> this.cluster.sessions().size() == 3
				&& IntStream.range(0, 3).filter((node) -> this.cluster.journal(node).isActive()).count() == 1);
		int quietAfterMillis = awaitQuiet(resumedAt);
		int changesAtRest = this.probe.changesDuring(metaPrefix(), Duration.ofSeconds(6));
		List<Integer> activeAtRest = IntStream.range(0, 3)
			.filter((node) -> this.cluster.journal(node).isActive())
			.boxed()
			.toList();
		long restSince = System.nanoTime();
		long tokenAtRest = (activeAtRest.size() == 1 && within(Duration.ofSeconds(10),
				() -> this.cluster.journal(activeAtRest.get(0)).first("W", restSince).isPresent()))
						? this.cluster.journal(activeAtRest.get(0)).lastToken() : 0;
		List<String> idsAfter = this.cluster.sessions();
		List<Long> nodeIds = IntStream.range(0, 3).mapToObj(this::lastServerId).toList();
		List<String> staleWrites = IntStream.of(0, 1)
			.boxed()
			.flatMap((node) -> writesInTheNewHistory(node, resumedAt).stream())
			.toList();
		long epoch = epoch();
		Figures.report("wipe under two frozen nodes", "ids before=" + idsBefore + " while frozen=" + idsWhileFrozen
				+ " after=" + idsAfter + " (nodes " + nodeIds + ", counter " + this.cluster.serverIdCounter()
				+ "); revision before=" + revisionBefore + "; tokens: before=" + describe(tokenBefore)
				+ " first after the wipe=" + describe(firstTokenAfter) + " at rest=" + describe(tokenAtRest)
				+ " (active at rest " + activeAtRest + "); epoch=" + epoch
				+ "; writes of the old terms acknowledged after the resume=" + staleWrites.size() + " "
				+ staleWrites.stream().limit(3).toList() + "; settled=" + settled + ", quiet " + quietAfterMillis
				+ "ms after the resume; changes under meta/ at rest=" + changesAtRest + " in 6s (" + changesAtRest * 10
				+ "/min); took " + (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(idsBefore).containsExactly("rootcoord-1", "rootcoord-2");
		softly.assertThat(idsAfter).as("live sessions after the resume").hasSize(3).doesNotHaveDuplicates();
		softly.assertThat(nodeIds).as("each node's server ID").doesNotHaveDuplicates();
		softly.assertThat(idsAfter)
			.as("sessions are the nodes' own")
			.containsExactlyInAnyOrderElementsOf(nodeIds.stream().map((id) -> "rootcoord-" + id).toList());
		softly.assertThat(activeAtRest).as("nodes ACTIVE at rest").hasSize(1);
		softly.assertThat(changesAtRest).as("election writes at rest in 6 s").isLessThanOrEqualTo(1);
		softly.assertThat(staleWrites)
			.as("guarded writes of a term of the old history acknowledged in the new one")
			.isEmpty();
		softly.assertThat(tokenAtRest)
			.as("the token at rest against the token before the wipe")
			.isGreaterThan(tokenBefore);
		softly.assertThat(epoch).as("the epoch raised by a node that lived through the wipe").isPositive();
		softly.assertAll();
	}

	@Test
	void aRestoreFromAnOlderSnapshotEndsWithTokensLargerThanEveryTokenBefore() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 2, TTL, DisasterNode.class);
		this.cluster.startTogether(List.of(0, 1));
		int first = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		int second = 1 - first;
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.sessions().size() == 2);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(first).hasWrites());
		Path snapshot = this.cluster.home().resolve("older.db");
		this.etcd.snapshot(snapshot);
		long tokenInSnapshot = this.cluster.journal(first).lastToken();
		// the history goes on past the backup: writes, and a handover
		this.probe.advanceHistory(this.cluster.rootPath() + "/app/", 2000);
		long handedOverAt = System.nanoTime();
		this.cluster.control(first, "handover");
		await().atMost(Duration.ofSeconds(20)).until(() -> this.cluster.journal(second).isActive());
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.cluster.journal(second).first("W", handedOverAt).isPresent());
		long tokenBefore = this.cluster.journal(second).lastToken();
		long revisionBefore = this.probe.revision();

		this.etcd.restore(snapshot);
		long restoredAt = System.nanoTime();
		boolean settled = within(Duration.ofSeconds(30), () -> this.cluster.sessions().size() == 2
				&& IntStream.range(0, 2).filter((node) -> this.cluster.journal(node).isActive()).count() == 1);
		int quietAfterMillis = awaitQuiet(restoredAt);
		int changesAtRest = this.probe.changesDuring(metaPrefix(), Duration.ofSeconds(5));
		List<Integer> activeAtRest = IntStream.range(0, 2)
			.filter((node) -> this.cluster.journal(node).isActive())
			.boxed()
			.toList();
		long restSince = System.nanoTime();
		long tokenAtRest = (activeAtRest.size() == 1 && within(Duration.ofSeconds(10),
				() -> this.cluster.journal(activeAtRest.get(0)).first("W", restSince).isPresent()))
						? this.cluster.journal(activeAtRest.get(0)).lastToken() : 0;
		OptionalLong firstTokenAfter = firstAcknowledgedToken(restoredAt, 0, 1);
		List<Long> tokensAfter = acknowledgedTokens(restoredAt, 0, 1);
		long epoch = epoch();
		Figures.report("restore from an older snapshot",
				"tokens: in the snapshot=" + describe(tokenInSnapshot) + " before the restore=" + describe(tokenBefore)
						+ " first acknowledged after="
						+ (firstTokenAfter.isPresent() ? describe(firstTokenAfter.getAsLong()) : "none") + " at rest="
						+ describe(tokenAtRest) + " (active at rest " + activeAtRest
						+ "); distinct tokens acknowledged after=" + tokensAfter.stream().map(this::describe).toList()
						+ "; revision before=" + revisionBefore + "; epoch=" + epoch + "; sessions="
						+ this.cluster.sessions() + " (counter " + this.cluster.serverIdCounter() + "); settled="
						+ settled + ", quiet " + quietAfterMillis + "ms after the restore; changes under meta/ at rest="
						+ changesAtRest + " in 5s; took " + (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		SoftAssertions softly = new SoftAssertions();
		softly.assertThat(tokensAfter)
			.as("every token acknowledged after the restore, against the token before")
			.isNotEmpty()
			.allSatisfy((token) -> assertThat(token).isGreaterThan(tokenBefore));
		softly.assertThat(activeAtRest).as("nodes ACTIVE at rest").hasSize(1);
		softly.assertThat(tokenAtRest).as("the token at rest").isGreaterThan(tokenBefore);
		softly.assertThat(epoch).as("the epoch raised by a node that lived through the restore").isPositive();
		softly.assertThat(this.cluster.sessions()).as("both nodes registered").hasSize(2);
		softly.assertThat(changesAtRest).as("election writes at rest in 5 s").isZero();
		softly.assertAll();
	}

	@Test
	void aFencedStoreRefusesTheFirstTermAfterAWipeUnderRestartedNodesAndThenAcceptsALargerToken() {
		long startedAt = System.nanoTime();
		this.cluster = new ChaosCluster(this.etcd, 2, TTL, DisasterNode.class);
		String store = "--chaos.fenced-store=" + this.cluster.home().resolve("fenced-store");
		this.cluster.startTogether(List.of(0, 1), store);
		int first = this.cluster.awaitOneActive(Duration.ofSeconds(30));
		int second = 1 - first;
		this.probe.advanceHistory(this.cluster.rootPath() + "/app/", 2000);
		// a term won late in the history: its token is far above the first terms of a new
		// one
		this.cluster.terminate(first);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.cluster.journal(second).isActive());
		await().atMost(Duration.ofSeconds(10)).until(() -> !storeWrites(second, "FA").isEmpty());
		long tokenBefore = Long.parseLong(last(storeWrites(second, "FA"))[1]);

		// every node goes, etcd loses its data, and every node comes back: none remembers
		this.cluster.kill(second);
		this.etcd.wipeKeepingClusterId();
		long wipedAt = System.nanoTime();
		this.cluster.startTogether(List.of(0, 1), store);
		await().atMost(Duration.ofSeconds(45))
			.until(() -> IntStream.range(0, 2)
				.anyMatch((node) -> storeWrites(node, "FA").stream()
					.anyMatch((write) -> Long.parseLong(write[1]) > tokenBefore)));
		List<String[]> refused = IntStream.range(0, 2)
			.boxed()
			.flatMap((node) -> storeWrites(node, "FR").stream())
			.sorted(Comparator.comparingLong((String[] write) -> Long.parseLong(write[3])))
			.toList();
		List<String[]> accepted = IntStream.range(0, 2)
			.boxed()
			.flatMap((node) -> storeWrites(node, "FA").stream())
			.sorted(Comparator.comparingLong((String[] write) -> Long.parseLong(write[2])))
			.toList();
		long epoch = epoch();
		Figures.report("fenced store after a wipe under restarted nodes",
				"tokens: before=" + describe(tokenBefore) + " refused="
						+ refused.stream().map((write) -> describe(Long.parseLong(write[1]))).distinct().toList()
						+ " first accepted after="
						+ (accepted.isEmpty() ? "none" : describe(Long.parseLong(accepted.get(0)[1]))) + "; epoch="
						+ epoch + "; from the wipe to the first accepted write "
						+ (accepted.isEmpty() ? "-" : (Long.parseLong(accepted.get(0)[2]) - wipedAt) / 1_000_000 + "ms")
						+ "; took " + (System.nanoTime() - startedAt) / 1_000_000 + "ms");

		assertThat(refused).as("the store refused the first new term's token").isNotEmpty();
		assertThat(Long.parseLong(refused.get(0)[1])).isLessThan(tokenBefore);
		assertThat(Long.parseLong(refused.get(0)[2])).isEqualTo(tokenBefore);
		assertThat(accepted).as("writes the store accepted after the wipe")
			.isNotEmpty()
			.allSatisfy((write) -> assertThat(Long.parseLong(write[1])).isGreaterThan(tokenBefore));
		assertThat(epoch).isPositive();
	}

	/**
	 * Waits (30 s at most) until the election writes nothing under {@code meta/} for two
	 * seconds, and returns how long after {@code since} that quiet began, or -1.
	 */
	private int awaitQuiet(long since) {
		boolean quiet = within(Duration.ofSeconds(30),
				() -> this.probe.changesDuring(metaPrefix(), Duration.ofSeconds(2)) == 0);
		return quiet ? (int) ((System.nanoTime() - since) / 1_000_000) - 2000 : -1;
	}

	/**
	 * Whether {@code condition} holds within {@code timeout}: for what a test reports
	 * rather than waits for.
	 */
	private static boolean within(Duration timeout, Callable<Boolean> condition) {
		try {
			await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(condition);
			return true;
		}
		catch (ConditionTimeoutException ex) {
			return false;
		}
	}

	/**
	 * The guarded increments a node frozen through the wipe had acknowledged after
	 * {@code resumedAt} in the new history: those whose value is not above the last value
	 * it wrote before (a write in flight at the freeze, acknowledged by the old etcd, is
	 * one above).
	 */
	private List<String> writesInTheNewHistory(int node, long resumedAt) {
		List<String[]> writes = this.cluster.journal(node)
			.lines()
			.stream()
			.filter((line) -> line[0].equals("W"))
			.toList();
		long lastBefore = writes.stream()
			.filter((line) -> Long.parseLong(line[4]) < resumedAt)
			.mapToLong((line) -> Long.parseLong(line[3]))
			.max()
			.orElse(Long.MAX_VALUE);
		return writes.stream()
			.filter((line) -> Long.parseLong(line[4]) >= resumedAt && Long.parseLong(line[3]) <= lastBefore)
			.map((line) -> "node" + node + " value " + line[3] + " token " + line[2])
			.toList();
	}

	private String metaPrefix() {
		return this.cluster.rootPath() + "/meta/";
	}

	/**
	 * The epoch number in the epoch key (which the first claim of a history marks after a
	 * space).
	 */
	private long epoch() {
		return this.probe.value(metaPrefix() + "ha-epoch")
			.map((value) -> Long.parseLong(value.strip().split("\\s+")[0]))
			.orElse(0L);
	}

	/**
	 * The server ID a node's current run opened its last session with.
	 */
	private long lastServerId(int node) {
		long id = 0;
		for (String line : this.cluster.output(node)) {
			Matcher matcher = SESSION_OPENED.matcher(line);
			if (matcher.find()) {
				id = Long.parseLong(matcher.group(1));
			}
		}
		return id;
	}

	/**
	 * The token of the first guarded write any of {@code nodes} had acknowledged at or
	 * after {@code from}.
	 */
	private OptionalLong firstAcknowledgedToken(long from, int... nodes) {
		return IntStream.of(nodes)
			.boxed()
			.flatMap((node) -> this.cluster.journal(node).lines().stream())
			.filter((line) -> line[0].equals("W") && Long.parseLong(line[4]) >= from)
			.min(Comparator.comparingLong((String[] line) -> Long.parseLong(line[4])))
			.map((line) -> OptionalLong.of(Long.parseLong(line[2])))
			.orElse(OptionalLong.empty());
	}

	private List<Long> acknowledgedTokens(long from, int... nodes) {
		return IntStream.of(nodes)
			.boxed()
			.flatMap((node) -> this.cluster.journal(node).lines().stream())
			.filter((line) -> line[0].equals("W") && Long.parseLong(line[4]) >= from)
			.map((line) -> Long.parseLong(line[2]))
			.distinct()
			.sorted()
			.toList();
	}

	/**
	 * A node's writes to the fenced store: {@code FA token t} or
	 * {@code FR token highest t}.
	 */
	private List<String[]> storeWrites(int node, String kind) {
		return this.cluster.journal(node).lines().stream().filter((line) -> line[0].equals(kind)).toList();
	}

	private static String[] last(List<String[]> lines) {
		return lines.get(lines.size() - 1);
	}

	private String describe(long token) {
		return new FencingToken(DisasterNode.ROLE, token).toString().substring(DisasterNode.ROLE.length() + 1);
	}

}
