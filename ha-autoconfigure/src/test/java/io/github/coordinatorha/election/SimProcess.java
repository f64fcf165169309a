package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.List;

/**
 * One simulated process (a JVM a node runs in): its machine's clock, its lanes, and what
 * can happen to a process. A paused process (a long GC, SIGSTOP, a frozen VM) runs
 * nothing: tasks and timers that come due wait, and run on resume in the order they came
 * due. A crashed process (kill -9) drops everything, for ever; a node that comes back is
 * a new process, on the same machine's clock.
 */
final class SimProcess {

	private final SimWorld world;

	private final String name;

	private final SimClock clock;

	private final List<SimWorld.Event> deferred = new ArrayList<>();

	private final List<Runnable> crashListeners = new ArrayList<>(2);

	private boolean paused;

	private boolean crashed;

	/**
	 * Creates a running process.
	 * @param world the world
	 * @param name its name in the trace, for example {@code n1}
	 * @param clock its machine's clock
	 */
	SimProcess(SimWorld world, String name, SimClock clock) {
		this.world = world;
		this.name = name;
		this.clock = clock;
	}

	SimWorld world() {
		return this.world;
	}

	String name() {
		return this.name;
	}

	SimClock clock() {
		return this.clock;
	}

	/**
	 * A new lane of this process.
	 * @param name its name, for the trace
	 * @return the lane
	 */
	SimLane lane(String name) {
		return new SimLane(this, name);
	}

	boolean paused() {
		return this.paused;
	}

	boolean crashed() {
		return this.crashed;
	}

	/**
	 * Freezes the process until {@link #resume()}.
	 */
	void pause() {
		if (!this.paused && !this.crashed) {
			this.paused = true;
			this.world.trace(this.name, "paused");
		}
	}

	/**
	 * Freezes the process for a while of world time.
	 * @param worldNanos how long
	 */
	void pauseFor(long worldNanos) {
		pause();
		this.world.schedule(worldNanos, this::resume);
	}

	/**
	 * Lets the process run again: what came due while it was paused runs now, in order.
	 */
	void resume() {
		if (!this.paused || this.crashed) {
			return;
		}
		this.paused = false;
		this.world.trace(this.name, "resumed, tasks due", this.deferred.size());
		long now = this.world.now();
		for (SimWorld.Event event : this.deferred) {
			if (!event.cancelled) {
				this.world.enqueue(event, now);
			}
		}
		this.deferred.clear();
	}

	/**
	 * Kills the process: its lanes drop every task and timer from now on, and its
	 * connections to etcd close as the operating system closes a dead process's sockets.
	 */
	void crash() {
		if (this.crashed) {
			return;
		}
		this.crashed = true;
		this.paused = false;
		this.deferred.clear();
		this.world.trace(this.name, "crashed");
		for (Runnable listener : this.crashListeners) {
			listener.run();
		}
		this.crashListeners.clear();
	}

	void onCrash(Runnable listener) {
		this.crashListeners.add(listener);
	}

	void defer(SimWorld.Event event) {
		this.deferred.add(event);
	}

	@Override
	public String toString() {
		return this.name + (this.crashed ? " (crashed)" : this.paused ? " (paused)" : "");
	}

}
