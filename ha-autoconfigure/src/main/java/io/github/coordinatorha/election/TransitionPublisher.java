package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.RoleTransitionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes one role's transition events, in order, on the role's event lane, so that a
 * slow listener (one that loads metadata, say) never holds up the election or the lease.
 * A listener that throws is logged; for a {@link BecameActiveEvent} the failure is also
 * reported so that the node can give the role up.
 */
final class TransitionPublisher {

	private static final Log logger = LogFactory.getLog(TransitionPublisher.class);

	private final ApplicationEventPublisher publisher;

	private final Lane lane;

	/**
	 * The thread publishing an event of this role now, if any.
	 */
	private volatile @Nullable Thread publishing;

	TransitionPublisher(ApplicationEventPublisher publisher, Lane lane) {
		this.publisher = publisher;
		this.lane = lane;
	}

	/**
	 * Publishes a {@link BecameActiveEvent}; reports its listeners' outcome.
	 */
	void publishActive(BecameActiveEvent event, Runnable onSuccess, Consumer<Throwable> onFailure) {
		this.lane.execute(() -> {
			try {
				publishOnThisThread(event);
			}
			catch (Throwable ex) {
				onFailure.accept(ex);
				return;
			}
			onSuccess.run();
		});
	}

	/**
	 * Publishes any other transition; a listener that throws is logged.
	 */
	void publish(RoleTransitionEvent event) {
		this.lane.execute(() -> {
			try {
				publishOnThisThread(event);
			}
			catch (Throwable ex) {
				logger.error("A listener of " + event + " failed; the election goes on", ex);
			}
		});
	}

	private void publishOnThisThread(RoleTransitionEvent event) {
		this.publishing = Thread.currentThread();
		try {
			this.publisher.publishEvent(event);
		}
		finally {
			this.publishing = null;
		}
	}

	/**
	 * Whether the calling thread is inside a listener of one of this role's events: it
	 * must not wait for anything queued behind that event.
	 */
	boolean isPublishingOnThisThread() {
		return this.publishing == Thread.currentThread();
	}

	/**
	 * Completes once every event handed over so far has been published and its listeners
	 * have returned.
	 */
	CompletableFuture<Void> published() {
		CompletableFuture<Void> published = new CompletableFuture<>();
		this.lane.execute(() -> published.complete(null));
		return published;
	}

	/**
	 * Waits until every event handed over so far has been published, within
	 * {@code timeout}. Called on the lifecycle thread at shutdown.
	 */
	void awaitPublished(Duration timeout) {
		try {
			published().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			logger.warn("Role event listeners did not finish within " + timeout.toSeconds() + "s; stopping anyway");
		}
	}

}
