package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * An {@link EtcdGateway} that shows every answer's header to the node's
 * {@link EtcdHistory} before passing it on: reads and transactions as linearizable
 * answers, keepalives and watch responses for their raft term, keepalives and watch
 * events for the revisions the history has reached.
 */
final class HistoryGateway implements EtcdGateway {

	private final EtcdGateway etcd;

	private final EtcdHistory history;

	HistoryGateway(EtcdGateway etcd, EtcdHistory history) {
		this.etcd = etcd;
		this.history = history;
	}

	@Override
	public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
		long floor = this.history.floor();
		return this.etcd.get(key, rangeEnd).thenApply((range) -> {
			this.history.linearizable(range.header(), floor);
			return range;
		});
	}

	@Override
	public CompletableFuture<TxnResult> txn(Txn txn) {
		long floor = this.history.floor();
		return this.etcd.txn(txn).thenApply((result) -> {
			this.history.linearizable(result.header(), floor);
			this.history.committed(result.header());
			return result;
		});
	}

	@Override
	public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
		return this.etcd.grant(ttlSeconds).thenApply((grant) -> {
			this.history.committed(grant.header());
			return grant;
		});
	}

	/**
	 * Renews a lease; an answer from a member whose raft term is below one already seen
	 * proves nothing and fails as {@link EtcdFailure.Kind#FAILED}.
	 */
	@Override
	public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
		return this.etcd.keepAliveOnce(leaseId, timeout).thenApply((renewal) -> {
			if (!this.history.isCurrent(renewal.header())) {
				throw new EtcdFailure(EtcdFailure.Kind.FAILED, "a keepalive answer came from a member in raft term "
						+ renewal.header().raftTerm() + ", below term "
						+ this.history.highestRaftTerm(renewal.header().clusterId())
						+ " already seen: that member no longer leads (etcd#15247), so the answer proves nothing");
			}
			// a keepalive answered in a newer term makes every older one stale too
			this.history.raftTerm(renewal.header());
			// a node at rest makes no read: its keepalives show it how far the history
			// went
			this.history.reached(renewal.header().revision());
			return renewal;
		});
	}

	@Override
	public CompletableFuture<Header> revoke(long leaseId) {
		return this.etcd.revoke(leaseId);
	}

	@Override
	public CompletableFuture<@Nullable String> serverVersion() {
		return this.etcd.serverVersion();
	}

	@Override
	public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
		return this.etcd.watch(key, rangeEnd, fromRevision, new WatchListener() {

			@Override
			public void onEvents(Header header, List<WatchEvent> events) {
				HistoryGateway.this.history.raftTerm(header);
				// a term handed over by a transfer reaches this node through a watch only
				events.forEach((event) -> HistoryGateway.this.history.reached(event.keyValue().modRevision()));
				listener.onEvents(header, events);
			}

			@Override
			public void onEnded(EtcdFailure failure) {
				listener.onEnded(failure);
			}

		});
	}

}
