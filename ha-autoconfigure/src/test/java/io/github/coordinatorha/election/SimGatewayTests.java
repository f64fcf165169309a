package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.Operation.Put;
import io.github.coordinatorha.election.EtcdGateway.Txn;
import io.github.coordinatorha.election.EtcdGateway.TxnResult;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.SimFaults.Latency;
import io.github.coordinatorha.election.SimGateway.Cut;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A simulated node's connection to etcd: latency, lost requests and answers, timeouts on
 * the node's clock, cuts, etcd down or stalled, watch streams that lag or break, and what
 * a paused or crashed process sees.
 */
class SimGatewayTests {

	private static final long MS = 1_000_000L;

	private static final long SECOND = 1_000_000_000L;

	private static final Duration TIMEOUT = Duration.ofSeconds(2);

	private final SimWorld world = new SimWorld(9);

	private final SimEtcd etcd = new SimEtcd(this.world, SimEtcd.Settings.fast());

	private final SimProcess process = new SimProcess(this.world, "n1", new SimClock(this.world, 0, 1));

	@Test
	void anAnswerTakesTwoLatenciesAndCompletesOnTheProcesssIoLane() {
		SimGateway gateway = gateway(SimFaults.none());
		CompletableFuture<TxnResult> put = gateway.txn(put("k"));
		this.world.runUntil(2 * MS - 1);
		assertThat(put).isNotDone();
		this.world.runUntil(2 * MS);
		assertThat(put).isCompleted();
		assertThat(this.etcd.key("k")).isNotNull();
	}

	@Test
	void aLostRequestEndsInNoAnswerWhenTheNodesTimerFiresAndChangesNothing() {
		SimProcess fast = new SimProcess(this.world, "fast", new SimClock(this.world, 0, 1.25));
		SimGateway gateway = new SimGateway(fast, this.etcd, TIMEOUT, 0, SimFaults.none().withLoss(1, 0));
		CompletableFuture<TxnResult> put = gateway.txn(put("k"));
		this.world.runUntil(1600 * MS - 1);
		assertThat(put).isNotDone();
		this.world.runUntil(1600 * MS);
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
		assertThat(this.etcd.key("k")).isNull();
		assertThat(gateway.stats().lost).isEqualTo(1);
	}

	@Test
	void aLostAnswerEndsInNoAnswerThoughTheWriteTookEffect() {
		SimGateway gateway = gateway(SimFaults.none().withLoss(0, 1));
		CompletableFuture<TxnResult> put = gateway.txn(put("k"));
		this.world.runFor(TIMEOUT.toNanos());
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
		assertThat(this.etcd.key("k")).isNotNull();
	}

	@Test
	void anAnswerSlowerThanTheTimeoutEndsInNoAnswerAndTheRequestTakesEffectLate() {
		SimGateway gateway = gateway(SimFaults.none().withLatency(Latency.fixed(1500 * MS)));
		CompletableFuture<TxnResult> put = gateway.txn(put("k"));
		this.world.runUntil(TIMEOUT.toNanos());
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
		assertThat(this.etcd.key("k").modRevision()).isEqualTo(2);
		this.world.runFor(10 * SECOND);
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
	}

