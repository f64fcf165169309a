package io.github.coordinatorha.benchmark;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Bounded waits for conditions the benchmark does not time (a timed event carries its own
 * timestamp).
 */
final class Waits {

	private Waits() {
	}

	static void until(Duration timeout, String what, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() > deadline) {
				throw new IllegalStateException("Waited " + timeout + " for " + what);
			}
			pause(Duration.ofMillis(10));
		}
	}

	/**
	 * Sleeps for a measurement window or a settling time, never to wait for a condition.
	 * @param duration how long
	 */
	static void pause(Duration duration) {
		try {
			Thread.sleep(duration.toMillis());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

}
