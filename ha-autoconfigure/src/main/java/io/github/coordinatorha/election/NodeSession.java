package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * This node's session: one lease shared by all its roles, kept alive on our own cadence,
 * and the server ID it registers under.
 * <p>
 * The lease deadline is ours, not jetcd's: each renewal moves it to the time the
 * keepalive was <em>sent</em> plus the granted TTL, less a safety margin, measured on
 * {@link System#nanoTime()}. etcd received the keepalive after we sent it, so the server
 * cannot expire the lease before our deadline; the node steps down at the deadline, before
 * any standby can take over. Everything here runs on one thread, {@code ha-session}.
 */
final class NodeSession {

	private static final Log logger = LogFactory.getLog(NodeSession.class);

	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

	private final Lease leases;

	private final ServerIdAllocator serverIds;

	private final Duration requestedTtl;

	private final Duration requestTimeout;

	private final LongSupplier clock;

	private final ElectionObserver observer;

	private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

	private final ScheduledExecutorService executor;

	private volatile SessionLease current;

	private volatile long validUntilNanos;

	/**
	 * How long etcd took to answer the last grant or keepalive.
	 */
	private long roundTripNanos;

	private volatile long serverId;

	private long epoch;

	private Duration retryDelay;

	private ScheduledFuture<?> nextKeepAlive;

	private ScheduledFuture<?> deadline;

	private volatile boolean stopped;

	private volatile String problem;

	NodeSession(Lease leases, ServerIdAllocator serverIds, Duration requestedTtl, Duration requestTimeout,
			ElectionObserver observer, LongSupplier clock) {
		this.observer = observer;
		this.leases = leases;
		this.serverIds = serverIds;
		this.requestedTtl = requestedTtl;
		this.requestTimeout = requestTimeout;
		this.clock = clock;
		this.retryDelay = initialRetryDelay();
		this.executor = Executors.newSingleThreadScheduledExecutor(ElectionThreads.named("ha-session"));
	}

	void addListener(SessionListener listener) {
		this.listeners.add(listener);
	}

	void start() {
		this.executor.execute(this::establish);
	}

	/**
	 * Whether {@code lease} is this node's current lease and its deadline has not passed.
	 */
	boolean isValid(SessionLease lease) {
		return lease != null && lease == this.current && this.clock.getAsLong() - this.validUntilNanos < 0;
	}

	SessionLease current() {
		return this.current;
	}

	long serverId() {
		return this.serverId;
	}

	/**
	 * Why the node has no session now, or {@code null} if it has one or has not tried.
	 */
	String problem() {
		return (this.current != null) ? null : this.problem;
	}

	private void establish() {
		if (this.stopped) {
			return;
		}
		long granted = 0;
		try {
			long sentAt = this.clock.getAsLong();
			LeaseGrantResponse grant = EtcdCalls.await(
					EtcdCalls.bounded(this.leases.grant(ceilSeconds(this.requestedTtl)), this.requestTimeout),
					this.requestTimeout);
			granted = grant.getID();
			Duration ttl = Duration.ofSeconds(grant.getTTL());
			if (ttl.compareTo(this.requestedTtl) > 0) {
				logger.info("etcd granted a session TTL of " + ttl.toSeconds() + "s, more than the "
						+ this.requestedTtl.toMillis() + "ms asked for (its minimum); using " + ttl.toSeconds() + "s");
			}
			if (this.serverId == 0) {
				this.serverId = this.serverIds.allocate();
			}
			else {
				// etcd may have been wiped since: keep the counter from handing out our ID again
				this.serverIds.reserve(this.serverId);
			}
			SessionLease lease = new SessionLease(++this.epoch, granted, this.serverId, ttl, Instant.now());
			this.problem = null;
			this.validUntilNanos = sentAt + validity(ttl);
			this.roundTripNanos = this.clock.getAsLong() - sentAt;
			this.current = lease;
			this.retryDelay = initialRetryDelay();
			logger.info("Session opened: serverId " + this.serverId + ", lease " + Long.toHexString(granted)
					+ ", TTL " + ttl.toSeconds() + "s");
			scheduleDeadline(lease);
			scheduleKeepAlive(lease, keepAliveInterval(ttl));
			this.listeners.forEach((listener) -> listener.sessionEstablished(lease));
		}
		catch (Exception ex) {
			if (granted != 0) {
				this.leases.revoke(granted);
			}
			String reason = EtcdCalls.describe(ex);
			this.problem = reason;
			logger.warn("Could not open a session in etcd (" + reason + "); retrying in " + this.retryDelay.toMillis()
					+ "ms");
			this.listeners.forEach((listener) -> listener.sessionUnavailable(reason));
			retryEstablishLater();
		}
	}

	private void retryEstablishLater() {
		if (this.stopped) {
			return;
		}
		this.executor.schedule(this::establish, this.retryDelay.toMillis(), TimeUnit.MILLISECONDS);
		Duration doubled = this.retryDelay.multipliedBy(2);
		this.retryDelay = (doubled.compareTo(MAX_RETRY_DELAY) > 0) ? MAX_RETRY_DELAY : doubled;
	}

	private void keepAlive(SessionLease lease) {
		if (lease != this.current || this.stopped) {
			return;
		}
		long sentAt = this.clock.getAsLong();
		// an answer after the deadline is of no use; one before it always is
		Duration timeout = min(this.requestTimeout, Duration.ofNanos(Math.max(1_000_000, this.validUntilNanos - sentAt)));
		EtcdCalls.bounded(this.leases.keepAliveOnce(lease.leaseId()), timeout)
			.whenCompleteAsync((response, failure) -> keepAliveAnswered(lease, sentAt, response, failure),
					this.executor);
	}

	private void keepAliveAnswered(SessionLease lease, long sentAt, LeaseKeepAliveResponse response,
			Throwable failure) {
		if (lease != this.current || this.stopped) {
			return;
		}
		if (failure == null && response.getTTL() > 0) {
			this.roundTripNanos = this.clock.getAsLong() - sentAt;
			this.observer.keepAliveConfirmed(Duration.ofNanos(this.roundTripNanos));
			long validUntil = sentAt + validity(Duration.ofSeconds(response.getTTL()));
			if (validUntil - this.validUntilNanos > 0) {
				this.validUntilNanos = validUntil;
			}
			scheduleDeadline(lease);
			scheduleKeepAlive(lease, keepAliveInterval(lease.ttl()));
		}
		else if (failure == null || EtcdCalls.isLeaseNotFound(failure)) {
			lose(lease, "etcd no longer knows lease " + Long.toHexString(lease.leaseId()));
		}
		else {
			logger.debug("Keepalive of lease " + Long.toHexString(lease.leaseId()) + " failed: "
					+ EtcdCalls.describe(failure));
			Duration retry = min(keepAliveInterval(lease.ttl()), Duration.ofMillis(500));
			scheduleKeepAlive(lease, retry);
		}
	}

	private void scheduleKeepAlive(SessionLease lease, Duration delay) {
		cancel(this.nextKeepAlive);
		// Never later than halfway to the deadline, nor later than two round trips before
		// it: a slow grant (a cold JVM, a loaded host) or a slow link can leave less than
		// one interval of validity.
		long remaining = Math.max(0, this.validUntilNanos - this.clock.getAsLong());
		long latest = Math.max(0, Math.min(remaining / 2, remaining - 2 * this.roundTripNanos));
		long delayNanos = Math.min(delay.toNanos(), latest);
		this.nextKeepAlive = this.executor.schedule(() -> keepAlive(lease), delayNanos, TimeUnit.NANOSECONDS);
	}

	private void scheduleDeadline(SessionLease lease) {
		cancel(this.deadline);
		long remaining = this.validUntilNanos - this.clock.getAsLong();
		this.deadline = this.executor.schedule(() -> checkDeadline(lease), Math.max(0, remaining),
				TimeUnit.NANOSECONDS);
	}

	private void checkDeadline(SessionLease lease) {
		if (lease != this.current || this.stopped) {
			return;
		}
		if (this.clock.getAsLong() - this.validUntilNanos >= 0) {
			lose(lease, "no keepalive was confirmed by etcd within the session TTL of " + lease.ttl().toSeconds()
					+ "s");
		}
		else {
			scheduleDeadline(lease);
		}
	}

	private void lose(SessionLease lease, String reason) {
		this.current = null;
		this.problem = reason;
		cancel(this.nextKeepAlive);
		cancel(this.deadline);
		logger.warn("Session lost (" + reason + "); every role of this node is STANDBY until a new session opens");
		// Frees our keys at once if etcd is merely slow; harmless if the lease is gone.
		EtcdCalls.bounded(this.leases.revoke(lease.leaseId()), this.requestTimeout);
		this.listeners.forEach((listener) -> listener.sessionLost(lease, reason));
		retryEstablishLater();
	}

	/**
	 * Reports that etcd answered a call made under {@code lease} with "lease not found":
	 * the session is gone, whatever the keepalive cadence has seen so far.
	 */
	void leaseNotFound(SessionLease lease) {
		try {
			this.executor.execute(() -> {
				if (lease == this.current && !this.stopped) {
					lose(lease, "etcd no longer knows lease " + Long.toHexString(lease.leaseId()));
				}
			});
		}
		catch (RejectedExecutionException ex) {
			// stopped: nothing to lose any more
		}
	}

	/**
	 * Revokes the lease, which deletes every key attached to it at once (sessions and
	 * ACTIVE keys), so standbys take over without waiting for a TTL. Called on the
	 * lifecycle thread during shutdown, after every role has stepped down.
	 */
	void stop() {
		this.stopped = true;
		SessionLease lease = this.current;
		this.current = null;
		this.executor.shutdownNow();
		if (lease != null) {
			try {
				EtcdCalls.await(EtcdCalls.bounded(this.leases.revoke(lease.leaseId()), this.requestTimeout),
						this.requestTimeout);
				logger.info("Session closed: lease " + Long.toHexString(lease.leaseId()) + " revoked");
			}
			catch (Exception ex) {
				logger.warn("Could not revoke lease " + Long.toHexString(lease.leaseId()) + " ("
						+ EtcdCalls.describe(ex) + "); etcd frees its keys when its TTL runs out");
			}
		}
	}

	boolean awaitTermination(Duration timeout) throws InterruptedException {
		return this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
	}

	private Duration initialRetryDelay() {
		return Duration.ofMillis(250);
	}

	/**
	 * How long a confirmed keepalive keeps us ACTIVE: the TTL less a margin for the
	 * step-down itself and for clock rate differences between us and etcd.
	 */
	static long validity(Duration ttl) {
		Duration margin = min(ttl.dividedBy(5), Duration.ofSeconds(1));
		return ttl.minus(margin).toNanos();
	}

	static Duration keepAliveInterval(Duration ttl) {
		return ttl.dividedBy(3);
	}

	private static long ceilSeconds(Duration duration) {
		long seconds = duration.toSeconds();
		return (duration.toNanosPart() > 0 || seconds == 0) ? seconds + 1 : seconds;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static void cancel(ScheduledFuture<?> future) {
		if (future != null) {
			future.cancel(false);
		}
	}

}
