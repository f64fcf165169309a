package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The threads of one node, whatever its number of roles:
 * <ul>
 * <li>{@code ha-session}: the session's lane, its lease and keepalives, on a thread of
 * its own so that nothing else can delay a keepalive;</li>
 * <li>{@code ha-election}: every role's lane and every timer; the work there never
 * blocks;</li>
 * <li>{@code ha-events-<n>}: event listeners, which may be slow (loading metadata, say),
 * one serial lane per role so each role's events stay in order; threads start when events
 * flow and end when idle, so a quiet node has none.</li>
 * </ul>
 */
final class ElectionExecutors implements Lanes {

	private static final Duration IDLE_EVENT_THREAD = Duration.ofSeconds(30);

	private final ScheduledThreadPoolExecutor election;

	private final ScheduledThreadPoolExecutor session;

	private final ExecutorService events;

	ElectionExecutors() {
		this.election = scheduler("ha-election");
		this.session = scheduler("ha-session");
		AtomicInteger eventThreads = new AtomicInteger();
		this.events = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_EVENT_THREAD.toMillis(), TimeUnit.MILLISECONDS,
				new SynchronousQueue<>(), named(() -> "ha-events-" + eventThreads.incrementAndGet()));
	}

	@Override
	public Lane session() {
		return new SerialLane("the session", this.session, this.session);
	}

	@Override
	public Lane role(String role) {
		return new SerialLane("role " + role, this.election, this.election);
	}

	@Override
	public Lane events(String role) {
		return new SerialLane("the events of role " + role, this.events, this.election);
	}

	/**
	 * Stops every thread at once; lanes drop what is still queued.
	 */
	@Override
	public void shutdown() {
		this.election.shutdownNow();
		this.session.shutdownNow();
		this.events.shutdownNow();
	}

	boolean awaitTermination(Duration timeout) throws InterruptedException {
		long deadline = System.nanoTime() + timeout.toNanos();
		for (ExecutorService executor : new ExecutorService[] { this.election, this.session, this.events }) {
			if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
				return false;
			}
		}
		return true;
	}

	private static ScheduledThreadPoolExecutor scheduler(String name) {
		ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1, named(() -> name));
		scheduler.setRemoveOnCancelPolicy(true);
		return scheduler;
	}

	private static ThreadFactory named(Supplier<String> name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name.get());
			thread.setDaemon(true);
			return thread;
		};
	}

}
