package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.jspecify.annotations.Nullable;

/**
 * One simulated node's gRPC channel to every member of {@link SimEtcd}, as jetcd 0.8.7
 * builds it: one subchannel per endpoint (a {@link SimGateway} each, with its own
 * connection and reconnect backoff) behind grpc-java's {@code round_robin} policy,
 * jetcd's default. Every call picks the next subchannel that is connected: each unary
 * call, each retry of one, and each stream when it starts (a watch; each
 * {@code keepAliveOnce} is a stream of its own). A stream stays on its member for its
 * life, so a node's keepalives and its watches may sit on different members: one stalled,
 * or cut off from the majority, while the others serve. With no subchannel connected, the
 * call goes to the next one and fails there as a broken connection does.
 */
final class SimChannel implements EtcdGateway {

	private final List<SimGateway> members;

	private int next;

	/**
	 * A channel to every member of the cluster.
	 * @param process the node's process
	 * @param etcd the cluster
	 * @param requestTimeout the node's request timeout
	 * @param faults the network's faults, on every subchannel
	 */
	SimChannel(SimProcess process, SimEtcd etcd, Duration requestTimeout, SimFaults faults) {
		List<SimGateway> members = new ArrayList<>();
		for (int member = 0; member < etcd.members(); member++) {
			SimGateway gateway = new SimGateway(process, etcd, requestTimeout, member, faults);
			gateway.picker(this::pick);
			members.add(gateway);
		}
		this.members = List.copyOf(members);
		// grpc-java's round-robin picker starts at a random subchannel
		this.next = process.world().random().nextInt(this.members.size());
	}

	/**
	 * The subchannel of a member.
	 * @param member the member
	 * @return its connection
	 */
	SimGateway member(int member) {
		return this.members.get(member);
	}

	List<SimGateway> members() {
		return this.members;
	}

	/**
	 * The next connected subchannel, round-robin.
	 * @return the subchannel the next call goes over
	 */
	SimGateway pick() {
		int size = this.members.size();
		for (int i = 0; i < size; i++) {
			SimGateway candidate = this.members.get((this.next + i) % size);
			if (candidate.connected()) {
				this.next = (this.next + i + 1) % size;
				return candidate;
			}
		}
		SimGateway any = this.members.get(this.next);
		this.next = (this.next + 1) % size;
		return any;
	}

	/**
	 * Whether every subchannel is connected (some may still be cut off silently).
	 * @return {@code false} while one waits for gRPC's next attempt
	 */
	boolean connected() {
		return this.members.stream().allMatch(SimGateway::connected);
	}

	/**
	 * Cuts the node off from every member.
	 * @param how how the cut shows
	 */
	void cutOff(SimGateway.Cut how) {
		this.members.forEach((member) -> member.cutOff(how));
	}

	/**
	 * Ends every cut.
	 */
	void reconnect() {
		this.members.forEach(SimGateway::reconnect);
	}

	void faults(SimFaults faults) {
		this.members.forEach((member) -> member.faults(faults));
	}

	void lagWatches(long worldNanos) {
		this.members.forEach((member) -> member.lagWatches(worldNanos));
	}

	void breakWatches() {
		this.members.forEach(SimGateway::breakWatches);
	}

	int openWatches() {
		return this.members.stream().mapToInt(SimGateway::openWatches).sum();
	}

	@Override
	public CompletableFuture<Range> get(String key, @Nullable String rangeEnd) {
		return pick().get(key, rangeEnd);
	}

	@Override
	public CompletableFuture<TxnResult> txn(Txn txn) {
		return pick().txn(txn);
	}

	@Override
	public CompletableFuture<LeaseGrant> grant(long ttlSeconds) {
		return pick().grant(ttlSeconds);
	}

	@Override
	public CompletableFuture<LeaseRenewal> keepAliveOnce(long leaseId, Duration timeout) {
		return pick().keepAliveOnce(leaseId, timeout);
	}

	@Override
	public CompletableFuture<Header> revoke(long leaseId) {
		return pick().revoke(leaseId);
	}

	@Override
	public Watching watch(String key, String rangeEnd, long fromRevision, WatchListener listener) {
		return pick().watch(key, rangeEnd, fromRevision, listener);
	}

}
