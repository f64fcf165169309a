package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;

/**
 * One incarnation of this node's session: the lease etcd granted, the server ID the node
 * registers under, and the lease's own deadline on the node's monotonic clock. A new
 * lease after a loss is a new object with a deadline of its own, so nothing that rests on
 * an old lease (a published ACTIVE state, say) can be revived by renewals of a new one.
 * <p>
 * The deadline is the send time of the last keepalive etcd confirmed plus the TTL it
 * granted, less a margin: etcd received the keepalive after it was sent, so it cannot
 * have expired the lease before the deadline. Only the session's lane moves it; any
 * thread may ask whether it has passed.
 */
final class SessionLease {

	private final long epoch;

	private final long leaseId;

	private final long serverId;

	private final Duration ttl;

	private final Instant openedAt;

	private volatile long validUntil;

	private volatile boolean ended;

	SessionLease(long epoch, long leaseId, long serverId, Duration ttl, Instant openedAt, long validUntil) {
		this.epoch = epoch;
		this.leaseId = leaseId;
		this.serverId = serverId;
		this.ttl = ttl;
		this.openedAt = openedAt;
		this.validUntil = validUntil;
	}

	/**
	 * Counts the leases this node has held, from 1.
	 */
	long epoch() {
		return this.epoch;
	}

	long leaseId() {
		return this.leaseId;
	}

	long serverId() {
		return this.serverId;
	}

	/**
	 * The TTL etcd granted, which may exceed the one asked for.
	 */
	Duration ttl() {
		return this.ttl;
	}

	/**
	 * When the lease was granted, on the wall clock, for operators.
	 */
	Instant openedAt() {
		return this.openedAt;
	}

	/**
	 * The deadline on the node's monotonic clock.
	 */
	long validUntil() {
		return this.validUntil;
	}

	/**
	 * Whether the lease can be proven alive at {@code now}: not ended, and its deadline
	 * not passed.
	 * @param now a reading of the node's monotonic clock
	 */
	boolean isValidAt(long now) {
		return !this.ended && now - this.validUntil < 0;
	}

	/**
	 * Moves the deadline to {@code until}, if that is later. On the session's lane only.
	 */
	void extendTo(long until) {
		if (until - this.validUntil > 0) {
			this.validUntil = until;
		}
	}

	/**
	 * Ends the lease for good: lost, revoked or given up. On the session's lane only.
	 */
	void end() {
		this.ended = true;
	}

	@Override
	public String toString() {
		return "lease " + Long.toHexString(this.leaseId) + " (serverId " + this.serverId + ", epoch " + this.epoch
				+ ")";
	}

}
