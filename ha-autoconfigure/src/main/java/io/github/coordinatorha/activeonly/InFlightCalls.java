package io.github.coordinatorha.activeonly;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.coordinatorha.election.ElectionObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Counts the {@link io.github.coordinatorha.ActiveOnly} calls running per role, so that a
 * node handing a role over (or shutting down) lets them finish before the next active
 * can start its own: a job never runs on two nodes at once across a handover.
 *
 * @since 0.1.0
 */
public class InFlightCalls implements ElectionObserver {

	private static final Log logger = LogFactory.getLog(InFlightCalls.class);

	private final Duration bound;

	private final Map<String, int[]> running = new ConcurrentHashMap<>();

	/**
	 * Creates the counter.
	 * @param bound how long a handover waits for calls in flight at the most
	 */
	public InFlightCalls(Duration bound) {
		this.bound = bound;
	}

	void enter(String role) {
		int[] count = this.running.computeIfAbsent(role, (key) -> new int[1]);
		synchronized (count) {
			count[0]++;
		}
	}

	void exit(String role) {
		int[] count = this.running.get(role);
		synchronized (count) {
			count[0]--;
			count.notifyAll();
		}
	}

	@Override
	public void releasing(String role) {
		int[] count = this.running.get(role);
		if (count == null) {
			return;
		}
		long deadline = System.nanoTime() + this.bound.toNanos();
		synchronized (count) {
			while (count[0] > 0) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					logger.warn(count[0] + " @ActiveOnly call(s) of role " + role + " still run after "
							+ this.bound.toMillis() + " ms; releasing the role anyway");
					return;
				}
				try {
					count.wait(Math.max(1, remaining / 1_000_000));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return;
				}
			}
		}
	}

}
