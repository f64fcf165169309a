package io.github.coordinatorha.election;

import java.util.concurrent.Executor;

/**
 * Where one part of the engine runs (a role's election, the session): its tasks one at a
 * time and in the order given, never two at once, with timers that run on the same lane
 * and the node's monotonic clock. Code confined to a lane needs no locks. In production,
 * lanes share a small pool of threads ({@link ElectionExecutors}); in the tests'
 * simulation they run on simulated time.
 */
interface Lane extends Executor {

	/**
	 * Queues a task. After the lane is closed, tasks are dropped.
	 * @param task the task
	 */
	@Override
	void execute(Runnable task);

	/**
	 * Runs a task on this lane once {@code delayNanos} have passed on the node's clock.
	 * @param task the task
	 * @param delayNanos the delay, at least {@code 0}
	 * @return the timer, to cancel
	 */
	Timer schedule(Runnable task, long delayNanos);

	/**
	 * The node's monotonic clock, as {@link System#nanoTime()}: only differences mean
	 * anything. Any thread may read it.
	 * @return now, in nanoseconds
	 */
	long nanoTime();

	/**
	 * A scheduled task.
	 */
	interface Timer {

		/**
		 * Cancels the task if it has not started.
		 */
		void cancel();

	}

}
