package io.github.coordinatorha.sample.rootcoord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import tools.jackson.databind.json.JsonMapper;

/**
 * HTTP calls to a node on loopback, as {@code curl} makes them, and their JSON read with
 * its keys in the order they came.
 */
final class Http {

	private static final HttpClient client = HttpClient.newHttpClient();

	private static final JsonMapper json = JsonMapper.builder().build();

	private Http() {
	}

	static HttpResponse<String> get(int port, String path) {
		return send(request(port, path).GET().build());
	}

	/**
	 * A POST with no body and no {@code Content-Type}.
	 */
	static HttpResponse<String> post(int port, String path) {
		return send(request(port, path).POST(HttpRequest.BodyPublishers.noBody()).build());
	}

	/**
	 * A POST of a JSON body, as the docs have operators send one: {@code curl -XPOST -H
	 * 'Content-Type: application/json' -d '...'}.
	 */
	static HttpResponse<String> postJson(int port, String path, String json) {
		return send(request(port, path).header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build());
	}

	/**
	 * A JSON object, its keys in document order.
	 */
	@SuppressWarnings("unchecked")
	static Map<String, Object> object(String body) {
		return json.readValue(body, LinkedHashMap.class);
	}

	private static HttpRequest.Builder request(int port, String path) {
		return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20));
	}

	private static HttpResponse<String> send(HttpRequest request) {
		try {
			return client.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
