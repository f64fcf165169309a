package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.LeaseRenewal;
import io.github.coordinatorha.election.SimEtcd.Settings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The simulation's checkers fed deliberately broken histories: each invariant the
 * simulation relies on must be able to fail.
 */
class SimCheckerTests {

	private static final long SECOND = 1_000_000_000L;

	private static long token(long epoch, long revision) {
		return FencingToken.of("rootCoord", epoch, revision).value();
	}

	@Test
	void aTokenBelowTheHighestOfItsHistoryFails() {
		SimTokenLedger ledger = new SimTokenLedger();
		assertThat(ledger.accepted("rootCoord", token(0, 50), SECOND)).isNull();
		assertThat(ledger.accepted("rootCoord", token(0, 50), 2 * SECOND)).isNull();
		assertThat(ledger.accepted("rootCoord", token(0, 40), 3 * SECOND)).contains("same history");
	}

	@Test
	void aWipeStartsANewHistoryWhoseOldTokensAreCountedUntilTheEpochIsRaised() {
		SimTokenLedger ledger = new SimTokenLedger();
		ledger.accepted("rootCoord", token(0, 500), SECOND);
		ledger.disaster("wipe", 2 * SECOND);
		assertThat(ledger.accepted("rootCoord", token(0, 7), 3 * SECOND)).isNull();
		assertThat(ledger.windowWrites()).isEqualTo(1);
		assertThat(ledger.maxWindowWriteNanos()).isEqualTo(SECOND);
		assertThat(ledger.unraised()).isEqualTo(1);
		// an epoch key that stays at the epoch of the old tokens raises nothing
		assertThat(ledger.epochStored(0, 4 * SECOND)).isEmpty();
		assertThat(ledger.epochStored(1, 5 * SECOND)).containsExactly("wipe");
		assertThat(ledger.maxRaiseNanos()).isEqualTo(3 * SECOND);
		assertThat(ledger.accepted("rootCoord", token(1, 9), 6 * SECOND)).isNull();
	}

	@Test
	void anOldTokenAcceptedAfterTheEpochWasRaisedPastItsRestoreFails() {
		SimTokenLedger ledger = new SimTokenLedger();
		ledger.accepted("rootCoord", token(1, 500), SECOND);
		ledger.disaster("restore", 2 * SECOND);
		ledger.epochStored(2, 3 * SECOND);
		// the old term's own token again, in the new history: a write of the old active
		assertThat(ledger.accepted("rootCoord", token(1, 500), 4 * SECOND)).contains("not above");
	}

	@Test
	void aTokenBelowTheFloorFailsInALaterHistoryToo() {
		SimTokenLedger ledger = new SimTokenLedger();
		ledger.accepted("rootCoord", token(0, 500), SECOND);
		ledger.disaster("wipe", 2 * SECOND);
		ledger.epochStored(1, 3 * SECOND);
		ledger.accepted("rootCoord", token(1, 10), 4 * SECOND);
		ledger.disaster("restore", 5 * SECOND);
		ledger.epochStored(2, 6 * SECOND);
		assertThat(ledger.accepted("rootCoord", token(0, 600), 7 * SECOND)).contains("not above");
		assertThat(ledger.accepted("rootCoord", token(2, 3), 8 * SECOND)).isNull();
	}

	@Test
	void twoLiveNodesWithOneServerIdFail() {
		Map<String, Long> ids = new LinkedHashMap<>();
		ids.put("n1", 1L);
		ids.put("n2", 2L);
		ids.put("n3", 1L);
		assertThat(SimRun.serverIdViolation("rootCoord", ids, (id) -> true, 3)).contains("held by both n1 and n3");
	}

