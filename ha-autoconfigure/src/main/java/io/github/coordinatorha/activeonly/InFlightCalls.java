package io.github.coordinatorha.activeonly;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import io.github.coordinatorha.election.ElectionObserver;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * Counts the {@link io.github.coordinatorha.ActiveOnly} calls running per role, so that a
 * node handing a role over (or shutting down) lets them finish before the next active can
 * start its own: a job never runs on two nodes at once across a handover. The wait has a
 * bound; no thread blocks on it.
 *
 * @since 0.1.0
 */
public class InFlightCalls implements ElectionObserver {

	private static final Log logger = LogFactory.getLog(InFlightCalls.class);

	private final Duration bound;

	private final Map<String, Calls> running = new ConcurrentHashMap<>();

	/**
	 * Creates the counter.
	 * @param bound how long a handover waits for calls in flight at the most
	 */
	public InFlightCalls(Duration bound) {
		this.bound = bound;
	}

	/**
	 * How long a handover or a graceful stop waits for calls in flight at the most.
	 */
	Duration bound() {
		return this.bound;
	}

	void enter(String role) {
		Calls calls = this.running.computeIfAbsent(role, (key) -> new Calls());
		synchronized (calls) {
			calls.count++;
		}
	}

	void exit(String role) {
		Calls calls = this.running.get(role);
		Assert.state(calls != null, () -> "No call of " + role + " entered");
		List<CompletableFuture<Void>> idle;
		synchronized (calls) {
			calls.count--;
			if (calls.count > 0) {
				return;
			}
			idle = List.copyOf(calls.waiting);
			calls.waiting.clear();
		}
		idle.forEach((waiting) -> waiting.complete(null));
	}

	@Override
	public CompletionStage<Void> releasing(String role) {
		Calls calls = this.running.get(role);
		if (calls == null) {
			return CompletableFuture.completedFuture(null);
		}
		CompletableFuture<Void> idle = new CompletableFuture<>();
		synchronized (calls) {
			if (calls.count == 0) {
				return CompletableFuture.completedFuture(null);
			}
			calls.waiting.add(idle);
		}
		return idle.completeOnTimeout(null, this.bound.toMillis(), TimeUnit.MILLISECONDS).whenComplete((done, ex) -> {
			synchronized (calls) {
				if (calls.waiting.remove(idle)) {
					logger.warn(calls.count + " @ActiveOnly call(s) of role " + role + " still run after "
							+ describe(this.bound) + "; releasing the role anyway");
				}
			}
		});
	}

	private static String describe(Duration duration) {
		return (duration.toMillisPart() == 0) ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
	}

	/**
	 * The calls of one role: how many run, and who waits for none to run.
	 */
	private static final class Calls {

		private int count;

		private final List<CompletableFuture<Void>> waiting = new ArrayList<>();

	}

}
