package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.List;

import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.LeaseRenewal;
import io.github.coordinatorha.election.EtcdGateway.Operation.Put;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.SimEtcd.Availability;
import io.github.coordinatorha.election.SimEtcd.Settings;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * What the model of etcd does on simulated time that a real etcd cannot show quickly or
 * at all in {@code EtcdModelConformanceTests}: the lessor's timing, restarts, snapshots,
 * lagging watchers, the stalled leader of etcd#15247 and a member cut off from the
 * majority.
 */
class SimEtcdTests {

	private static final long MS = 1_000_000L;

	private static final long SECOND = 1_000_000_000L;

	private final SimWorld world = new SimWorld(5);

	@Test
	void aLeaseIsRevokedAtTheFirstRunOfTheLessorAfterItsDeadlineAndNotBefore() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		long lease = etcd.grant(0, 2).leaseId();
		put(etcd, "k", lease);
		long deadline = etcd.leaseDeadline(lease);
		assertThat(deadline).isEqualTo(2 * SECOND);
		this.world.runUntil(deadline - 1);
		assertThat(etcd.key("k")).isNotNull();
		this.world.runUntil(deadline + 500 * MS);
		assertThat(etcd.key("k")).isNull();
		assertThat(etcd.leases()).isEmpty();
	}

	@Test
	void aLeaseWithoutALessorDelayDiesAtItsDeadline() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withLessorTick(0));
		long lease = etcd.grant(0, 1).leaseId();
		put(etcd, "k", lease);
		this.world.runUntil(SECOND - 1);
		assertThat(etcd.key("k")).isNotNull();
		this.world.runUntil(SECOND);
		assertThat(etcd.key("k")).isNull();
	}

	@Test
	void keepalivesPushTheDeadlineOneTtlFromTheirArrival() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		long lease = etcd.grant(0, 3).leaseId();
		for (int i = 1; i <= 10; i++) {
			this.world.runUntil(i * SECOND);
			assertThat(keepAlive(etcd, lease).ttlSeconds()).isEqualTo(3);
		}
		assertThat(etcd.leaseDeadline(lease)).isEqualTo(13 * SECOND);
		this.world.runUntil(14 * SECOND);
		assertThat(etcd.leases()).isEmpty();
	}

	@Test
	void aKeepaliveOfALeasePastItsDeadlineWaitsForTheLessorAndFindsTheLeaseGone() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		long lease = etcd.grant(0, 1).leaseId();
		long deadline = etcd.leaseDeadline(lease);
		this.world.runUntil(deadline);
		Replies replies = new Replies();
		etcd.keepAlive(0, lease, replies);
		assertThat(replies.renewals).isEmpty();
		this.world.runFor(500 * MS);
		assertThat(replies.renewals).singleElement().extracting(LeaseRenewal::ttlSeconds).isEqualTo(0L);
	}

	@Test
	void aStoppedClusterRefusesAndExpiresNothingAndItsRestartGivesEveryLeaseItsTtlPlusTheElectionTimeout() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		long lease = etcd.grant(0, 5).leaseId();
		put(etcd, "k", lease);
		long term = etcd.raftTerm();
		long revision = etcd.revision();
		List<String> ended = new ArrayList<>();
		etcd.watch(0, "k", null, revision + 1, sink(new ArrayList<>(), ended));
		this.world.runUntil(4 * SECOND);
		etcd.stop();
		assertThat(etcd.availability(0)).isEqualTo(Availability.REFUSING);
		assertThat(ended).containsExactly("FAILED");
		assertThat(etcd.watchCount()).isZero();
		this.world.runUntil(60 * SECOND);
		assertThat(etcd.key("k")).isNotNull();
		etcd.start();
		assertThat(etcd.raftTerm()).isEqualTo(term + 1);
		assertThat(etcd.revision()).isEqualTo(revision);
		assertThat(etcd.leaseDeadline(lease)).isEqualTo(60 * SECOND + 500 * MS + 5 * SECOND);
		this.world.runUntil(66 * SECOND);
		assertThat(etcd.key("k")).isNull();
	}

	@Test
	void aWipeForgetsEverythingAndStartsAtRevisionOneAsANewCluster() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		long lease = etcd.grant(0, 5).leaseId();
		put(etcd, "k", lease);
		long cluster = etcd.clusterId();
		etcd.wipe();
		assertThat(etcd.revision()).isEqualTo(1);
		assertThat(etcd.keys()).isEmpty();
		assertThat(etcd.leases()).isEmpty();
		assertThat(etcd.clusterId()).isNotEqualTo(cluster);
		assertThat(etcd.raftTerm()).isEqualTo(2);
		assertThat(etcd.serving()).isTrue();
	}

	@Test
	void aRestoredSnapshotBringsBackItsKeysLeasesAndRevisionAndForgetsWhatCameAfter() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		long old = etcd.grant(0, 10).leaseId();
		put(etcd, "old", old);
		SimEtcd.Snapshot snapshot = etcd.snapshot();
		this.world.runUntil(5 * SECOND);
		long later = etcd.grant(0, 10).leaseId();
		put(etcd, "later", later);
		put(etcd, "old", 0);
		assertThat(etcd.revision()).isEqualTo(snapshot.revision() + 2);
		etcd.restore(snapshot);
		assertThat(etcd.revision()).isEqualTo(snapshot.revision());
		assertThat(etcd.keys()).extracting(EtcdGateway.KeyValue::key).containsExactly("old");
		assertThat(etcd.key("old").leaseId()).isEqualTo(old);
		assertThat(etcd.leases()).containsExactly(old);
		assertThat(etcd.leaseDeadline(old)).isEqualTo(5 * SECOND + 500 * MS + 10 * SECOND);
		assertThat(etcd.snapshots()).containsExactly(snapshot);
		put(etcd, "again", 0);
		assertThat(etcd.revision()).isEqualTo(snapshot.revision() + 1);
	}

	@Test
	void aLaggingWatcherSendsEverythingItMissedAtOnceWhenItCatchesUp() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		List<List<WatchEvent>> responses = new ArrayList<>();
		SimEtcd.ServerWatch watch = etcd.watch(0, "a", "b", etcd.revision() + 1, sink(responses, new ArrayList<>()));
		put(etcd, "a1", 0);
		watch.lag(SECOND);
		put(etcd, "a2", 0);
		put(etcd, "a3", 0);
		assertThat(responses).hasSize(1);
		this.world.runFor(SECOND);
		assertThat(responses).hasSize(2);
		assertThat(responses.get(1)).extracting((event) -> event.keyValue().key()).containsExactly("a2", "a3");
		put(etcd, "a4", 0);
		assertThat(responses).hasSize(3);
	}

	@Test
	void aLaggingWatcherOvertakenByACompactionEndsCompacted() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		List<String> ended = new ArrayList<>();
		SimEtcd.ServerWatch watch = etcd.watch(0, "a", "b", etcd.revision() + 1, sink(new ArrayList<>(), ended));
		watch.lag(SECOND);
		put(etcd, "a1", 0);
		put(etcd, "a2", 0);
		etcd.compact(etcd.revision());
		this.world.runFor(SECOND);
		assertThat(ended).containsExactly("COMPACTED");
		assertThat(watch.ended()).isTrue();
	}

	@Test
	void aCompactionOfACompactedOrFutureRevisionIsRefused() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		put(etcd, "a", 0);
		etcd.compact(2);
		assertThatExceptionOfType(EtcdFailure.class).isThrownBy(() -> etcd.compact(2))
			.withMessageContaining("compacted");
		assertThatExceptionOfType(EtcdFailure.class).isThrownBy(() -> etcd.compact(3)).withMessageContaining("future");
	}

	@Test
	void aStalledLeaderRenewsLeasesWithItsOldTermWhileTheNewLeaderLetsThemExpire() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		long lease = etcd.grant(0, 2).leaseId();
		put(etcd, "k", lease);
		List<List<WatchEvent>> stalledSaw = new ArrayList<>();
		etcd.watch(0, "k", null, etcd.revision() + 1, sink(stalledSaw, new ArrayList<>()));
		long oldTerm = etcd.raftTerm();
		assertThat(etcd.stallLeader()).isZero();
		assertThat(etcd.availability(0)).isEqualTo(Availability.HANGING);
		assertThat(etcd.availability(1)).isEqualTo(Availability.SERVING);
		assertThat(etcd.raftTerm()).isEqualTo(oldTerm + 1);
		for (int i = 1; i <= 5; i++) {
			this.world.runUntil(i * SECOND);
			LeaseRenewal renewal = keepAlive(etcd, lease);
			assertThat(renewal.ttlSeconds()).isEqualTo(2);
			assertThat(renewal.header().raftTerm()).isEqualTo(oldTerm);
		}
		assertThat(etcd.key("k")).isNull();
		assertThat(stalledSaw).isEmpty();
		etcd.endStall();
		assertThat(etcd.availability(0)).isEqualTo(Availability.SERVING);
		assertThat(stalledSaw).singleElement().satisfies((events) -> assertThat(events.get(0).deleted()).isTrue());
		assertThat(keepAlive(etcd, lease).ttlSeconds()).isZero();
	}

	@Test
	void theStalledLeaderRevokesWhatItThoughtExpiredWhenItComesBack() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		long lease = etcd.grant(0, 2).leaseId();
		put(etcd, "k", lease);
		etcd.stallLeader();
		for (int i = 1; i <= 5; i++) {
			this.world.runUntil(i * SECOND);
			assertThat(keepAliveAt(etcd, 1, lease).ttlSeconds()).isEqualTo(2);
		}
		assertThat(etcd.key("k")).isNotNull();
		etcd.endStall();
		assertThat(etcd.key("k")).isNull();
		assertThat(etcd.leases()).isEmpty();
	}

	@Test
	void aStalledLeaderNeedsThreeMembers() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		assertThatIllegalStateException().isThrownBy(etcd::stallLeader).withMessageContaining("3 members");
	}

	@Test
	void aRenewThatRacesTheRevocationStillGetsATtlWhenThatRaceIsOn() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withRenewRacingRevoke(MS));
		long lease = etcd.grant(0, 5).leaseId();
		etcd.revoke(0, lease);
		assertThat(keepAlive(etcd, lease).ttlSeconds()).isEqualTo(5);
		this.world.runFor(MS);
		assertThat(keepAlive(etcd, lease).ttlSeconds()).isZero();
	}

	@Test
	void anEtcdWithTheLessorFixesAnswersNoKeepaliveFromAStalledLeaderAndRevokesNothingOnItsReturn() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3).withStaleLessor(false));
		long lease = etcd.grant(0, 2).leaseId();
		put(etcd, "k", lease);
		etcd.stallLeader();
		Replies stalled = new Replies();
		etcd.keepAlive(0, lease, stalled);
		assertThat(stalled.renewals).isEmpty();
		for (int i = 1; i <= 5; i++) {
			this.world.runUntil(i * SECOND);
			assertThat(keepAliveAt(etcd, 1, lease).ttlSeconds()).isEqualTo(2);
		}
		etcd.endStall();
		assertThat(etcd.key("k")).isNotNull();
		assertThat(etcd.revokedAliveAt(lease)).isEqualTo(Long.MIN_VALUE);
	}

	@Test
	void aStalledLeaderThatRevokesALeaseTheMajorityKeptAliveIsOnRecord() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		long lease = etcd.grant(0, 2).leaseId();
		etcd.stallLeader();
		// the majority keeps it alive; the stalled lessor still counts from the grant
		this.world.runUntil(2 * SECOND);
		keepAliveAt(etcd, 1, lease);
		this.world.runUntil(3 * SECOND);
		etcd.endStall();
		assertThat(etcd.leases()).isEmpty();
		assertThat(etcd.revokedAliveAt(lease)).isEqualTo(3 * SECOND);
	}

	@Test
	void aWatchOnAStalledLeaderGetsWhatWasCommittedDuringTheStallBeforeTheRevocationsOfItsReturn() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		long lease = etcd.grant(0, 2).leaseId();
		put(etcd, "k1", lease);
		List<List<WatchEvent>> saw = new ArrayList<>();
		List<String> ended = new ArrayList<>();
		etcd.watch(0, "k", "l", 0, sink(saw, ended));
		etcd.stallLeader();
		etcd.txn(1, new Txn(List.of(), List.of(new Put("k2", "v", 0)), List.of()));
		this.world.runUntil(2 * SECOND);
		keepAliveAt(etcd, 1, lease);
		this.world.runUntil(3 * SECOND);
		assertThat(saw).isEmpty();
		etcd.endStall();
		// seed 92 of the 5000 lost the put: the revocation reached the watch first
		assertThat(saw.stream()
			.flatMap(List::stream)
			.map((event) -> event.keyValue().key() + (event.deleted() ? "-" : "+"))).containsExactly("k2+", "k1-");
		assertThat(ended).isEmpty();
	}

	@Test
	void aFollowerCutOffFromTheMajorityHangsUntilItKnowsItHasNoLeaderThenRefusesAndEndsItsWatches() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		long lease = etcd.grant(0, 5).leaseId();
		List<List<WatchEvent>> cutOffSaw = new ArrayList<>();
		List<String> cutOffEnded = new ArrayList<>();
		etcd.watch(1, "k", null, 0, sink(cutOffSaw, cutOffEnded));
		long term = etcd.raftTerm();
		etcd.isolate(1);
		assertThat(etcd.availability(1)).isEqualTo(Availability.HANGING);
		assertThat(etcd.availability(0)).isEqualTo(Availability.SERVING);
		Replies hanging = new Replies();
		etcd.keepAlive(1, lease, hanging);
		assertThat(hanging.renewals).isEmpty();
		assertThat(hanging.failure).isNull();
		put(etcd, "k", lease);
		assertThat(cutOffSaw).isEmpty();
		// within two election timeouts it knows; within three more looks it ends its
		// streams
		this.world.runFor(1000 * MS);
		assertThat(etcd.availability(1)).isEqualTo(Availability.NO_LEADER);
		Replies refused = new Replies();
		etcd.keepAlive(1, lease, refused);
		assertThat(refused.failure).isNotNull()
			.satisfies((failure) -> assertThat(failure.getMessage()).contains("no leader"));
		List<String> refusedWatch = new ArrayList<>();
		etcd.watch(1, "k", null, 0, sink(new ArrayList<>(), refusedWatch));
		assertThat(refusedWatch).containsExactly("FAILED");
		assertThat(cutOffEnded).isEmpty();
		this.world.runFor(1500 * MS);
		assertThat(cutOffEnded).containsExactly("FAILED");
		assertThat(etcd.raftTerm()).isEqualTo(term);
		assertThat(keepAliveAt(etcd, 2, lease).ttlSeconds()).isEqualTo(5);
		etcd.rejoin();
		assertThat(etcd.availability(1)).isEqualTo(Availability.SERVING);
	}

	@Test
	void aWatchOnAFollowerCutOffOnlyBrieflyCatchesUpWhenItRejoins() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		List<List<WatchEvent>> saw = new ArrayList<>();
		List<String> ended = new ArrayList<>();
		etcd.watch(2, "k", null, 0, sink(saw, ended));
		etcd.isolate(2);
		put(etcd, "k", 0);
		this.world.runFor(400 * MS);
		assertThat(saw).isEmpty();
		etcd.rejoin();
		assertThat(saw).hasSize(1);
		assertThat(ended).isEmpty();
	}

	@Test
	void aLeaderCutOffRenewsFromItsLessorUntilItStepsDownWhileTheMajorityElectsANewLeaderInANewTerm() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		long lease = etcd.grant(0, 2).leaseId();
		put(etcd, "k", lease);
		long term = etcd.raftTerm();
		etcd.isolate(etcd.leader());
		// the majority has no leader yet: what reaches it waits
		assertThat(etcd.availability(1)).isEqualTo(Availability.HANGING);
		Replies waiting = new Replies();
		etcd.keepAlive(1, lease, waiting);
		assertThat(waiting.renewals).isEmpty();
		assertThat(keepAliveAt(etcd, 0, lease).header().raftTerm()).isEqualTo(term);
		this.world.runFor(1000 * MS);
		assertThat(etcd.raftTerm()).isEqualTo(term + 1);
		assertThat(etcd.leader()).isNotZero();
		assertThat(etcd.availability(1)).isEqualTo(Availability.SERVING);
		assertThat(etcd.availability(0)).isEqualTo(Availability.NO_LEADER);
		// the new leader gave the lease TTL + election timeout
		assertThat(etcd.leaseDeadline(lease)).isGreaterThan(this.world.now() + 2 * SECOND);
		assertThat(etcd.key("k")).isNotNull();
	}

	@Test
	void aMemberCutOffNeedsThreeMembersAndOneFaultAtATime() {
		assertThatIllegalStateException().isThrownBy(() -> new SimEtcd(this.world, Settings.fast()).isolate(0))
			.withMessageContaining("3 members");
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast().withMembers(3));
		etcd.stallLeader();
		assertThatIllegalStateException().isThrownBy(() -> etcd.isolate(1)).withMessageContaining("stalled");
	}

	@Test
	void observersSeeEveryTransactionAndEveryCommittedRevision() {
		SimEtcd etcd = new SimEtcd(this.world, Settings.fast());
		List<String> seen = new ArrayList<>();
		etcd.observe(new SimEtcd.Observer() {
			@Override
			public void applied(int member, Txn txn, EtcdGateway.TxnResult result) {
				seen.add("txn " + result.header().revision());
			}

			@Override
			public void changed(long revision, List<WatchEvent> changes) {
				seen.add("changed " + revision + " " + changes.size());
			}
		});
		long lease = etcd.grant(0, 5).leaseId();
		put(etcd, "k", lease);
		etcd.revoke(0, lease);
		assertThat(seen).containsExactly("changed 2 1", "txn 2", "changed 3 1");
		assertThat(etcd.commits()).isEqualTo(2);
	}

	private static void put(SimEtcd etcd, String key, long lease) {
		etcd.txn(0, new Txn(List.of(), List.of(new Put(key, "v", lease)), List.of()));
	}

	private static LeaseRenewal keepAlive(SimEtcd etcd, long lease) {
		return keepAliveAt(etcd, 0, lease);
	}

	private static LeaseRenewal keepAliveAt(SimEtcd etcd, int member, long lease) {
		Replies replies = new Replies();
		etcd.keepAlive(member, lease, replies);
		assertThat(replies.renewals).hasSize(1);
		return replies.renewals.get(0);
	}

	private static SimEtcd.WatchSink sink(List<List<WatchEvent>> responses, List<String> ended) {
		return new SimEtcd.WatchSink() {
			@Override
			public void events(Header header, List<WatchEvent> events) {
				responses.add(events);
			}

			@Override
			public void ended(EtcdFailure failure) {
				ended.add(failure.kind().name());
			}
		};
	}

	private static final class Replies implements SimEtcd.KeepAliveReply {

		final List<LeaseRenewal> renewals = new ArrayList<>();

		@Nullable EtcdFailure failure;

		@Override
		public void answered(LeaseRenewal renewal) {
			this.renewals.add(renewal);
		}

		@Override
		public void failed(EtcdFailure failure) {
			this.failure = failure;
		}

	}

}
