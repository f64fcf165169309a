package io.github.coordinatorha.election;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * A {@link Lane} on shared threads: its tasks run one at a time, in order, on whichever
 * thread of {@code executor} is free, so many lanes cost no more threads than the
 * executor has. Timers come from {@code timers} and hand their task back to the lane.
 */
final class SerialLane implements Lane {

	private static final Log logger = LogFactory.getLog(SerialLane.class);

	private final String name;

	private final Executor executor;

	private final ScheduledExecutorService timers;

	private final Queue<Runnable> tasks = new ArrayDeque<>();

	private boolean running;

	private boolean closed;

	SerialLane(String name, Executor executor, ScheduledExecutorService timers) {
		this.name = name;
		this.executor = executor;
		this.timers = timers;
	}

	@Override
	public void execute(Runnable task) {
		synchronized (this.tasks) {
			if (this.closed) {
				return;
			}
			this.tasks.add(task);
			if (this.running) {
				return;
			}
			this.running = true;
		}
		try {
			this.executor.execute(this::drain);
		}
		catch (RejectedExecutionException ex) {
			synchronized (this.tasks) {
				this.tasks.clear();
				this.running = false;
			}
		}
	}

	@Override
	public Timer schedule(Runnable task, long delayNanos) {
		try {
			ScheduledFuture<?> future = this.timers.schedule(() -> execute(task), Math.max(0, delayNanos),
					TimeUnit.NANOSECONDS);
			return () -> future.cancel(false);
		}
		catch (RejectedExecutionException ex) {
			return () -> {
			};
		}
	}

	@Override
	public long nanoTime() {
		return System.nanoTime();
	}

	/**
	 * Drops the tasks still queued and every later one.
	 */
	void close() {
		synchronized (this.tasks) {
			this.closed = true;
			this.tasks.clear();
		}
	}

	private void drain() {
		while (true) {
			Runnable task;
			synchronized (this.tasks) {
				task = this.tasks.poll();
				if (task == null) {
					this.running = false;
					return;
				}
			}
			try {
				task.run();
			}
			catch (RuntimeException | Error ex) {
				logger.error("A task of " + this.name + " failed", ex);
			}
		}
	}

	@Override
	public String toString() {
		return this.name;
	}

}
