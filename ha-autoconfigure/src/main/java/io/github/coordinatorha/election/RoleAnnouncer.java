package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.RoleState;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

/**
 * What one role shows the world: its status (a volatile snapshot any thread may read,
 * checked against the lease deadline), the transition events, the metrics observer's
 * transitions, and the standby's periodic log line. Everything but {@link #status} runs
 * on the role's lane.
 * <p>
 * Events follow whether the node serves the role: a {@link BecameActiveEvent} when it
 * starts serving, a {@link BecameStandbyEvent} when it stops, and one of the two for the
 * first decision after startup. Moving between STANDBY and JOINING is no event.
 */
final class RoleAnnouncer {

	private static final Log logger = LogFactory.getLog(RoleAnnouncer.class);

	static final Duration STANDBY_LOG_INTERVAL = Duration.ofSeconds(10);

	private final String role;

	private final String serverName;

	private final Lane lane;

	private final TransitionPublisher publisher;

	private final Object eventSource;

	private final ElectionObserver observer;

	private final LongSupplier serverId;

	private volatile Published published;

	/**
	 * The epoch, as its key read, of this node's latest terms, for their guards: written
	 * on the lane, read on any thread.
	 */
	private final Map<Long, Epoch> termEpochs = Collections.synchronizedMap(new LinkedHashMap<>() {

		@Override
		protected boolean removeEldestEntry(Map.Entry<Long, Epoch> eldest) {
			return size() > REMEMBERED_TERMS;
		}

	});

	// Confined to the lane

	private boolean decided;

	/**
	 * A status and, while ACTIVE, the lease it rests on.
	 */
	private record Published(RoleStatus status, @Nullable SessionLease lease) {
	}

	private static final int REMEMBERED_TERMS = 16;

	RoleAnnouncer(String role, String serverName, Lane lane, TransitionPublisher publisher, Object eventSource,
			ElectionObserver observer, LongSupplier serverId) {
		this.role = role;
		this.serverName = serverName;
		this.lane = lane;
		this.publisher = publisher;
		this.eventSource = eventSource;
		this.observer = observer;
		this.serverId = serverId;
		this.published = new Published(
				new RoleStatus(role, RoleState.JOINING, TransitionReason.STARTING, 0, 0, null, null, Instant.now()),
				null);
	}

	/**
	 * The role's status now. An ACTIVE status whose lease deadline has passed reads as
	 * JOINING at once, before the session's lane has processed the loss.
	 */
	RoleStatus status() {
		Published current = this.published;
		RoleStatus status = current.status();
		if (status.isActive() && (current.lease() == null || !current.lease().isValidAt(this.lane.nanoTime()))) {
			return new RoleStatus(this.role, RoleState.JOINING, TransitionReason.SESSION_LOST, status.serverId(), 0,
					null, null, Instant.now());
		}
		return status;
	}

	/**
	 * Guards {@code term}'s writes with {@code epoch} from now on.
	 */
	void guard(long term, Epoch epoch) {
		this.termEpochs.put(FencingToken.of(this.role, epoch.value(), term).value(), epoch);
	}

	/**
	 * The epoch key's value as it was when this node won the term of {@code token}, or
	 * {@code null} for a token of no recent term of this node.
	 */
	@Nullable Epoch epochOf(FencingToken token) {
		return this.termEpochs.get(token.value());
	}

	boolean isActive() {
		Published current = this.published;
		return current.status().isActive() && current.lease() != null
				&& current.lease().isValidAt(this.lane.nanoTime());
	}

	/**
	 * Publishes a status, and its event if the node starts or stops serving.
	 * @param publish the status
	 * @param activationFailed told, on the event lane, when a {@link BecameActiveEvent}
	 * listener fails
	 */
	void publish(RoleEffect.Publish publish, Consumer<Throwable> activationFailed) {
		RoleStatus previous = this.published.status();
		boolean changed = previous.state() != publish.state();
		long serverId = (publish.lease() != null) ? publish.lease().serverId() : this.serverId.getAsLong();
		FencingToken token = (publish.state() == RoleState.ACTIVE)
				? FencingToken.of(this.role, publish.epoch().value(), publish.term()) : null;
		if (token != null) {
			this.termEpochs.put(token.value(), publish.epoch());
		}
		RoleStatus status = new RoleStatus(this.role, publish.state(), publish.reason(), serverId,
				publish.activeServerId(), publish.activeAddress(), token, changed ? Instant.now() : previous.since());
		this.published = new Published(status, publish.lease());
		if (changed) {
			this.observer.transitioned(this.role, previous.state(), status.state(), status.reason());
		}
		boolean firstDecision = !this.decided && status.state() != RoleState.JOINING;
		this.decided |= firstDecision;
		if (status.isActive() && changed) {
			long wonAt = this.lane.nanoTime();
			this.publisher.publishActive(new BecameActiveEvent(this.eventSource, status),
					() -> this.observer.activated(this.role, sinceNanos(wonAt), true), (ex) -> {
						this.observer.activated(this.role, sinceNanos(wonAt), false);
						activationFailed.accept(ex);
					});
		}
		else if (!status.isActive() && (previous.isActive() || firstDecision)) {
			this.publisher.publish(new BecameStandbyEvent(this.eventSource, status));
		}
		if (status.state() == RoleState.STANDBY && (changed
				|| (status.activeServerId() != previous.activeServerId() && status.activeServerId() != 0))) {
			logStandby();
		}
	}

	/**
	 * Whether the calling thread is inside a listener of one of this role's events.
	 */
	boolean onEventThread() {
		return this.publisher.isPublishingOnThisThread();
	}

	/**
	 * Completes once the listeners of every event published so far have returned.
	 */
	CompletableFuture<Void> published() {
		return this.publisher.published();
	}

	/**
	 * Waits, on the caller's thread and within {@code timeout}, for the events published
	 * so far.
	 */
	void awaitPublished(Duration timeout) {
		this.publisher.awaitPublished(timeout);
	}

	/**
	 * Logs the standby line Milvus operators know, every {@link #STANDBY_LOG_INTERVAL}
	 * while STANDBY.
	 */
	void start() {
		this.lane.schedule(this::logStandbyPeriodically, STANDBY_LOG_INTERVAL.toNanos());
	}

	private void logStandbyPeriodically() {
		logStandby();
		this.lane.schedule(this::logStandbyPeriodically, STANDBY_LOG_INTERVAL.toNanos());
	}

	private void logStandby() {
		RoleStatus status = status();
		if (status.state() != RoleState.STANDBY || status.reason() == TransitionReason.SHUTDOWN) {
			return;
		}
		String active = (status.activeServerId() != 0)
				? "active: serverId " + status.activeServerId() + " at " + status.activeAddress()
				: "no active node known, " + status.reason();
		logger.info("serverName: " + this.serverName + " is in STANDBY ... (" + active + ")");
	}

	private Duration sinceNanos(long start) {
		return Duration.ofNanos(this.lane.nanoTime() - start);
	}

}
