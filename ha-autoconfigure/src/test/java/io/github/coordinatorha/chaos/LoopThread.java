package io.github.coordinatorha.chaos;

import org.springframework.context.SmartLifecycle;

/**
 * A lifecycle that runs one loop on a thread of its own from start to stop.
 */
abstract class LoopThread implements SmartLifecycle {

	private final String name;

	private volatile boolean running;

	private Thread thread;

	LoopThread(String name) {
		this.name = name;
	}

	/**
	 * The loop, which returns soon after {@link #running()} turns false.
	 */
	abstract void loop();

	final boolean running() {
		return this.running;
	}

	@Override
	public void start() {
		this.running = true;
		this.thread = new Thread(this::loop, this.name);
		this.thread.start();
	}

	@Override
	public void stop() {
		this.running = false;
		try {
			this.thread.join(5000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

}
