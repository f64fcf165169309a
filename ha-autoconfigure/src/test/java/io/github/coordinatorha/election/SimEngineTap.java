package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * What one node's engine hears from etcd, between its {@link SimChannel} and the engine:
 * the raft terms of every answer and watch response, per cluster, and which keepalive
 * answers a correct engine takes as renewals. A correct engine takes a keepalive answer
 * unless its raft term is below one an earlier answer of that cluster carried (keepalive
 * answers included); it cannot tell a stalled leader's answer (etcd#15247) that comes
 * before any answer of the new term. So when two nodes are ACTIVE at once because a
 * deposed active's last renewal a correct engine takes came from a stalled leader's
 * lessor, that is etcd 3.4.23's bug, which the engine cannot see; any other overlap is
 * the engine's.
 */
final class SimEngineTap implements EtcdGateway {

	private final EtcdGateway etcd;

	private final SimEtcd cluster;

	private final SimWorld world;

	private final Map<Long, Long> highestRaftTerms = new HashMap<>();

	private long lastRenewalAt = Long.MIN_VALUE;

	private boolean lastRenewalStale;

	private long leaseId;

	SimEngineTap(EtcdGateway etcd, SimEtcd cluster, SimWorld world) {
		this.etcd = etcd;
		this.cluster = cluster;
		this.world = world;
	}

	/**
	 * Whether the last keepalive answer a correct engine takes as a renewal came from a
	 * stalled or cut-off leader's lessor, in the last {@code withinNanos}.
	 * @param withinNanos how recent
	 * @return {@code true} if so
	 */
	boolean renewedByStaleLessor(long withinNanos) {
		return this.lastRenewalStale && this.world.now() - this.lastRenewalAt <= withinNanos;
	}

	/**
	 * Whether a returning stalled leader revoked this node's last granted lease while the
	 * majority still kept it alive (etcd#12528), in the last {@code withinNanos}: the
	 * node's keys went behind its back, before the deadline etcd had confirmed to it.
	 * @param withinNanos how recent
	 * @return {@code true} if so
	 */
	boolean leaseRevokedAlive(long withinNanos) {
		long at = this.cluster.revokedAliveAt(this.leaseId);
		return at != Long.MIN_VALUE && this.world.now() - at <= withinNanos;
	}

	@Override
	public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
		return this.etcd.get(key, rangeEnd).thenApply((range) -> heard(range.header(), range));
	}

	@Override
	public CompletableFuture<TxnResult> txn(Txn txn) {
		return this.etcd.txn(txn).thenApply((result) -> heard(result.header(), result));
	}

	@Override
	public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
		return this.etcd.grant(ttlSeconds).thenApply((grant) -> {
			this.leaseId = grant.leaseId();
			return heard(grant.header(), grant);
		});
	}

	@Override
	public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
		return this.etcd.keepAliveOnce(leaseId, timeout).thenApply((renewal) -> {
			Header header = renewal.header();
			if (header.raftTerm() >= this.highestRaftTerms.getOrDefault(header.clusterId(), 0L)) {
				this.lastRenewalAt = this.world.now();
				this.lastRenewalStale = header.clusterId() == this.cluster.clusterId()
						&& header.raftTerm() < this.cluster.raftTerm();
			}
			return heard(header, renewal);
		});
	}

	@Override
	public CompletableFuture<Header> revoke(long leaseId) {
		return this.etcd.revoke(leaseId).thenApply((header) -> heard(header, header));
	}

	@Override
	public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
		return this.etcd.watch(key, rangeEnd, fromRevision, new WatchListener() {

			@Override
			public void onEvents(Header header, List<WatchEvent> events) {
				heard(header, header);
				listener.onEvents(header, events);
			}

			@Override
			public void onEnded(EtcdFailure failure) {
				listener.onEnded(failure);
			}

		});
	}

	private <T> T heard(Header header, T answer) {
		this.highestRaftTerms.merge(header.clusterId(), header.raftTerm(), Math::max);
		return answer;
	}

}
