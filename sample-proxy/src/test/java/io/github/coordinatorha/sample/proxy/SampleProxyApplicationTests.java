package io.github.coordinatorha.sample.proxy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The proxy in this JVM against a real etcd that holds no RootCoord session.
 */
class SampleProxyApplicationTests {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	@Test
	void withNoActiveRootCoordTheProxyAnswers503WithAProblemThatNamesTheSetting() throws Exception {
		try (ConfigurableApplicationContext proxy = new SpringApplicationBuilder(SampleProxyApplication.class).run(
				"--server.port=0", "--server.address=127.0.0.1", "--ha.etcd.endpoints=" + etcd.endpoints(),
				"--ha.etcd.root-path=proxy-tests-" + System.nanoTime(), "--ha.directory.await-active=300ms")) {
			int port = proxy.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
			HttpResponse<String> response = HttpClient.newHttpClient()
				.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/timestamps?count=2"))
					.POST(HttpRequest.BodyPublishers.noBody())
					.build(), HttpResponse.BodyHandlers.ofString());
			assertThat(response.statusCode()).isEqualTo(503);
			assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
			JsonNode problem = JsonMapper.builder().build().readTree(response.body());
			assertThat(problem.path("title").asString()).isEqualTo("No active rootCoord");
			assertThat(problem.path("role").asString()).isEqualTo("rootCoord");
			assertThat(problem.path("instance").asString()).isEqualTo("/api/v1/timestamps");
			assertThat(problem.path("detail").asString()).contains("ha.directory.await-active");
		}
	}

}
