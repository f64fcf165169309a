package io.github.coordinatorha.benchmark;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts the gRPC requests an etcd member has handled, from its own metrics endpoint.
 */
final class EtcdRequests {

	private static final Pattern RECEIVED = Pattern
		.compile("^grpc_server_msg_received_total\\{[^}]*grpc_method=\"(\\w+)\"[^}]*} (\\S+)$", Pattern.MULTILINE);

	private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

	private final String metricsUrl;

	EtcdRequests(String clientEndpoint) {
		this.metricsUrl = clientEndpoint + "/metrics";
	}

	/**
	 * Messages received per gRPC method: one per unary call, one per message on a stream
	 * (a keepalive, a watch request).
	 */
	Map<String, Double> received() {
		try {
			String body = this.http
				.send(HttpRequest.newBuilder(URI.create(this.metricsUrl)).timeout(Duration.ofSeconds(5)).build(),
						HttpResponse.BodyHandlers.ofString())
				.body();
			Map<String, Double> counts = new TreeMap<>();
			Matcher matcher = RECEIVED.matcher(body);
			while (matcher.find()) {
				counts.merge(matcher.group(1), Double.parseDouble(matcher.group(2)), Double::sum);
			}
			return counts;
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + this.metricsUrl, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	static double total(Map<String, Double> before, Map<String, Double> after) {
		double total = 0;
		for (Map.Entry<String, Double> entry : after.entrySet()) {
			total += entry.getValue() - before.getOrDefault(entry.getKey(), 0.0);
		}
		return total;
	}

	/**
	 * Requests between two counts, lease keepalives left out: they come at every
	 * candidate's own pace whether or not a handover happens.
	 */
	static double withoutKeepAlives(Map<String, Double> before, Map<String, Double> after) {
		return total(before, after)
				- (after.getOrDefault("LeaseKeepAlive", 0.0) - before.getOrDefault("LeaseKeepAlive", 0.0));
	}

}
