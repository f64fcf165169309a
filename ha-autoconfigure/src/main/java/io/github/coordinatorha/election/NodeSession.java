package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.github.coordinatorha.election.EtcdGateway.LeaseGrant;
import io.github.coordinatorha.election.EtcdGateway.LeaseRenewal;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * This node's session: one lease shared by all its roles, kept alive on our own cadence,
 * and the server ID it registers under. Everything here runs on the session's
 * {@link Lane}; etcd's answers come back to it, so nothing blocks.
 * <p>
 * Each {@link SessionLease} carries its own deadline: the send time of the last keepalive
 * etcd confirmed plus the granted TTL, less a safety margin. etcd received the keepalive
 * after we sent it, so the server cannot expire the lease before our deadline; the node
 * steps down at the deadline, before any standby can take over.
 */
final class NodeSession implements SessionEvents {

	private static final Log logger = LogFactory.getLog(NodeSession.class);

	private static final Duration FIRST_RETRY_DELAY = Duration.ofMillis(250);

	private static final Duration MAX_RETRY_DELAY = Duration.ofSeconds(5);

	private static final Duration FAILED_KEEPALIVE_RETRY = Duration.ofMillis(500);

	private final EtcdGateway etcd;

	private final ServerIdAllocator serverIds;

	private final Duration requestedTtl;

	private final Duration requestTimeout;

	private final ElectionObserver observer;

	private final Lane lane;

	private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

	private final List<Supplier<CompletableFuture<Void>>> probes = new CopyOnWriteArrayList<>();

	private volatile @Nullable SessionLease current;

	private volatile long serverId;

	private volatile @Nullable String problem;

	private volatile boolean stopped;

	// Confined to the lane

	private long epoch;

	/**
	 * How long etcd took to answer the last grant or keepalive.
	 */
	private long roundTripNanos;

	private Duration retryDelay = FIRST_RETRY_DELAY;

	private Lane.@Nullable Timer nextKeepAlive;

	private Lane.@Nullable Timer deadline;

	/**
	 * A lease granted so slowly that it is renewed before the session opens on it.
	 */
	private @Nullable SessionLease unannounced;

	/**
	 * Why the last keepalive failed, or {@code null} if it did not.
	 */
	private @Nullable String keepAliveProblem;

	/**
	 * Whether a keepalive waits for the roles' lanes to prove they are alive.
	 */
	private boolean probing;

	NodeSession(EtcdGateway etcd, ServerIdAllocator serverIds, Duration requestedTtl, Duration requestTimeout,
			ElectionObserver observer, Lane lane) {
		this.etcd = etcd;
		this.serverIds = serverIds;
		this.requestedTtl = requestedTtl;
		this.requestTimeout = requestTimeout;
		this.observer = observer;
		this.lane = lane;
	}

	void addListener(SessionListener listener) {
		this.listeners.add(listener);
	}

	/**
	 * Adds a probe of a role's liveness: a keepalive goes out only once every probe has
	 * completed, so a node whose role election is stuck (its thread blocked, say) stops
	 * renewing its lease and its roles go to another node within a TTL, rather than being
	 * held, unserved, for as long as the session lives.
	 */
	void addProbe(Supplier<CompletableFuture<Void>> probe) {
		this.probes.add(probe);
	}

	void start() {
		this.lane.execute(this::establish);
	}

	@Nullable SessionLease current() {
		return this.current;
	}

	/**
	 * The server ID of the current or last session, {@code 0} before the first.
	 */
	long serverId() {
		return this.serverId;
	}

	/**
	 * Why the node has no session now, or {@code null} if it has one or has not tried.
	 */
	@Nullable String problem() {
		return (this.current != null) ? null : this.problem;
	}

	/**
	 * Reports that etcd answered a call made under {@code lease} with "lease not found":
	 * the session is gone, whatever the keepalive cadence has seen so far.
	 */
	@Override
	public void leaseNotFound(SessionLease lease) {
		this.lane.execute(() -> {
			if (lease == this.current && !this.stopped) {
				lose(lease, "etcd no longer knows lease " + Long.toHexString(lease.leaseId()));
			}
		});
	}

