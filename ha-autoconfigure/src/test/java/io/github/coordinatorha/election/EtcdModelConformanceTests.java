package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.CompactOption;
import io.github.coordinatorha.election.EtcdFailure.Kind;
import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Compare.Operator;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.LeaseGrant;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Operation.Delete;
import io.github.coordinatorha.election.EtcdGateway.Operation.Get;
import io.github.coordinatorha.election.EtcdGateway.Operation.Put;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.TxnResult;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The same store-level scenarios against the simulation's model of etcd ({@link SimEtcd}
 * through a fault-free {@link SimGateway}) and against a real etcd 3.4 (through
 * {@link JetcdGateway}), so the model cannot drift from what etcd does. The real etcd
 * runs with {@code --heartbeat-interval 50 --election-timeout 500} (minimum TTL 1 s), the
 * model with {@link SimEtcd.Settings#fast()}. Time passes as the simulation advances it,
 * or as the real etcd waits.
 */
class EtcdModelConformanceTests {

	private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

	@RegisterExtension
	static final EtcdExtension real = EtcdExtension.single();

	private static @Nullable Client client;

	private @Nullable Target target;

	@AfterEach
	void close() {
		if (this.target != null) {
			this.target.close();
		}
	}

	@AfterAll
	static void closeClient() {
		if (client != null) {
			client.close();
			client = null;
		}
	}

	private Target open(Implementation implementation) {
		if (implementation == Implementation.MODEL) {
			this.target = new Model();
		}
		else {
			if (client == null) {
				client = Client.builder().endpoints(real.endpoints().split(",")).waitForReady(false).build();
			}
			this.target = new Real(client, real.endpoints());
		}
		return this.target;
	}

	@ParameterizedTest
	@EnumSource
	void aReadReportsTheRevisionOfTheLastWriteAndTheMemberThatAnswered(Implementation implementation) {
		Target etcd = open(implementation);
		String key = etcd.key("k");
		TxnResult written = etcd.join(etcd.gateway().txn(puts(new Put(key, "v", 0))));
		Range read = etcd.join(etcd.gateway().get(key, null));
		Range again = etcd.join(etcd.gateway().get(key, null));
		assertThat(read.header().revision()).isEqualTo(written.header().revision());
		assertThat(read.header().raftTerm()).isGreaterThanOrEqualTo(2);
		assertThat(read.header().memberId()).isNotZero()
			.isEqualTo(written.header().memberId())
			.isEqualTo(again.header().memberId());
		assertThat(read.header().clusterId()).isNotZero().isEqualTo(again.header().clusterId());
		assertThat(read.keyValues()).singleElement().satisfies((kv) -> {
			assertThat(kv.value()).isEqualTo("v");
			assertThat(kv.createRevision()).isEqualTo(written.header().revision());
			assertThat(kv.modRevision()).isEqualTo(written.header().revision());
			assertThat(kv.version()).isEqualTo(1);
			assertThat(kv.leaseId()).isZero();
		});
	}

	@ParameterizedTest
	@EnumSource
	void aRangeReadFindsTheKeysOfTheRangeInKeyOrder(Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("range/");
		etcd.join(etcd.gateway().txn(puts(new Put(prefix + "c", "3", 0))));
		etcd.join(etcd.gateway().txn(puts(new Put(prefix + "a", "1", 0), new Put(prefix + "b", "2", 0))));
		etcd.join(etcd.gateway().txn(puts(new Put(etcd.key("range0"), "outside", 0))));
		Range range = etcd.join(etcd.gateway().get(prefix, rangeEnd(prefix)));
		assertThat(range.keyValues()).extracting(KeyValue::key)
			.containsExactly(prefix + "a", prefix + "b", prefix + "c");
		assertThat(etcd.join(etcd.gateway().get(prefix + "z", null)).keyValues()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource
	void anExpiredLeaseTakesAllItsKeysAtOneRevisionAndIsForgotten(Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("expiry/");
		LeaseGrant lease = etcd.grant(1);
		TxnResult first = etcd.join(etcd.gateway().txn(puts(new Put(prefix + "b", "1", lease.leaseId()))));
		TxnResult second = etcd.join(etcd.gateway()
			.txn(puts(new Put(prefix + "a", "2", lease.leaseId()), new Put(prefix + "c", "3", lease.leaseId()))));
		assertThat(second.header().revision()).isEqualTo(first.header().revision() + 1);
		Recorder watch = etcd.watch(prefix, second.header().revision() + 1);
		etcd.await(Duration.ofSeconds(10),
				() -> etcd.join(etcd.gateway().get(prefix, rangeEnd(prefix))).keyValues().isEmpty());
		etcd.await(Duration.ofSeconds(5), () -> watch.events().size() == 3);
		long deletion = second.header().revision() + 1;
		assertThat(watch.events()).extracting(EtcdModelConformanceTests::describe)
			.containsExactly("DELETE " + prefix + "a @" + deletion + " create 0 version 0 lease 0 ''",
					"DELETE " + prefix + "b @" + deletion + " create 0 version 0 lease 0 ''",
					"DELETE " + prefix + "c @" + deletion + " create 0 version 0 lease 0 ''");
		assertThat(etcd.join(etcd.gateway().get(prefix + "a", null)).header().revision()).isEqualTo(deletion);
		assertFails(etcd, etcd.gateway().keepAliveOnce(lease.leaseId(), KEEPALIVE_TIMEOUT), Kind.LEASE_NOT_FOUND);
		assertFails(etcd, etcd.gateway().txn(puts(new Put(prefix + "d", "4", lease.leaseId()))), Kind.LEASE_NOT_FOUND);
	}

	@ParameterizedTest
	@EnumSource
	void aRevokedLeaseTakesAllItsKeysAtOneRevisionAndOneWithoutKeysTakesNone(Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("revoke/");
		LeaseGrant lease = etcd.grant(30);
		LeaseGrant empty = etcd.grant(30);
		TxnResult written = etcd.join(etcd.gateway()
			.txn(puts(new Put(prefix + "y", "1", lease.leaseId()), new Put(prefix + "x", "2", lease.leaseId()))));
		Recorder watch = etcd.watch(prefix, written.header().revision() + 1);
		Header revoked = etcd.join(etcd.gateway().revoke(lease.leaseId()));
		assertThat(revoked.revision()).isEqualTo(written.header().revision() + 1);
		etcd.await(Duration.ofSeconds(5), () -> watch.events().size() == 2);
		assertThat(watch.events()).extracting(EtcdModelConformanceTests::describe)
			.containsExactly("DELETE " + prefix + "x @" + revoked.revision() + " create 0 version 0 lease 0 ''",
					"DELETE " + prefix + "y @" + revoked.revision() + " create 0 version 0 lease 0 ''");
		assertThat(etcd.join(etcd.gateway().revoke(empty.leaseId())).revision()).isEqualTo(revoked.revision());
		assertFails(etcd, etcd.gateway().revoke(lease.leaseId()), Kind.LEASE_NOT_FOUND);
	}

	@ParameterizedTest
	@EnumSource
	void anAbsentKeyComparesAsRevisionsAndVersionZeroAndFailsEveryValueComparison(Implementation implementation) {
		Target etcd = open(implementation);
		String absent = etcd.key("absent");
		long before = etcd.join(etcd.gateway().get(absent, null)).header().revision();
		assertThat(holds(etcd, Compare.createRevision(absent, Operator.EQUAL, 0))).isTrue();
		assertThat(holds(etcd, Compare.modRevision(absent, Operator.EQUAL, 0))).isTrue();
		assertThat(holds(etcd, Compare.version(absent, Operator.EQUAL, 0))).isTrue();
		assertThat(holds(etcd, Compare.createRevision(absent, Operator.GREATER, 0))).isFalse();
		assertThat(holds(etcd, Compare.modRevision(absent, Operator.LESS, 1))).isTrue();
		assertThat(holds(etcd, Compare.version(absent, Operator.NOT_EQUAL, 0))).isFalse();
		assertThat(holds(etcd, Compare.value(absent, Operator.EQUAL, ""))).isFalse();
		assertThat(holds(etcd, Compare.value(absent, Operator.NOT_EQUAL, "x"))).isFalse();
		assertThat(holds(etcd, Compare.value(absent, Operator.LESS, "z"))).isFalse();
		assertThat(holds(etcd, Compare.value(absent, Operator.GREATER, ""))).isFalse();
		assertThat(etcd.join(etcd.gateway().get(absent, null)).header().revision()).isEqualTo(before);
	}

	@ParameterizedTest
	@EnumSource
	void aPresentKeyComparesByItsCreateAndModRevisionVersionAndValue(Implementation implementation) {
		Target etcd = open(implementation);
		String key = etcd.key("present");
		long created = etcd.join(etcd.gateway().txn(puts(new Put(key, "b", 0)))).header().revision();
		long modified = etcd.join(etcd.gateway().txn(puts(new Put(key, "c", 0)))).header().revision();
		assertThat(holds(etcd, Compare.createRevision(key, Operator.EQUAL, created))).isTrue();
		assertThat(holds(etcd, Compare.createRevision(key, Operator.EQUAL, modified))).isFalse();
		assertThat(holds(etcd, Compare.modRevision(key, Operator.EQUAL, modified))).isTrue();
		assertThat(holds(etcd, Compare.modRevision(key, Operator.LESS, modified))).isFalse();
		assertThat(holds(etcd, Compare.modRevision(key, Operator.GREATER, created))).isTrue();
		assertThat(holds(etcd, Compare.version(key, Operator.EQUAL, 2))).isTrue();
		assertThat(holds(etcd, Compare.version(key, Operator.GREATER, 2))).isFalse();
		assertThat(holds(etcd, Compare.value(key, Operator.EQUAL, "c"))).isTrue();
		assertThat(holds(etcd, Compare.value(key, Operator.NOT_EQUAL, "c"))).isFalse();
		assertThat(holds(etcd, Compare.value(key, Operator.GREATER, "b"))).isTrue();
		assertThat(holds(etcd, Compare.value(key, Operator.LESS, "ca"))).isTrue();
		assertThat(holds(etcd, Compare.value(key, Operator.EQUAL, ""))).isFalse();
		TxnResult both = etcd.join(etcd.gateway()
			.txn(new Txn(List.of(Compare.version(key, Operator.EQUAL, 2), Compare.value(key, Operator.EQUAL, "b")),
					List.of(new Get(key)), List.of())));
		assertThat(both.succeeded()).isFalse();
	}

	@ParameterizedTest
	@EnumSource
	void aTransactionRunsOneBranchAtOneRevisionAndItsReadsSeeItsOwnWrites(Implementation implementation) {
		Target etcd = open(implementation);
		String claimed = etcd.key("claim");
		String other = etcd.key("other");
		Txn claim = new Txn(
				List.of(Compare.createRevision(claimed, Operator.EQUAL, 0)), List.of(new Put(claimed, "me", 0),
						new Put(other, "too", 0), new Get(claimed), new Get(etcd.key("none"))),
				List.of(new Get(claimed), new Get(other)));
		long before = etcd.join(etcd.gateway().get(claimed, null)).header().revision();
		TxnResult won = etcd.join(etcd.gateway().txn(claim));
		assertThat(won.succeeded()).isTrue();
		assertThat(won.header().revision()).isEqualTo(before + 1);
		long revision = before + 1;
		assertThat(won.found()).extracting(EtcdModelConformanceTests::describe)
			.containsExactly("PUT " + claimed + " @" + revision + " create " + revision + " version 1 lease 0 'me'");
		TxnResult lost = etcd.join(etcd.gateway().txn(claim));
		assertThat(lost.succeeded()).isFalse();
		assertThat(lost.header().revision()).isEqualTo(won.header().revision());
		assertThat(lost.found()).extracting(KeyValue::key).containsExactly(claimed, other);
		TxnResult nothingDeleted = etcd
			.join(etcd.gateway().txn(new Txn(List.of(), List.of(new Delete(etcd.key("none"))), List.of())));
		assertThat(nothingDeleted.succeeded()).isTrue();
		assertThat(nothingDeleted.header().revision()).isEqualTo(won.header().revision());
		TxnResult deleted = etcd.join(etcd.gateway()
			.txn(new Txn(List.of(), List.of(new Delete(claimed), new Get(claimed), new Get(other)), List.of())));
		assertThat(deleted.header().revision()).isEqualTo(won.header().revision() + 1);
		assertThat(deleted.found()).extracting(KeyValue::key).containsExactly(other);
	}

	@ParameterizedTest
	@EnumSource
	void aBranchThatWritesOneKeyTwiceIsRefusedWholesale(Implementation implementation) {
		Target etcd = open(implementation);
		String key = etcd.key("twice");
		assertFails(etcd, etcd.gateway().txn(puts(new Put(key, "1", 0), new Put(key, "2", 0))), Kind.FAILED);
		assertFails(etcd, etcd.gateway().txn(puts(new Put(key, "1", 0), new Delete(key))), Kind.FAILED);
		assertThat(etcd.join(etcd.gateway().get(key, null)).keyValues()).isEmpty();
	}

	@ParameterizedTest
	@EnumSource
	void aPutUnderADeadLeaseFailsItsBranchWholesaleButNotTheOtherBranch(Implementation implementation) {
		Target etcd = open(implementation);
		String alive = etcd.key("alive");
		String orphan = etcd.key("orphan");
		LeaseGrant dead = etcd.grant(30);
		etcd.join(etcd.gateway().revoke(dead.leaseId()));
		long before = etcd.join(etcd.gateway().get(alive, null)).header().revision();
		EtcdFailure failure = etcd
			.failure(etcd.gateway().txn(puts(new Put(alive, "1", 0), new Put(orphan, "2", dead.leaseId()))));
		assertFailed(failure, Kind.LEASE_NOT_FOUND);
		Range after = etcd.join(etcd.gateway().get(alive, null));
		assertThat(after.keyValues()).isEmpty();
		assertThat(after.header().revision()).isEqualTo(before);
		TxnResult otherBranch = etcd.join(etcd.gateway()
			.txn(new Txn(List.of(Compare.version(alive, Operator.GREATER, 0)),
					List.of(new Put(orphan, "2", dead.leaseId())), List.of(new Put(alive, "1", 0)))));
		assertThat(otherBranch.succeeded()).isFalse();
		assertThat(otherBranch.header().revision()).isEqualTo(before + 1);
	}

	@ParameterizedTest
	@EnumSource
	void aKeepaliveOfALeaseEtcdDoesNotKnowFailsLeaseNotFound(Implementation implementation) {
		Target etcd = open(implementation);
		assertFails(etcd, etcd.gateway().keepAliveOnce(0x1234_5678_9abcL, KEEPALIVE_TIMEOUT), Kind.LEASE_NOT_FOUND);
		LeaseGrant lease = etcd.grant(30);
		assertThat(etcd.join(etcd.gateway().keepAliveOnce(lease.leaseId(), KEEPALIVE_TIMEOUT)).ttlSeconds())
			.isEqualTo(30);
		etcd.join(etcd.gateway().revoke(lease.leaseId()));
		assertFails(etcd, etcd.gateway().keepAliveOnce(lease.leaseId(), KEEPALIVE_TIMEOUT), Kind.LEASE_NOT_FOUND);
	}

	@ParameterizedTest
	@EnumSource
	void aTtlBelowTheServersMinimumIsRaisedToIt(Implementation implementation) {
		Target etcd = open(implementation);
		LeaseGrant zero = etcd.grant(0);
		assertThat(zero.ttlSeconds()).isEqualTo(1);
		assertThat(zero.leaseId()).isPositive();
		assertThat(etcd.join(etcd.gateway().keepAliveOnce(zero.leaseId(), KEEPALIVE_TIMEOUT)).ttlSeconds())
			.isEqualTo(1);
		assertThat(etcd.grant(3).ttlSeconds()).isEqualTo(3);
	}

	@ParameterizedTest
	@EnumSource
	void watchEventsComeInRevisionOrderWithEveryFieldAndReplayFromAnEarlierRevision(Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("watch/");
		String a = prefix + "a";
		String b = prefix + "b";
		long start = etcd.join(etcd.gateway().get(a, null)).header().revision() + 1;
		Recorder live = etcd.watch(prefix, start);
		LeaseGrant lease = etcd.grant(30);
		long r1 = etcd.join(etcd.gateway().txn(puts(new Put(a, "1", 0)))).header().revision();
		long r2 = etcd.join(etcd.gateway().txn(puts(new Put(a, "2", lease.leaseId())))).header().revision();
		long r3 = etcd.join(etcd.gateway().txn(puts(new Put(b, "3", 0), new Delete(a)))).header().revision();
		long r4 = etcd.join(etcd.gateway().txn(puts(new Delete(b)))).header().revision();
		List<String> expected = List.of("PUT " + a + " @" + r1 + " create " + r1 + " version 1 lease 0 '1'",
				"PUT " + a + " @" + r2 + " create " + r1 + " version 2 lease " + lease.leaseId() + " '2'",
				"PUT " + b + " @" + r3 + " create " + r3 + " version 1 lease 0 '3'",
				"DELETE " + a + " @" + r3 + " create 0 version 0 lease 0 ''",
				"DELETE " + b + " @" + r4 + " create 0 version 0 lease 0 ''");
		etcd.await(Duration.ofSeconds(5), () -> live.events().size() == expected.size());
		assertThat(live.events()).extracting(EtcdModelConformanceTests::describe).containsExactlyElementsOf(expected);
		assertThat(live.headerRevisions()).isSorted();
		Recorder replay = etcd.watch(prefix, r2);
		etcd.await(Duration.ofSeconds(5), () -> replay.events().size() == expected.size() - 1);
		assertThat(replay.events()).extracting(EtcdModelConformanceTests::describe)
			.containsExactlyElementsOf(expected.subList(1, expected.size()));
		assertThat(live.ended()).isNull();
		assertThat(replay.ended()).isNull();
	}

	@ParameterizedTest
	@EnumSource
	void aWatchFromBelowTheCompactionRevisionEndsCompactedAndOneFromItSeesItsPutsButNotItsDeletions(
			Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("compact/");
		long r1 = etcd.join(etcd.gateway().txn(puts(new Put(prefix + "k", "1", 0)))).header().revision();
		long r2 = etcd.join(etcd.gateway().txn(puts(new Put(prefix + "k", "2", 0)))).header().revision();
		long r3 = etcd.join(etcd.gateway().txn(new Txn(List.of(), List.of(new Delete(prefix + "k")), List.of())))
			.header()
			.revision();
		long r4 = etcd.join(etcd.gateway().txn(puts(new Put(prefix + "j", "4", 0)))).header().revision();
		etcd.compact(r2);
		Recorder compacted = etcd.watch(prefix, r1);
		etcd.await(Duration.ofSeconds(5), () -> compacted.ended() != null);
		assertThat(compacted.ended().kind()).isEqualTo(Kind.COMPACTED);
		assertThat(compacted.events()).isEmpty();
		Recorder fromCompaction = etcd.watch(prefix, r2);
		etcd.await(Duration.ofSeconds(5), () -> fromCompaction.events().size() == 3);
		assertThat(fromCompaction.events()).extracting((event) -> event.keyValue().modRevision())
			.containsExactly(r2, r3, r4);
		etcd.compact(r3);
		Recorder fromDeletion = etcd.watch(prefix, r3);
		etcd.await(Duration.ofSeconds(5), () -> fromDeletion.events().size() == 1);
		assertThat(fromDeletion.events()).extracting(EtcdModelConformanceTests::describe)
			.containsExactly("PUT " + prefix + "j @" + r4 + " create " + r4 + " version 1 lease 0 '4'");
		assertThat(fromDeletion.ended()).isNull();
		assertThat(etcd.compactFailure(r3)).contains("compacted");
	}

	@ParameterizedTest
	@EnumSource
	void aRestartKeepsKeysLeasesAndRevisionButEndsWatchesAndStartsANewRaftTerm(Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("restart/");
		LeaseGrant lease = etcd.grant(30);
		TxnResult written = etcd.join(etcd.gateway().txn(puts(new Put(prefix + "k", "v", lease.leaseId()))));
		Recorder watch = etcd.watch(prefix, written.header().revision() + 1);
		etcd.restart();
		etcd.await(Duration.ofSeconds(15), () -> watch.ended() != null);
		assertFailed(watch.ended(), Kind.FAILED);
		Range after = etcd.retry(() -> etcd.gateway().get(prefix + "k", null));
		assertThat(after.header().revision()).isEqualTo(written.header().revision());
		assertThat(after.header().raftTerm()).isGreaterThan(written.header().raftTerm());
		assertThat(after.header().clusterId()).isEqualTo(written.header().clusterId());
		assertThat(after.header().memberId()).isEqualTo(written.header().memberId());
		assertThat(after.keyValues()).singleElement().satisfies((kv) -> {
			assertThat(kv.modRevision()).isEqualTo(written.header().revision());
			assertThat(kv.leaseId()).isEqualTo(lease.leaseId());
		});
		assertThat(etcd.retry(() -> etcd.gateway().keepAliveOnce(lease.leaseId(), KEEPALIVE_TIMEOUT)).ttlSeconds())
			.isEqualTo(30);
	}

	@ParameterizedTest
	@EnumSource
	void aWipedClusterStartsOverAtRevisionOneWithANewIdentityAndNoLeases(Implementation implementation) {
		Target etcd = open(implementation);
		String prefix = etcd.key("wipe/");
		LeaseGrant lease = etcd.grant(30);
		TxnResult written = etcd.join(etcd.gateway().txn(puts(new Put(prefix + "k", "v", lease.leaseId()))));
		Recorder watch = etcd.watch(prefix, written.header().revision() + 1);
		etcd.wipe();
		etcd.await(Duration.ofSeconds(15), () -> watch.ended() != null);
		assertFailed(watch.ended(), Kind.FAILED);
		Range after = etcd.retry(() -> etcd.gateway().get(prefix + "k", null));
		assertThat(after.keyValues()).isEmpty();
		assertThat(after.header().revision()).isEqualTo(1);
		assertThat(after.header().clusterId()).isNotEqualTo(written.header().clusterId());
		assertFails(etcd, etcd.gateway().keepAliveOnce(lease.leaseId(), KEEPALIVE_TIMEOUT), Kind.LEASE_NOT_FOUND);
		assertThat(etcd.join(etcd.gateway().txn(puts(new Put(prefix + "k", "again", 0)))).header().revision())
			.isEqualTo(2);
	}

	private static void assertFails(Target etcd, CompletableFuture<?> call, Kind kind) {
		assertFailed(etcd.failure(call), kind);
	}

	private static void assertFailed(EtcdFailure failure, Kind kind) {
		assertThat(failure.kind()).as(failure.getMessage()).isEqualTo(kind);
	}

	private static boolean holds(Target etcd, Compare compare) {
		return etcd.join(etcd.gateway().txn(new Txn(List.of(compare), List.of(new Get(compare.key())), List.of())))
			.succeeded();
	}

	/** The end of the range of keys that start with {@code prefix} (ASCII). */
	static String rangeEnd(String prefix) {
		return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
	}

	private static Txn puts(Operation... operations) {
		return new Txn(List.of(), List.of(operations), List.of());
	}

	private static String describe(WatchEvent event) {
		return (event.deleted() ? "DELETE " : "PUT ") + describeFields(event.keyValue());
	}

	private static String describe(KeyValue kv) {
		return "PUT " + describeFields(kv);
	}

	private static String describeFields(KeyValue kv) {
		return kv.key() + " @" + kv.modRevision() + " create " + kv.createRevision() + " version " + kv.version()
				+ " lease " + kv.leaseId() + " '" + kv.value() + "'";
	}

	enum Implementation {

		MODEL, REAL

	}

	/**
	 * What a watch saw.
	 */
	static final class Recorder implements EtcdGateway.WatchListener {

		private final List<WatchEvent> events = new ArrayList<>();

		private final List<Long> headerRevisions = new ArrayList<>();

		private @Nullable EtcdFailure ended;

		@Override
		public synchronized void onEvents(Header header, List<WatchEvent> events) {
			this.headerRevisions.add(header.revision());
			this.events.addAll(events);
		}

		@Override
		public synchronized void onEnded(EtcdFailure failure) {
			this.ended = failure;
		}

		synchronized List<WatchEvent> events() {
			return List.copyOf(this.events);
		}

		synchronized List<Long> headerRevisions() {
			return List.copyOf(this.headerRevisions);
		}

		synchronized @Nullable EtcdFailure ended() {
			return this.ended;
		}

	}

	/**
	 * An etcd to run the scenarios on, and how time passes for it.
	 */
	abstract static class Target implements AutoCloseable {

		private final String prefix = "conformance-" + System.nanoTime() + "/";

		private final List<Long> leases = new ArrayList<>();

		private final List<EtcdGateway.Watching> watches = new ArrayList<>();

		abstract EtcdGateway gateway();

		/**
		 * The future's value, once it completes.
		 */
		abstract <T> T await(CompletableFuture<T> future);

		/**
		 * Lets time pass until the condition holds.
		 */
		abstract void await(Duration bound, BooleanSupplier condition);

		abstract void compact(long revision);

		/**
		 * Kills etcd and starts it again with its data.
		 */
		abstract void restart();

		/**
		 * Kills etcd, deletes its data and starts a new cluster.
		 */
		abstract void wipe();

		/**
		 * The answer to a call repeated until it succeeds (the client reconnects after a
		 * restart).
		 */
		<T> T retry(Supplier<CompletableFuture<T>> call) {
			List<T> answer = new ArrayList<>(1);
			await(Duration.ofSeconds(20), () -> {
				try {
					answer.add(join(call.get()));
					return true;
				}
				catch (EtcdFailure failure) {
					return false;
				}
			});
			return answer.get(0);
		}

		/**
		 * Why a compaction is refused.
		 */
		abstract String compactFailure(long revision);

		String key(String name) {
			return this.prefix + name;
		}

		<T> T join(CompletableFuture<T> future) {
			return await(future);
		}

		EtcdFailure failure(CompletableFuture<?> future) {
			try {
				Object value = await(future);
				return fail("expected a failure, got " + value);
			}
			catch (EtcdFailure failure) {
				return failure;
			}
		}

		LeaseGrant grant(long ttl) {
			LeaseGrant grant = join(gateway().grant(ttl));
			this.leases.add(grant.leaseId());
			return grant;
		}

		Recorder watch(String prefix, long fromRevision) {
			Recorder recorder = new Recorder();
			this.watches.add(gateway().watch(prefix, rangeEnd(prefix), fromRevision, recorder));
			return recorder;
		}

		@Override
		public void close() {
			this.watches.forEach(EtcdGateway.Watching::close);
			for (Long lease : this.leases) {
				CompletableFuture<Header> revoked = gateway().revoke(lease);
				try {
					await(revoked);
				}
				catch (EtcdFailure ex) {
					// gone already
				}
			}
		}

	}

	/**
	 * The model: one process with a fault-free gateway, on a world that advances only
	 * when a scenario waits.
	 */
	static final class Model extends Target {

		private final SimWorld world = new SimWorld(42);

		private final SimEtcd etcd = new SimEtcd(this.world, SimEtcd.Settings.fast());

		private final SimGateway gateway = new SimGateway(
				new SimProcess(this.world, "client", new SimClock(this.world, 0, 1)), this.etcd, Duration.ofSeconds(5));

		@Override
		EtcdGateway gateway() {
			return this.gateway;
		}

		@Override
		<T> T await(CompletableFuture<T> future) {
			if (!this.world.runUntil(future::isDone, this.world.now() + Duration.ofSeconds(30).toNanos())) {
				fail("no answer within 30 simulated seconds");
			}
			try {
				return future.join();
			}
			catch (RuntimeException ex) {
				throw EtcdFailure.of(ex);
			}
		}

		@Override
		void await(Duration bound, BooleanSupplier condition) {
			long end = this.world.now() + bound.toNanos();
			while (!condition.getAsBoolean()) {
				if (this.world.now() >= end) {
					fail("not within " + bound + " of simulated time");
				}
				this.world.runFor(Duration.ofMillis(50).toNanos());
			}
		}

		@Override
		void compact(long revision) {
			this.etcd.compact(revision);
		}

		@Override
		void restart() {
			this.etcd.restart();
		}

		@Override
		void wipe() {
			this.etcd.wipe();
		}

		@Override
		String compactFailure(long revision) {
			try {
				this.etcd.compact(revision);
				return fail("expected the compaction to be refused");
			}
			catch (EtcdFailure failure) {
				return failure.getMessage();
			}
		}

	}

	/**
	 * A real etcd through jetcd, with a client built as the application builds it.
	 */
	static final class Real extends Target {

		private static final CompactOption PHYSICAL = CompactOption.builder().withCompactPhysical(true).build();

		private final Client client;

		private final JetcdGateway gateway;

		Real(Client client, String endpoints) {
			this.client = client;
			this.gateway = new JetcdGateway(client, Duration.ofSeconds(5), endpoints);
		}

		@Override
		EtcdGateway gateway() {
			return this.gateway;
		}

		@Override
		<T> T await(CompletableFuture<T> future) {
			try {
				return future.get(10, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
			catch (Exception ex) {
				throw EtcdFailure.of(ex);
			}
		}

		@Override
		void await(Duration bound, BooleanSupplier condition) {
			Awaitility.await().atMost(bound).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
		}

		@Override
		void compact(long revision) {
			// Physical: wait until the backend dropped what the compaction removes, which
			// etcd does after it answers; until then a watch from the compaction revision
			// still sees a deletion at it.
			await(this.client.getKVClient().compact(revision, PHYSICAL));
		}

		@Override
		void restart() {
			real.cluster().killAll();
			real.cluster().startAll();
		}

		@Override
		void wipe() {
			real.cluster().wipe();
		}

		@Override
		String compactFailure(long revision) {
			try {
				await(this.client.getKVClient().compact(revision, PHYSICAL));
				return fail("expected the compaction to be refused");
			}
			catch (EtcdFailure failure) {
				return failure.getMessage();
			}
		}

	}

}