	@Test
	void aKeepaliveWaitsForItsOwnTimeoutNotTheRequestTimeout() {
		SimGateway gateway = new SimGateway(this.process, this.etcd, Duration.ofSeconds(5), 0,
				SimFaults.none().withLatency(Latency.fixed(600 * MS)));
		long lease = this.etcd.grant(0, 10).leaseId();
		CompletableFuture<EtcdGateway.LeaseRenewal> impatient = gateway.keepAliveOnce(lease, Duration.ofSeconds(1));
		CompletableFuture<EtcdGateway.LeaseRenewal> patient = gateway.keepAliveOnce(lease, Duration.ofSeconds(2));
		this.world.runUntil(SECOND);
		assertThat(kind(impatient)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
		assertThat(patient).isNotDone();
		this.world.runUntil(1200 * MS);
		assertThat(patient.join().ttlSeconds()).isEqualTo(10);
	}

	@Test
	void aKeepaliveOfAnUnknownLeaseFailsLeaseNotFoundAsJetcdReportsIt() {
		SimGateway gateway = gateway(SimFaults.none());
		CompletableFuture<EtcdGateway.LeaseRenewal> renewal = gateway.keepAliveOnce(77, TIMEOUT);
		this.world.runFor(SECOND);
		assertThat(kind(renewal)).isEqualTo(EtcdFailure.Kind.LEASE_NOT_FOUND);
	}

	@Test
	void watchEventsArriveInRevisionOrderWhateverTheLatencies() {
		SimGateway writer = gateway(SimFaults.none());
		SimGateway watcher = gateway(SimFaults.none().withLatency(Latency.uniform(MS, 50 * MS)));
		Watch watch = watch(watcher, "a", "b", 2);
		for (int i = 0; i < 100; i++) {
			this.world.schedule(i * MS / 10, () -> writer.txn(put("a")));
		}
		this.world.runFor(SECOND);
		assertThat(watch.revisions()).hasSize(100).isSorted().doesNotHaveDuplicates();
	}

	@Test
	void aNodeCutOffWithRefusalFailsAtOnceAndItsWatchesEnd() {
		SimGateway gateway = gateway(SimFaults.none());
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(10 * MS);
		gateway.cutOff(Cut.REFUSED);
		CompletableFuture<TxnResult> put = gateway.txn(put("a"));
		this.world.runFor(10 * MS);
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.FAILED);
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.FAILED);
		assertThat(this.etcd.watchCount()).isZero();
		gateway.reconnect();
		CompletableFuture<TxnResult> tooSoon = gateway.txn(put("a"));
		this.world.runFor(MS);
		assertThat(kind(tooSoon)).isEqualTo(EtcdFailure.Kind.FAILED);
		this.world.runFor(1200 * MS);
		assertThat(gateway.connected()).isTrue();
		CompletableFuture<TxnResult> again = gateway.txn(put("a"));
		this.world.runFor(10 * MS);
		assertThat(again).isCompleted();
	}

	@Test
	void afterALongOutageANodeReconnectsOnlyWhenGrpcsBackoffTriesAgain() {
		SimGateway gateway = gateway(SimFaults.none());
		this.etcd.stop();
		this.world.runFor(30 * SECOND);
		this.etcd.start();
		CompletableFuture<TxnResult> claim = gateway.txn(put("a"));
		CompletableFuture<EtcdGateway.Range> read = gateway.get("a", null);
		this.world.runFor(MS);
		assertThat(kind(claim)).isEqualTo(EtcdFailure.Kind.FAILED);
		assertThat(read).isNotDone();
		this.world.runUntil(() -> gateway.connected(), this.world.now() + 60 * SECOND);
		long away = this.world.now() - 30 * SECOND;
		// attempts 1, 1.6, 2.56, 4.1, 6.55, 10.5 s (+-20%) apart: the 6th or 7th comes
		// 0.5 to 22 s late
		assertThat(away).isBetween(SECOND / 2, 22 * SECOND);
		assertThat(this.world.traceLines()).filteredOn((line) -> line.contains("channel")).hasSize(2);
	}

	@Test
	void jetcdRetriesAReadTwiceBeforeItFails() {
		SimGateway gateway = new SimGateway(this.process, this.etcd, Duration.ofSeconds(5), 0, SimFaults.none());
		this.etcd.stop();
		CompletableFuture<EtcdGateway.Range> read = gateway.get("a", null);
		this.world.runFor(1500 * MS - 1);
		assertThat(read).isNotDone();
		this.world.runFor(1);
		assertThat(kind(read)).isEqualTo(EtcdFailure.Kind.FAILED);
	}

	@Test
	void aNodeCutOffSilentlyTimesOutAndItsWatchesCatchUpWhenReconnectedInTime() {
		SimGateway gateway = gateway(SimFaults.none());
		SimGateway other = new SimGateway(new SimProcess(this.world, "n2", new SimClock(this.world, 0, 1)), this.etcd,
				TIMEOUT);
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(10 * MS);
		gateway.cutOff(Cut.SILENT);
		other.txn(put("a1"));
		CompletableFuture<TxnResult> put = gateway.txn(put("a2"));
		this.world.runFor(10 * SECOND);
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
		assertThat(watch.events).isEmpty();
		assertThat(watch.ended).isNull();
		gateway.reconnect();
		this.world.runFor(10 * MS);
		assertThat(watch.events).extracting((event) -> event.keyValue().key()).containsExactly("a1");
		assertThat(this.etcd.key("a2")).isNull();
	}

	@Test
	void aSilentCutLongerThanGrpcsKeepaliveEndsTheWatchesFailed() {
		SimGateway gateway = gateway(SimFaults.none());
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(10 * MS);
		gateway.cutOff(Cut.SILENT);
		Watch later = watch(gateway, "a", "b", 2);
		this.world.runFor(40 * SECOND - 1);
		assertThat(watch.ended).isNull();
		this.world.runFor(1);
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.FAILED);
		assertThat(later.ended).isEqualTo(EtcdFailure.Kind.FAILED);
		gateway.reconnect();
		this.world.runFor(SECOND);
		assertThat(watch.events).isEmpty();
	}

	@Test
	void etcdDownRefusesEveryNodeAndEndsItsWatchesUntilItIsBack() {
		SimGateway gateway = gateway(SimFaults.none());
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(10 * MS);
		this.etcd.stop();
		CompletableFuture<TxnResult> put = gateway.txn(put("a"));
		this.world.runFor(10 * MS);
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.FAILED);
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.FAILED);
		this.etcd.start();
		this.world.runFor(2 * SECOND);
		CompletableFuture<EtcdGateway.Range> again = gateway.get("a", null);
		this.world.runFor(10 * MS);
		assertThat(again).isCompleted();
	}

	@Test
	void aRequestUnderWayWhenEtcdRestartsFailsAndIsNotCarriedOut() {
		SimGateway gateway = gateway(SimFaults.none().withLatency(Latency.fixed(10 * MS)));
		CompletableFuture<TxnResult> put = gateway.txn(put("k"));
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.schedule(5 * MS, this.etcd::restart);
		this.world.runFor(SECOND);
		assertThat(kind(put)).isEqualTo(EtcdFailure.Kind.FAILED);
		assertThat(this.etcd.key("k")).isNull();
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.FAILED);
	}

	@Test
	void aStalledMemberHangsEveryRequestButItsLessorStillAnswersKeepalives() {
		SimEtcd cluster = new SimEtcd(this.world, SimEtcd.Settings.fast().withMembers(3));
		SimGateway stalled = new SimGateway(this.process, cluster, TIMEOUT, 0, SimFaults.none());
		long lease = cluster.grant(0, 5).leaseId();
		cluster.stallLeader();
		CompletableFuture<EtcdGateway.Range> read = stalled.get("a", null);
		CompletableFuture<EtcdGateway.LeaseRenewal> renewal = stalled.keepAliveOnce(lease, TIMEOUT);
		this.world.runFor(TIMEOUT.toNanos());
		assertThat(kind(read)).isEqualTo(EtcdFailure.Kind.NO_ANSWER);
		assertThat(renewal.join().ttlSeconds()).isEqualTo(5);
	}

	@Test
	void aPausedProcessHearsItsAnswersOnlyWhenItResumes() {
		SimGateway gateway = gateway(SimFaults.none());
		SimLane lane = this.process.lane("role");
		List<Long> heardAt = new ArrayList<>();
		gateway.txn(put("k")).whenCompleteAsync((result, failure) -> heardAt.add(this.world.now()), lane);
		this.process.pauseFor(5 * SECOND);
		this.world.runFor(10 * SECOND);
		assertThat(heardAt).containsExactly(5 * SECOND);
		assertThat(this.etcd.key("k").modRevision()).isEqualTo(2);
	}

	@Test
	void aCrashedProcessNeverHearsBackButWhatItSentStillArrives() {
		SimGateway gateway = gateway(SimFaults.none().withLatency(Latency.fixed(10 * MS)));
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(20 * MS);
		CompletableFuture<TxnResult> put = gateway.txn(put("a"));
		this.process.crash();
		this.world.runFor(10 * SECOND);
		assertThat(put).isNotDone();
		assertThat(this.etcd.key("a")).isNotNull();
		assertThat(watch.events).isEmpty();
		assertThat(this.etcd.watchCount()).isZero();
		assertThat(gateway.openWatches()).isZero();
	}

	@Test
	void aBrokenWatchStreamEndsFailedAndLosesWhatWasUnderWay() {
		SimGateway gateway = gateway(SimFaults.none().withLatency(Latency.fixed(10 * MS)));
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(20 * MS);
		this.etcd.txn(0, put("a"));
		this.world.runFor(5 * MS);
		gateway.breakWatches();
		this.world.runFor(SECOND);
		assertThat(watch.events).isEmpty();
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.FAILED);
	}

	@Test
	void watchStreamsBreakAtRandomWhenAskedTo() {
		SimGateway gateway = gateway(SimFaults.none().withWatchBreaks(10 * SECOND));
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(200 * SECOND);
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.FAILED);
	}

	@Test
	void aLaggingWatchOvertakenByACompactionEndsCompacted() {
		SimGateway gateway = gateway(SimFaults.none());
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(10 * MS);
		gateway.lagWatches(SECOND);
		this.etcd.txn(0, put("a"));
		this.etcd.txn(0, put("a"));
		this.etcd.compact(this.etcd.revision());
		this.world.runFor(2 * SECOND);
		assertThat(watch.events).isEmpty();
		assertThat(watch.ended).isEqualTo(EtcdFailure.Kind.COMPACTED);
	}

	@Test
	void aClosedWatchHearsNothingMore() {
		SimGateway gateway = gateway(SimFaults.none().withLatency(Latency.fixed(10 * MS)));
		Watch watch = watch(gateway, "a", "b", 2);
		this.world.runFor(20 * MS);
		this.etcd.txn(0, put("a"));
		watch.watching.close();
		this.etcd.stop();
		this.world.runFor(SECOND);
		assertThat(watch.events).isEmpty();
		assertThat(watch.ended).isNull();
	}

	private SimGateway gateway(SimFaults faults) {
		return new SimGateway(this.process, this.etcd, TIMEOUT, 0, faults);
	}

	private static Txn put(String key) {
		return new Txn(List.of(), List.of(new Put(key, "v", 0)), List.of());
	}

	private static EtcdFailure.@Nullable Kind kind(CompletableFuture<?> future) {
		assertThat(future).isDone();
		try {
			future.join();
			return null;
		}
		catch (RuntimeException ex) {
			return EtcdFailure.of(ex).kind();
		}
	}

	private static Watch watch(SimGateway gateway, String key, String rangeEnd, long from) {
		Watch watch = new Watch();
		watch.watching = gateway.watch(key, rangeEnd, from, watch);
		return watch;
	}

	private static final class Watch implements EtcdGateway.WatchListener {

		final List<WatchEvent> events = new ArrayList<>();

		EtcdFailure.@Nullable Kind ended;

		EtcdGateway.Watching watching;

		@Override
		public void onEvents(Header header, List<WatchEvent> events) {
			this.events.addAll(events);
		}

		@Override
		public void onEnded(EtcdFailure failure) {
			assertThat(this.ended).as("ended twice").isNull();
			this.ended = failure.kind();
		}

		List<Long> revisions() {
			return this.events.stream().map((event) -> event.keyValue().modRevision()).toList();
		}

	}

}
