package io.github.coordinatorha.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The hook for "handover to a chosen node": the active is asked to give rootCoord to a
 * standby named by its server ID, {@code POST /actuator/activestandby/rootCoord} with
 * {@code {"serverId": N}}, and the time runs from just before the request until the named
 * standby prints {@value SampleNodes#GRANTED}. It always names the youngest of two
 * standbys, never the one the engine would pick on its own (the oldest), so a node that
 * ignores the name is caught: then this measures nothing and says why, from one probe.
 * Each node leads at most once: the former active, a standby after the handover, is
 * stopped and a new standby joins.
 */
final class ChosenHandover {

	private static final Pattern OWN_SERVER_ID = Pattern
		.compile("\"status\"\\s*:\\s*\\{[^}]*?\"serverId\"\\s*:\\s*(\\d+)");

	private final SampleNodes nodes;

	private final Handovers handovers;

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	/**
	 * @param nodes sample nodes that open the endpoint's write operation
	 * ({@code --management.endpoint.activestandby.access=unrestricted})
	 * @param handovers for the settling time
	 */
	ChosenHandover(SampleNodes nodes, Handovers handovers) {
		this.nodes = nodes;
		this.handovers = handovers;
	}

	/**
	 * Measures up to {@code cycles} handovers to a chosen standby.
	 * @param samples where the latencies go
	 * @param cycles how many
	 * @return {@code null} if measured, else why not
	 */
	String measure(Samples samples, int cycles) {
		String group = "chosen-" + System.nanoTime();
		Duration ttl = Duration.ofSeconds(10);
		List<ProcessCandidate> queue = new ArrayList<>();
		try {
			queue.add(this.nodes.start(group, ttl));
			queue.get(0).awaitGranted(Handovers.WAIT);
			for (int i = 0; i < 2; i++) {
				join(group, ttl, queue);
			}
			Waits.pause(this.handovers.settle());
			for (int i = 0; i < cycles; i++) {
				ProcessCandidate active = queue.get(0);
				ProcessCandidate chosen = queue.get(queue.size() - 1);
				long chosenId = serverId(chosen);
				long start = System.nanoTime();
				HttpResponse<String> response = handOver(active, chosenId);
				if (response.statusCode() / 100 != 2) {
					return "the active answered HTTP " + response.statusCode() + " " + response.body();
				}
				ProcessCandidate taker = awaitAnyGranted(queue.subList(1, queue.size()));
				if (taker != chosen) {
					return "the role went to serverId " + serverId(taker)
							+ ", the engine's own choice, not to the named serverId " + chosenId
							+ " (the active answered " + response.body() + ")";
				}
				long granted = chosen.awaitGranted(Handovers.WAIT);
				samples.addNanos(granted - start);
				System.out.printf(Locale.ROOT, "ours: handover to a chosen node: %d/%d %.1f ms%n", i + 1, cycles,
						(granted - start) / 1e6);
				queue.remove(chosen);
				queue.remove(active);
				queue.add(0, chosen);
				active.stop(Candidate.Stop.GRACEFUL);
				join(group, ttl, queue);
				Waits.pause(this.handovers.settle());
			}
			return null;
		}
		finally {
			queue.forEach(ProcessCandidate::close);
		}
	}

	private void join(String group, Duration ttl, List<ProcessCandidate> queue) {
		ProcessCandidate candidate = this.nodes.start(group, ttl);
		queue.add(candidate);
		candidate.awaitStandby(Handovers.WAIT);
	}

	private static ProcessCandidate awaitAnyGranted(List<ProcessCandidate> standbys) {
		ProcessCandidate[] taker = new ProcessCandidate[1];
		Waits.until(Duration.ofSeconds(30), "a standby to take over", () -> {
			for (ProcessCandidate standby : standbys) {
				if (standby.hasGranted()) {
					taker[0] = standby;
					return true;
				}
			}
			return false;
		});
		return taker[0];
	}

	private HttpResponse<String> handOver(ProcessCandidate active, long serverId) {
		return send(HttpRequest.newBuilder(endpoint(active))
			.timeout(Duration.ofSeconds(30))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString("{\"serverId\": " + serverId + "}"))
			.build());
	}

	private long serverId(ProcessCandidate node) {
		HttpResponse<String> response = send(
				HttpRequest.newBuilder(endpoint(node)).timeout(Duration.ofSeconds(30)).GET().build());
		Matcher matcher = OWN_SERVER_ID.matcher(response.body());
		if (response.statusCode() != 200 || !matcher.find()) {
			throw new IllegalStateException(
					"No server ID in " + endpoint(node) + ": HTTP " + response.statusCode() + " " + response.body());
		}
		return Long.parseLong(matcher.group(1));
	}

	private static URI endpoint(ProcessCandidate node) {
		return URI.create("http://127.0.0.1:" + node.httpPort() + "/actuator/activestandby/rootCoord");
	}

	private HttpResponse<String> send(HttpRequest request) {
		try {
			return this.http.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot reach " + request.uri(), ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
