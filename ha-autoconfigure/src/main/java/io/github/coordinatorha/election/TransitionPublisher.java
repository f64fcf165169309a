package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.RoleTransitionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * Publishes one role's transition events, in order, on the role's own event thread
 * ({@code ha-events-<role>}), so that a slow listener (one that loads metadata, say)
 * never holds up the election or the lease. A listener that throws is logged; for a
 * {@link BecameActiveEvent} the failure is also reported so that the node can give the
 * role up.
 */
final class TransitionPublisher {

	private static final Log logger = LogFactory.getLog(TransitionPublisher.class);

	private final ApplicationEventPublisher publisher;

	private final ExecutorService executor;

	TransitionPublisher(ApplicationEventPublisher publisher, String role) {
		this.publisher = publisher;
		// One thread keeps the role's events in order; it ends when idle, so quiet roles cost nothing.
		ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				ElectionThreads.named("ha-events-" + role));
		executor.allowCoreThreadTimeOut(true);
		this.executor = executor;
	}

	/**
	 * Publishes a {@link BecameActiveEvent}; reports its listeners' outcome.
	 */
	void publishActive(BecameActiveEvent event, Runnable onSuccess, Consumer<Throwable> onFailure) {
		submit(event, () -> {
			try {
				this.publisher.publishEvent(event);
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
		submit(event, () -> {
			try {
				this.publisher.publishEvent(event);
			}
			catch (Throwable ex) {
				logger.error("A listener of " + event + " failed; the election goes on", ex);
			}
		});
	}

	private void submit(RoleTransitionEvent event, Runnable publication) {
		try {
			this.executor.execute(publication);
		}
		catch (RejectedExecutionException ex) {
			logger.debug("Not publishing " + event + ": the node has stopped");
		}
	}

	/**
	 * Waits until every event handed over so far has been published, then stops.
	 */
	void close(Duration timeout) {
		this.executor.shutdown();
		try {
			if (!this.executor.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				logger.warn("Role event listeners did not finish within " + timeout + "; interrupting them");
				this.executor.shutdownNow();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.executor.shutdownNow();
		}
	}

}
