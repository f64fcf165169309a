package io.github.coordinatorha.election;

/**
 * A {@link Lane} of a simulated process: its tasks are events on the world's queue, run
 * one at a time in the order given (the world runs one event at a time), and its timers
 * count on the process's clock, so a fast clock fires them early in world time. While the
 * process is paused, what comes due waits; once it crashed, or the lane is closed, tasks
 * are dropped.
 */
final class SimLane implements Lane {

	private final SimProcess process;

	private final SimWorld world;

	private final String name;

	private boolean closed;

	SimLane(SimProcess process, String name) {
		this.process = process;
		this.world = process.world();
		this.name = name;
	}

	String name() {
		return this.name;
	}

	SimProcess process() {
		return this.process;
	}

	@Override
	public void execute(Runnable task) {
		if (!isDead()) {
			this.world.enqueue(new SimWorld.Event(this.world, task, this), this.world.now());
		}
	}

	@Override
	public SimWorld.Event schedule(Runnable task, long delayNanos) {
		return scheduleWorld(task, this.process.clock().worldDelay(delayNanos));
	}

	/**
	 * Runs a task on this lane after a delay of world time (a message in transit, not a
	 * timer of the process).
	 * @param task the task
	 * @param worldNanos the delay
	 * @return the event
	 */
	SimWorld.Event scheduleWorld(Runnable task, long worldNanos) {
		SimWorld.Event event = new SimWorld.Event(this.world, task, this);
		if (!isDead()) {
			this.world.enqueue(event, this.world.now() + Math.max(0, worldNanos));
		}
		return event;
	}

	@Override
	public long nanoTime() {
		return this.process.clock().nanoTime();
	}

	/**
	 * Drops every task from now on.
	 */
	void close() {
		this.closed = true;
	}

	boolean closed() {
		return this.closed;
	}

	private boolean isDead() {
		return this.closed || this.process.crashed();
	}

	void fire(SimWorld.Event event) {
		if (event.cancelled || isDead()) {
			return;
		}
		if (this.process.paused()) {
			this.process.defer(event);
			return;
		}
		event.task.run();
	}

	@Override
	public String toString() {
		return this.process.name() + "/" + this.name;
	}

}