	/**
	 * Reports that another live process holds this node's session key: its server ID is
	 * in use twice (an etcd wiped, or restored from a backup, handed it out again). The
	 * node gives the session up and opens a new one, with a new server ID.
	 */
	@Override
	public void identityTaken(SessionLease lease, long otherLease) {
		this.lane.execute(() -> {
			if (lease == this.current && !this.stopped) {
				lose(lease, "server ID " + lease.serverId() + " is in use by another node too (lease "
						+ Long.toHexString(otherLease) + "); this node opens a new session with a new server ID");
			}
		});
	}

	/**
	 * Ends the session and revokes its lease, which deletes every key attached to it at
	 * once (sessions and ACTIVE keys), so standbys take over without waiting for a TTL.
	 * @return completes when etcd has answered the revoke, or could not
	 */
	CompletableFuture<Void> stop() {
		CompletableFuture<Void> closed = new CompletableFuture<>();
		this.stopped = true;
		this.lane.execute(() -> {
			SessionLease lease = this.current;
			this.current = null;
			cancelTimers();
			if (lease == null) {
				closed.complete(null);
				return;
			}
			lease.end();
			this.etcd.revoke(lease.leaseId()).whenComplete((header, failure) -> {
				if (failure == null) {
					logger.info("Session closed: lease " + Long.toHexString(lease.leaseId()) + " revoked");
				}
				else {
					logger.warn("Could not revoke lease " + Long.toHexString(lease.leaseId()) + " ("
							+ EtcdFailure.of(failure).getMessage() + "); etcd frees its keys when its TTL runs out");
				}
				closed.complete(null);
			});
		});
		return closed;
	}

	// Opening a session

	private void establish() {
		if (this.stopped) {
			return;
		}
		// The server ID first: the lease's deadline starts when the grant is sent, so
		// nothing
		// slow may come between the grant and the first keepalive.
		long[] sentAt = new long[1];
		long[] granted = new long[1];
		serverIdFor().thenComposeAsync((serverId) -> {
			sentAt[0] = this.lane.nanoTime();
			return this.etcd.grant(ceilSeconds(this.requestedTtl)).thenApply((grant) -> {
				granted[0] = grant.leaseId();
				return new Opening(grant, serverId);
			});
		}, this.lane).whenCompleteAsync((opening, failure) -> {
			if (failure == null) {
				opened(opening, sentAt[0]);
			}
			else {
				notOpened(granted[0], EtcdFailure.of(failure));
			}
		}, this.lane);
	}

	private CompletableFuture<Long> serverIdFor() {
		// A new server ID for every session, as a Milvus process that lost its session
		// comes back with one: an ID never outlives its lease, so an etcd that was wiped
		// or
		// restored cannot hand this node's ID to another while this node still uses it.
		return this.serverIds.allocate();
	}

	private void opened(Opening opening, long sentAt) {
		LeaseGrant grant = opening.grant();
		if (this.stopped) {
			this.etcd.revoke(grant.leaseId());
			return;
		}
		Duration ttl = Duration.ofSeconds(grant.ttlSeconds());
		if (ttl.compareTo(this.requestedTtl) > 0) {
			logger.info("etcd granted a session TTL of " + ttl.toSeconds() + "s, more than the "
					+ describe(this.requestedTtl) + " asked for (its minimum); using " + ttl.toSeconds() + "s");
		}
		long now = this.lane.nanoTime();
		this.serverId = opening.serverId();
		this.roundTripNanos = now - sentAt;
		SessionLease lease = new SessionLease(++this.epoch, grant.leaseId(), opening.serverId(), ttl, Instant.now(),
				sentAt + validity(ttl));
		this.problem = null;
		this.current = lease;
		if (!lease.isValidAt(now)) {
			// The grant took longer than the lease is surely valid (a cold JVM, a loaded
			// host): renew it before anyone rests on it.
			logger.debug("etcd took " + describe(Duration.ofNanos(this.roundTripNanos))
					+ " to grant the lease; renewing it before the session opens");
			this.unannounced = lease;
			keepAlive(lease);
			return;
		}
		announce(lease);
	}