	@Test
	void aServerIdWithoutItsSessionOrNotBelowTheCounterFails() {
		Map<String, Long> ids = new LinkedHashMap<>();
		ids.put("n1", 1L);
		ids.put("n2", 2L);
		assertThat(SimRun.serverIdViolation("rootCoord", ids, (id) -> true, 3)).isNull();
		assertThat(SimRun.serverIdViolation("rootCoord", ids, (id) -> id != 2, 3)).contains("no session key");
		assertThat(SimRun.serverIdViolation("rootCoord", ids, (id) -> true, 2)).contains("Milvus's allocator");
		ids.put("n3", 0L);
		assertThat(SimRun.serverIdViolation("rootCoord", ids, (id) -> true, 3)).contains("n3 has no server ID");
	}

	@Test
	void theStoreRefusesALowerTokenAndFailsWhenItStillRefusesAfterTheBound() {
		SimStore store = new SimStore();
		assertThat(store.write("rootCoord", 10, SECOND)).isEqualTo(-1);
		assertThat(store.write("rootCoord", 5, 2 * SECOND)).isEqualTo(10);
		assertThat(store.refusals()).isEqualTo(1);
		assertThat(store.violation("rootCoord", 0, SECOND, 3 * SECOND)).contains("after the recovery bound");
		assertThat(store.write("rootCoord", 12, 4 * SECOND)).isEqualTo(-1);
		assertThat(store.violation("rootCoord", 3 * SECOND, 2 * SECOND, 5 * SECOND)).isNull();
	}

	@Test
	void theStoreFailsWhenItAcceptsNothingAtRestOrTooLateAfterARefusal() {
		SimStore store = new SimStore();
		store.write("rootCoord", 10, SECOND);
		assertThat(store.violation("rootCoord", 2 * SECOND, 3 * SECOND, 4 * SECOND)).contains("accepted no write");
		store.write("rootCoord", 5, 2 * SECOND);
		store.write("rootCoord", 11, 6 * SECOND);
		assertThat(store.violation("rootCoord", 5 * SECOND, 3 * SECOND, 4 * SECOND)).contains("again only at");
		assertThat(store.violation("nobody", 0, 0, 0)).contains("accepted no write");
	}

	@Test
	void aStalledLeadersRenewalExcusesAnOverlapOnlyBeforeTheNodeHeardTheNewTerm() {
		SimWorld world = new SimWorld(7);
		SimEtcd etcd = new SimEtcd(world, Settings.fast().withMembers(3));
		long oldTerm = etcd.raftTerm();
		etcd.stallLeader();
		Answers answers = new Answers();
		SimEngineTap tap = new SimEngineTap(answers, etcd, world);
		long within = 5 * SECOND;
		// the stalled leader answers first: no client can tell
		answers.renewals.add(header(etcd, oldTerm));
		tap.keepAliveOnce(1, Duration.ofSeconds(1)).join();
		assertThat(tap.renewedByStaleLessor(within)).isTrue();
		// the node hears the new term, then the stalled leader again: an engine that took
		// this answer would be at fault, and the overlap is no longer excused
		answers.renewals.add(header(etcd, oldTerm + 1));
		tap.keepAliveOnce(1, Duration.ofSeconds(1)).join();
		assertThat(tap.renewedByStaleLessor(within)).isFalse();
		answers.renewals.add(header(etcd, oldTerm));
		tap.keepAliveOnce(1, Duration.ofSeconds(1)).join();
		assertThat(tap.renewedByStaleLessor(within)).isFalse();
	}

	private static Header header(SimEtcd etcd, long raftTerm) {
		return new Header(10, raftTerm, 1, etcd.clusterId());
	}

	/**
	 * Keepalive answers with the headers given, nothing else.
	 */
	private static final class Answers implements EtcdGateway {

		final Deque<Header> renewals = new ArrayDeque<>();

		@Override
		public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<TxnResult> txn(Txn txn) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
			throw new UnsupportedOperationException();
		}

		@Override
		public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
			return CompletableFuture.completedFuture(new LeaseRenewal(this.renewals.remove(), 2));
		}

		@Override
		public CompletableFuture<Header> revoke(long leaseId) {
			throw new UnsupportedOperationException();
		}

		@Override
		public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
			throw new UnsupportedOperationException();
		}

	}

}
