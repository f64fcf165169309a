package io.github.coordinatorha.sample.rootcoord;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.test.AutoConfigureTestElection;
import io.github.coordinatorha.test.TestElection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's allocation API on a node made ACTIVE or STANDBY by the test, without etcd:
 * a user's unit test of code that depends on the election.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@AutoConfigureTestElection(active = "rootCoord")
class RootCoordTestElectionTests {

	private static final HttpClient http = HttpClient.newHttpClient();

	@Autowired
	TestElection election;

	@Autowired
	ActiveStandby activeStandby;

	@LocalServerPort
	int port;

	@AfterEach
	void active() {
		this.election.becomeActive("rootCoord");
	}

	@Test
	void theActiveAllocatesInItsTerm() throws Exception {
		HttpResponse<String> response = post("/api/v1/ids?count=3");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"term\":" + this.activeStandby.fencingToken("rootCoord").revision());
	}

	@Test
	void aStandbyRefusesAndNamesTheActive() throws Exception {
		this.election.becomeStandby("rootCoord");
		HttpResponse<String> response = post("/api/v1/ids?count=3");
		assertThat(response.statusCode()).isEqualTo(503);
		assertThat(response.body()).contains("\"activeAddress\":\"" + TestElection.OTHER_ADDRESS + "\"");
	}

	@Test
	void aNewTermServesAgainAfterItsReload() throws Exception {
		long first = this.activeStandby.fencingToken("rootCoord").revision();
		this.election.becomeStandby("rootCoord");
		this.election.becomeActive("rootCoord");
		HttpResponse<String> response = post("/api/v1/timestamps?count=1");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(this.activeStandby.fencingToken("rootCoord").revision()).isGreaterThan(first);
	}

	private HttpResponse<String> post(String path) throws IOException, InterruptedException {
		HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + path))
			.timeout(Duration.ofSeconds(5))
			.POST(HttpRequest.BodyPublishers.noBody())
			.build();
		return http.send(request, HttpResponse.BodyHandlers.ofString());
	}

}