	private void announce(SessionLease lease) {
		this.unannounced = null;
		this.retryDelay = FIRST_RETRY_DELAY;
		if (this.epoch == 1) {
			this.etcd.serverVersion().thenAccept((version) -> {
				String warning = ServerVersions.warning(version);
				if (warning != null) {
					logger.warn(warning);
				}
			});
		}
		logger.info("Session opened: serverId " + lease.serverId() + ", lease " + Long.toHexString(lease.leaseId())
				+ ", TTL " + lease.ttl().toSeconds() + "s");
		scheduleDeadline(lease);
		scheduleKeepAlive(lease, keepAliveInterval(lease.ttl()));
		this.listeners.forEach((listener) -> listener.sessionEstablished(lease));
	}

	private void notOpened(long grantedLease, EtcdFailure failure) {
		if (grantedLease != 0) {
			this.etcd.revoke(grantedLease);
		}
		if (this.stopped) {
			return;
		}
		String reason = failure.getMessage();
		String message = "Could not open a session in etcd (" + reason + "); retrying in " + describe(this.retryDelay);
		// One WARN per change of the reason; the retries that follow are DEBUG.
		if (Objects.equals(reason, this.problem)) {
			logger.debug(message);
		}
		else {
			logger.warn(message);
		}
		this.problem = reason;
		this.listeners.forEach((listener) -> listener.sessionUnavailable(reason));
		this.lane.schedule(this::establish, this.retryDelay.toNanos());
		// Doubled up to 5s, or the TTL if shorter: a node recovers within about a TTL of
		// a fault's end.
		this.retryDelay = min(this.retryDelay.multipliedBy(2), min(MAX_RETRY_DELAY, this.requestedTtl));
	}

	private record Opening(LeaseGrant grant, long serverId) {
	}

	// Keeping it alive

	private void keepAlive(SessionLease lease) {
		if (lease != this.current) {
			return;
		}
		if (this.probes.isEmpty()) {
			renew(lease);
			return;
		}
		this.probing = true;
		CompletableFuture.allOf(this.probes.stream().map(Supplier::get).toArray(CompletableFuture[]::new))
			.whenCompleteAsync((alive, failure) -> {
				this.probing = false;
				renew(lease);
			}, this.lane);
	}

	private void renew(SessionLease lease) {
		if (lease != this.current) {
			return;
		}
		long sentAt = this.lane.nanoTime();
		// An answer after the deadline is of no use; one before it always is. A lease not
		// yet announced has no deadline left: its renewal has a validity of its own.
		long left = (lease == this.unannounced) ? validity(lease.ttl()) : lease.validUntil() - sentAt;
		Duration timeout = min(this.requestTimeout, Duration.ofNanos(Math.max(1_000_000, left)));
		this.etcd.keepAliveOnce(lease.leaseId(), timeout)
			.whenCompleteAsync((renewal, failure) -> keepAliveAnswered(lease, sentAt, renewal, failure), this.lane);
	}

	private void keepAliveAnswered(SessionLease lease, long sentAt, @Nullable LeaseRenewal renewal,
			@Nullable Throwable failure) {
		if (lease != this.current) {
			return;
		}
		if (renewal != null && renewal.ttlSeconds() > 0) {
			this.keepAliveProblem = null;
			this.roundTripNanos = this.lane.nanoTime() - sentAt;
			this.observer.keepAliveConfirmed(Duration.ofNanos(this.roundTripNanos));
			lease.extendTo(sentAt + validity(Duration.ofSeconds(renewal.ttlSeconds())));
			if (lease == this.unannounced) {
				if (lease.isValidAt(this.lane.nanoTime())) {
					announce(lease);
				}
				else {
					lose(lease, "etcd answers too slowly to keep a lease of " + lease.ttl().toSeconds() + "s alive");
				}
				return;
			}
			scheduleDeadline(lease);
			scheduleKeepAlive(lease, keepAliveInterval(lease.ttl()));
		}
		else if (renewal != null || EtcdFailure.of(failure).is(EtcdFailure.Kind.LEASE_NOT_FOUND)) {
			lose(lease, "etcd no longer knows lease " + Long.toHexString(lease.leaseId()));
		}
		else if (lease == this.unannounced) {
			lose(lease, EtcdFailure.of(failure).getMessage());
		}
		else {
			String problem = EtcdFailure.of(failure).getMessage();
			String message = "Keepalive of lease " + Long.toHexString(lease.leaseId()) + " failed (" + problem
					+ "); retrying before the session's deadline";
			// One WARN per change of the reason; the retries that repeat it are DEBUG.
			if (Objects.equals(problem, this.keepAliveProblem)) {
				logger.debug(message);
			}
			else {
				logger.warn(message);
			}
			this.keepAliveProblem = problem;
			// A refused call fails at once: retry soon, but never in a loop without a
			// delay.
			cancel(this.nextKeepAlive);
			this.nextKeepAlive = this.lane.schedule(() -> keepAlive(lease),
					min(keepAliveInterval(lease.ttl()), FAILED_KEEPALIVE_RETRY).toNanos());
		}
	}

