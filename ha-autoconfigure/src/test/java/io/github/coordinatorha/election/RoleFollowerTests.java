package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.coordinatorha.directory.ActiveMember;
import io.github.coordinatorha.election.EtcdGateway.Header;
import io.github.coordinatorha.election.EtcdGateway.KeyValue;
import io.github.coordinatorha.election.EtcdGateway.Range;
import io.github.coordinatorha.election.EtcdGateway.WatchEvent;
import io.github.coordinatorha.election.EtcdGateway.WatchListener;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link RoleFollower} on a scripted etcd, for what a real etcd cannot be made to do on
 * cue: a watch whose start revision was compacted away between the read and the watch,
 * and reads that fail. (RoleDirectoryTests covers the rest on a real etcd.)
 */
class RoleFollowerTests {

	private final EtcdKeys keys = new EtcdKeys("scripted", "meta");

	private final ScheduledThreadPoolExecutor lane = new ScheduledThreadPoolExecutor(1);

	private final List<ActiveMember> changes = new CopyOnWriteArrayList<>();

	@AfterEach
	void stop() {
		this.lane.shutdownNow();
	}

	private RoleFollower follower(EtcdGateway etcd) {
		RoleFollower follower = new RoleFollower("rootCoord", new RoleKeys(this.keys, "rootCoord"), etcd, this.lane,
				(previous, current) -> {
					if (current != null) {
						this.changes.add(current);
					}
				});
		follower.start();
		return follower;
	}

	/**
	 * An etcd whose first read names serverId 7 at revision 10, whose first watch is
	 * compacted away at once, and whose second read names serverId 8 at revision 20.
	 */
	private ScriptedEtcd compactedAfterTheFirstRead() {
		ScriptedEtcd etcd = new ScriptedEtcd();
		etcd.answers.add(CompletableFuture.completedFuture(range(10, active(7, 9))));
		etcd.answers.add(CompletableFuture.completedFuture(range(20, active(8, 19))));
		etcd.endFirstWatch = new EtcdFailure(EtcdFailure.Kind.COMPACTED, "required revision has been compacted");
		return etcd;
	}

	@Test
	void aWatchCompactedAwayIsFollowedByAReadAndAWatchFromItsRevision() throws Exception {
		ScriptedEtcd etcd = compactedAfterTheFirstRead();
		RoleFollower follower = follower(etcd);
		await().atMost(Duration.ofSeconds(5)).until(() -> etcd.watchedFrom.size() == 2);
		assertThat(etcd.reads.get()).isEqualTo(2);
		assertThat(etcd.watchedFrom).containsExactly(11L, 21L);
		assertThat(follower.await((active) -> active.serverId() == 8, Duration.ofSeconds(5))).isPresent();
		assertThat(this.changes).extracting(ActiveMember::serverId).containsExactly(7L, 8L);
	}

	@Test
	void eventsOfAWatchThatEndedAreIgnoredAfterTheReadThatFollows() throws Exception {
		ScriptedEtcd etcd = compactedAfterTheFirstRead();
		RoleFollower follower = follower(etcd);
		await().atMost(Duration.ofSeconds(5)).until(() -> etcd.listeners.size() == 2);
		assertThat(follower.await((active) -> active.serverId() == 8, Duration.ofSeconds(5))).isPresent();
		// the ended watch still delivers a write of the ACTIVE key (serverId 9): too late
		etcd.listeners.get(0).onEvents(new Header(21, 1, 1, 1), List.of(new WatchEvent(false, active(9, 21))));
		// the current watch's next event shows it was not applied
		etcd.listeners.get(1).onEvents(new Header(22, 1, 1, 1), List.of(new WatchEvent(false, active(10, 22))));
		assertThat(follower.await((active) -> active.serverId() == 10, Duration.ofSeconds(5))).isPresent();
		assertThat(this.changes).extracting(ActiveMember::serverId).containsExactly(7L, 8L, 10L);
	}

	@Test
	void stoppedWhileAReadIsInFlightItStartsNoWatch() throws Exception {
		ScriptedEtcd etcd = new ScriptedEtcd();
		CompletableFuture<Range> read = new CompletableFuture<>();
		etcd.answers.add(read);
		RoleFollower follower = follower(etcd);
		await().atMost(Duration.ofSeconds(5)).until(() -> etcd.reads.get() == 1);
		follower.stop();
		read.complete(range(10, active(7, 9)));
		// the lane is serial: once a task queued after the answer has run, the answer has
		CompletableFuture<Void> drained = new CompletableFuture<>();
		this.lane.execute(() -> drained.complete(null));
		drained.get(5, TimeUnit.SECONDS);
		assertThat(etcd.watchedFrom).isEmpty();
		assertThat(this.changes).isEmpty();
	}

	@Test
	void failedReadsAreTriedAgainUntilEtcdAnswers() throws Exception {
		ScriptedEtcd etcd = new ScriptedEtcd();
		etcd.answers.add(CompletableFuture.failedFuture(new EtcdFailure(EtcdFailure.Kind.FAILED, "down")));
		etcd.answers.add(CompletableFuture.failedFuture(new EtcdFailure(EtcdFailure.Kind.NO_ANSWER, "timeout")));
		etcd.answers.add(CompletableFuture.completedFuture(range(30, active(9, 29))));
		RoleFollower follower = follower(etcd);
		assertThat(follower.await((active) -> true, Duration.ofSeconds(5))).map(ActiveMember::serverId).hasValue(9L);
		// the watch starts just after the view is published
		await().atMost(Duration.ofSeconds(5)).until(() -> !etcd.watchedFrom.isEmpty());
		assertThat(etcd.reads.get()).isEqualTo(3);
		assertThat(etcd.watchedFrom).containsExactly(31L);
	}

	private KeyValue active(long serverId, long revision) {
		String value = SessionCodec.encode(SessionInfo.of(serverId, "rootcoord", "10.0.0." + serverId + ":53100",
				"1.0.0", 0, "host", "2026-12-01T00:00:00Z"));
		return new KeyValue(this.keys.activeKey("rootcoord"), value, revision, revision, 1, 0);
	}

	private static Range range(long revision, KeyValue... keyValues) {
		return new Range(new Header(revision, 1, 1, 1), List.of(keyValues));
	}

	/**
	 * Answers reads from a script, and ends the first watch when told to.
	 */
	private static final class ScriptedEtcd implements EtcdGateway {

		final Queue<CompletableFuture<Range>> answers = new ConcurrentLinkedQueue<>();

		final AtomicInteger reads = new AtomicInteger();

		final List<Long> watchedFrom = new CopyOnWriteArrayList<>();

		final List<WatchListener> listeners = new CopyOnWriteArrayList<>();

		volatile @Nullable EtcdFailure endFirstWatch;

		@Override
		public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
			this.reads.incrementAndGet();
			CompletableFuture<Range> answer = this.answers.poll();
			return (answer != null) ? answer : new CompletableFuture<>();
		}

		@Override
		public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
			this.watchedFrom.add(fromRevision);
			this.listeners.add(listener);
			EtcdFailure end = this.endFirstWatch;
			if (end != null) {
				this.endFirstWatch = null;
				listener.onEnded(end);
			}
			return () -> {
			};
		}

		@Override
		public CompletableFuture<TxnResult> txn(Txn txn) {
			throw new AssertionError("the directory never writes");
		}

		@Override
		public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
			throw new AssertionError("the directory never writes");
		}

		@Override
		public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
			throw new AssertionError("the directory never writes");
		}

		@Override
		public CompletableFuture<Header> revoke(long leaseId) {
			throw new AssertionError("the directory never writes");
		}

	}

}
