package io.github.coordinatorha.election;

import java.util.concurrent.ThreadFactory;

/**
 * Names the starter's threads so that a thread dump shows who runs what.
 */
final class ElectionThreads {

	private ElectionThreads() {
	}

	static ThreadFactory named(String name) {
		return (runnable) -> {
			Thread thread = new Thread(runnable, name);
			thread.setDaemon(true);
			return thread;
		};
	}

}