	private void scheduleKeepAlive(SessionLease lease, Duration delay) {
		cancel(this.nextKeepAlive);
		// Never later than halfway to the deadline, nor later than two round trips before
		// it: a slow grant (a cold JVM, a loaded host) or a slow link can leave less than
		// one interval of validity. Each keepalive waits for its answer, so even at once
		// they go no faster than etcd answers.
		long remaining = Math.max(0, lease.validUntil() - this.lane.nanoTime());
		long latest = Math.max(0, Math.min(remaining / 2, remaining - 2 * this.roundTripNanos));
		this.nextKeepAlive = this.lane.schedule(() -> keepAlive(lease), Math.min(delay.toNanos(), latest));
	}

	private void scheduleDeadline(SessionLease lease) {
		cancel(this.deadline);
		this.deadline = this.lane.schedule(() -> checkDeadline(lease),
				Math.max(0, lease.validUntil() - this.lane.nanoTime()));
	}

	private void checkDeadline(SessionLease lease) {
		if (lease != this.current) {
			return;
		}
		if (!lease.isValidAt(this.lane.nanoTime())) {
			lose(lease, this.probing ? "a role's election has not run for the session TTL of " + lease.ttl().toSeconds()
					+ "s (its"
					+ " thread may be stuck), so this node stopped renewing its lease: its roles go to another node"
					: "no keepalive was confirmed by etcd within the session TTL of " + lease.ttl().toSeconds() + "s");
		}
		else {
			scheduleDeadline(lease);
		}
	}

	private void lose(SessionLease lease, String reason) {
		this.current = null;
		lease.end();
		cancelTimers();
		if (lease == this.unannounced) {
			this.unannounced = null;
			this.etcd.revoke(lease.leaseId());
			notOpened(0, new EtcdFailure(EtcdFailure.Kind.FAILED, reason));
			return;
		}
		this.problem = reason;
		logger.warn("Session lost (" + reason + "); every role of this node is JOINING until a new session opens");
		// Frees our keys at once if etcd is merely slow; harmless if the lease is gone.
		this.etcd.revoke(lease.leaseId());
		this.listeners.forEach((listener) -> listener.sessionLost(lease, reason));
		this.lane.schedule(this::establish, this.retryDelay.toNanos());
	}

	private void cancelTimers() {
		cancel(this.nextKeepAlive);
		cancel(this.deadline);
		this.nextKeepAlive = null;
		this.deadline = null;
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

	/**
	 * A duration as users write it: {@code 250ms}, {@code 5s}.
	 */
	static String describe(Duration duration) {
		return (duration.toMillisPart() == 0 && duration.toSeconds() > 0) ? duration.toSeconds() + "s"
				: duration.toMillis() + "ms";
	}

	private static long ceilSeconds(Duration duration) {
		long seconds = duration.toSeconds();
		return (duration.toNanosPart() > 0 || seconds == 0) ? seconds + 1 : seconds;
	}

	private static Duration min(Duration a, Duration b) {
		return (a.compareTo(b) <= 0) ? a : b;
	}

	private static void cancel(Lane.@Nullable Timer timer) {
		if (timer != null) {
			timer.cancel();
		}
	}

}
