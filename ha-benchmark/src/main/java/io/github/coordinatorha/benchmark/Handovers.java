package io.github.coordinatorha.benchmark;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.Map;

import io.github.coordinatorha.benchmark.Candidate.Stop;

/**
 * The one measurement loop every contender goes through. A group of candidates starts
 * oldest first; each standby is waited for until it is ready (as its contender tells it)
 * and then given the same settling time. Each cycle takes {@link System#nanoTime()},
 * stops the active (SIGTERM or SIGKILL, through {@link java.lang.Process}), and ends at
 * the arrival of the line the next candidate prints once it leads; a new candidate then
 * joins at the back, so the group keeps its size.
 */
final class Handovers {

	static final Duration WAIT = Duration.ofSeconds(90);

	private static final Duration REQUESTS_WINDOW = Duration.ofMillis(200);

	private final Duration settle;

	Handovers(Duration settle) {
		this.settle = settle;
	}

	Duration settle() {
		return this.settle;
	}

	/**
	 * Measures handovers.
	 * @param contender whose election
	 * @param label for progress lines
	 * @param samples where the latencies go
	 * @param candidates the size of the group
	 * @param cycles how many handovers
	 * @param ttl the contender's TTL, where it has one
	 * @param how how the active is stopped
	 * @param requests counts etcd's requests per handover, or {@code null}
	 * @return etcd requests per handover (keepalives left out), or {@code NaN}
	 */
	double run(Contender contender, String label, Samples samples, int candidates, int cycles, Duration ttl, Stop how,
			EtcdRequests requests) {
		String group = "bench-" + System.nanoTime();
		Deque<Candidate> queue = new ArrayDeque<>();
		double requestCount = 0;
		try {
			Candidate first = contender.start(group, ttl);
			queue.add(first);
			first.awaitGranted(WAIT);
			for (int i = 1; i < candidates; i++) {
				join(contender, group, ttl, queue);
			}
			Waits.pause(this.settle);
			for (int i = 0; i < cycles; i++) {
				Candidate active = queue.removeFirst();
				Candidate next = queue.getFirst();
				Map<String, Double> before = (requests != null) ? requests.received() : null;
				long start = System.nanoTime();
				active.stop(how);
				long granted = next.awaitGranted(WAIT);
				samples.addNanos(granted - start);
				if (requests != null) {
					// let the handover's writes land before counting them
					Waits.pause(REQUESTS_WINDOW);
					requestCount += EtcdRequests.withoutKeepAlives(before, requests.received());
				}
				System.out.printf(Locale.ROOT, "%s: %d/%d %.1f ms%n", label, i + 1, cycles, (granted - start) / 1e6);
				join(contender, group, ttl, queue);
				Waits.pause(this.settle);
			}
		}
		finally {
			queue.forEach(Candidate::close);
		}
		return (requests != null) ? requestCount / cycles : Double.NaN;
	}

	private static void join(Contender contender, String group, Duration ttl, Deque<Candidate> queue) {
		Candidate candidate = contender.start(group, ttl);
		queue.addLast(candidate);
		candidate.awaitStandby(WAIT);
	}

}
