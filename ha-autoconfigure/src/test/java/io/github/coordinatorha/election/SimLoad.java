package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.List;

import io.github.coordinatorha.election.EtcdGateway.Compare;
import io.github.coordinatorha.election.EtcdGateway.Operation;
import io.github.coordinatorha.election.EtcdGateway.Txn;

/**
 * A toy etcd client for the world's own tests and {@link SimSpeedCheck}, shaped like a
 * node's traffic (a lease kept alive three times per TTL, a watched range, a claim every
 * few seconds, every answer handled on its lane): load, not the election engine.
 */
final class SimLoad implements EtcdGateway.WatchListener {

	private static final long SECOND = 1_000_000_000L;

	private final SimWorld world;

	private final SimGateway gateway;

	private final SimLane lane;

	private final String prefix;

	private final String key;

	private final String name;

	private long leaseId;

	private long ttlSeconds;

	private long events;

	SimLoad(SimWorld world, SimGateway gateway, SimLane lane, String prefix) {
		this.world = world;
		this.gateway = gateway;
		this.lane = lane;
		this.prefix = prefix;
		this.key = prefix + "active";
		this.name = lane.toString();
	}

	long events() {
		return this.events;
	}

	void start() {
		this.lane.execute(this::grant);
		this.lane.execute(this::read);
		this.lane.schedule(this::claim, SECOND);
	}

	private void grant() {
		this.gateway.grant(2).whenCompleteAsync((grant, failure) -> {
			if (failure != null) {
				this.lane.schedule(this::grant, SECOND / 2);
				return;
			}
			this.leaseId = grant.leaseId();
			this.ttlSeconds = grant.ttlSeconds();
			this.world.trace(this.name, "lease", this.leaseId);
			this.lane.schedule(this::keepAlive, this.ttlSeconds * SECOND / 3);
		}, this.lane);
	}

	private void keepAlive() {
		long lease = this.leaseId;
		this.gateway.keepAliveOnce(lease, Duration.ofMillis(this.ttlSeconds * 1000 / 3))
			.whenCompleteAsync((renewal, failure) -> {
				if (lease != this.leaseId) {
					return;
				}
				if (failure != null && EtcdFailure.of(failure).is(EtcdFailure.Kind.LEASE_NOT_FOUND)) {
					this.world.trace(this.name, "lease lost", lease);
					this.leaseId = 0;
					grant();
					return;
				}
				this.lane.schedule(this::keepAlive, this.ttlSeconds * SECOND / 3);
			}, this.lane);
	}

	private void read() {
		this.gateway.get(this.prefix, SimLoad.rangeEnd(this.prefix)).whenCompleteAsync((range, failure) -> {
			if (failure != null) {
				this.lane.schedule(this::read, SECOND / 5);
				return;
			}
			this.gateway.watch(this.prefix, SimLoad.rangeEnd(this.prefix), range.header().revision() + 1, this);
		}, this.lane);
	}

	private void claim() {
		if (this.leaseId != 0) {
			Txn claim = new Txn(List.of(Compare.createRevision(this.key, Compare.Operator.EQUAL, 0)),
					List.of(new Operation.Put(this.key, this.name, this.leaseId)),
					List.of(new Operation.Get(this.key)));
			this.gateway.txn(claim).whenCompleteAsync((result, failure) -> {
				if (result != null && result.succeeded()) {
					this.world.trace(this.name, "claimed at", result.header().revision());
				}
			}, this.lane);
		}
		this.lane.schedule(this::claim, 5 * SECOND);
	}

	@Override
	public void onEvents(EtcdGateway.Header header, List<EtcdGateway.WatchEvent> events) {
		this.lane.execute(() -> this.events += events.size());
	}

	@Override
	public void onEnded(EtcdFailure failure) {
		this.lane.execute(() -> {
			this.world.trace(this.name, "watch ended", failure.kind());
			this.lane.schedule(this::read, SECOND / 5);
		});
	}

	static String rangeEnd(String prefix) {
		return prefix.substring(0, prefix.length() - 1) + (char) (prefix.charAt(prefix.length() - 1) + 1);
	}

}
