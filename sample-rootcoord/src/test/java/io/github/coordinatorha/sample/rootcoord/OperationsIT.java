package io.github.coordinatorha.sample.rootcoord;

import java.net.InetAddress;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.NodeProcess;
import io.github.coordinatorha.test.etcd.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.github.coordinatorha.sample.rootcoord.SampleNodes.ACTIVE;
import static io.github.coordinatorha.sample.rootcoord.SampleNodes.STANDBY;
import static io.github.coordinatorha.sample.rootcoord.SampleNodes.TAKEOVER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What operators and clients see over HTTP from sample-rootcoord processes started from
 * the executable jar against a real etcd: the {@code activestandby} endpoint read-only
 * and opened, readiness set through the environment as the Kubernetes example sets it,
 * the JSON of the handover and allocation answers (keys in the order they come), and the
 * address a node advertises when {@code ha.session.address} is not set.
 */
class OperationsIT {

	private static final String HANDOVER = "/actuator/activestandby/rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	@RegisterExtension
	final SampleNodes nodes = new SampleNodes();

	private final String rootPath = "ops-it-" + System.nanoTime();

	@Test
	void readOnlyAccessRefusesTheHandoverOverHttpAndOpenAccessHandsOverWithTheDocumentedAnswer() {
		int open = Ports.free();
		int readOnly = Ports.free();
		NodeProcess first = start("open", open, Map.of(), "--management.endpoint.activestandby.access=unrestricted");
		first.awaitLine(ACTIVE, Duration.ofSeconds(60));
		NodeProcess second = start("read-only", readOnly, Map.of());
		second.awaitLine(STANDBY, Duration.ofSeconds(60));

		assertThat(Http.postJson(readOnly, HANDOVER, "").statusCode()).isEqualTo(405);
		// the operation takes a JSON body (an optional serverId): without the header, 415
		assertThat(Http.post(open, HANDOVER).statusCode()).isEqualTo(415);
		HttpResponse<String> handedOver = Http.postJson(open, HANDOVER, "");
		assertThat(handedOver.statusCode()).isEqualTo(200);
		assertThat(Http.object(handedOver.body())).containsExactly(Map.entry("role", "rootCoord"),
				Map.entry("outcome", "HANDED_OVER"), Map.entry("successorServerId", 2),
				Map.entry("message", "Handed over; serverId 2 is ACTIVE"), Map.entry("handedOver", true));
		second.awaitLine(TAKEOVER, Duration.ofSeconds(10));

		// the read-only node is now ACTIVE and still refuses: the role stays where it is
		assertThat(Http.postJson(readOnly, HANDOVER, "").statusCode()).isEqualTo(405);
		assertThat(state(readOnly)).isEqualTo("ACTIVE");
		HttpResponse<String> notActive = Http.postJson(open, HANDOVER, "");
		assertThat(notActive.statusCode()).isEqualTo(200);
		Map<String, Object> answer = Http.object(notActive.body());
		assertThat(answer.keySet()).containsExactly("role", "outcome", "successorServerId", "message", "handedOver");
		assertThat(answer).containsEntry("outcome", "NOT_ACTIVE").containsEntry("successorServerId", 0);
		assertThat((String) answer.get("message")).startsWith("This node is not ACTIVE for rootCoord");
	}

	@Test
	void aHandoverToAChosenServerIdGoesToThatStandbyAndAnUnknownOneIsRefused() {
		int first = Ports.free();
		int second = Ports.free();
		int third = Ports.free();
		String open = "--management.endpoint.activestandby.access=unrestricted";
		start("first", first, Map.of(), open).awaitLine(ACTIVE, Duration.ofSeconds(60));
		start("second", second, Map.of(), open).awaitLine(STANDBY, Duration.ofSeconds(60));
		NodeProcess youngest = start("third", third, Map.of(), open);
		youngest.awaitLine(STANDBY, Duration.ofSeconds(60));

		List<Map<String, Object>> sessions = sessions(first);
		assertThat(sessions).extracting((session) -> session.get("serverId")).containsExactly(1, 2, 3);
		assertThat(sessions).extracting((session) -> session.get("rank")).containsExactly(0, 1, 2);
		assertThat(sessions).allSatisfy(
				(session) -> assertThat(session).containsEntry("priority", 0).containsEntry("electionProtocol", 2));

		HttpResponse<String> chosen = Http.postJson(first, HANDOVER, "{\"serverId\":3}");
		assertThat(Http.object(chosen.body())).containsEntry("outcome", "HANDED_OVER")
			.containsEntry("successorServerId", 3);
		youngest.awaitLine(TAKEOVER, Duration.ofSeconds(10));
		assertThat(state(third)).isEqualTo("ACTIVE");
		assertThat(state(second)).isEqualTo("STANDBY");

		Map<String, Object> refused = Http.object(Http.postJson(third, HANDOVER, "{\"serverId\":99}").body());
		assertThat(refused).containsEntry("outcome", "NOT_A_CANDIDATE").containsEntry("handedOver", false);
		assertThat(state(third)).isEqualTo("ACTIVE");

		// Spring Boot lets a body's keys stand for the operation's arguments: a body that
		// names a role is refused, whichever role it names (unrefused, the second would
		// hand the role to serverId 2)
		for (String body : List.of("{\"role\":\"queryCoord\"}", "{\"role\":\"rootCoord\",\"serverId\":2}",
				"{\"selected\":\"queryCoord\"}")) {
			assertThat(Http.postJson(third, HANDOVER, body).statusCode()).as(body).isEqualTo(400);
		}
		// ...and so do a query's, which name the path's selector as any argument
		assertThat(Http.postJson(third, HANDOVER + "?selected=queryCoord", "").statusCode()).isEqualTo(400);
		assertThat(Http.get(third, "/actuator/activestandby/rootCord").statusCode()).isEqualTo(400);
		assertThat(state(third)).isEqualTo("ACTIVE");
	}

	@SuppressWarnings("unchecked")
	private static List<Map<String, Object>> sessions(int port) {
		Map<String, Object> role = Http.object(Http.get(port, HANDOVER).body());
		return (List<Map<String, Object>>) role.get("sessions");
	}

	@Test
	void readinessSetThroughTheEnvironmentRoutesToTheActiveAndAllocationsAnswerAsDocumented() throws Exception {
		int active = Ports.free();
		int standby = Ports.free();
		Map<String, String> kubernetesStyle = Map.of("ROOTCOORD_ACTIVESTANDBY_ENABLED", "true",
				"HA_HEALTH_READINESS_STANDBYNOTREADY", "true", "HA_ETCD_ENDPOINTS", etcd.endpoints());
		NodeProcess first = start("first", active, kubernetesStyle);
		first.awaitLine(ACTIVE, Duration.ofSeconds(60));
		NodeProcess second = start("second", standby, kubernetesStyle);
		second.awaitLine(STANDBY, Duration.ofSeconds(60));
		String activeAddress = InetAddress.getLocalHost().getHostAddress() + ":" + active;

		assertThat(readiness(active)).isEqualTo("200 {\"status\":\"UP\"}");
		assertThat(readiness(standby)).isEqualTo("503 {\"status\":\"OUT_OF_SERVICE\"}");
		HttpResponse<String> liveness = Http.get(standby, "/actuator/health/liveness");
		assertThat(liveness.statusCode() + " " + liveness.body()).isEqualTo("200 {\"status\":\"UP\"}");

		Map<String, Object> health = Http.object(Http.get(standby, "/actuator/health").body());
		assertThat(details(health, "rootCoord"))
			.containsOnlyKeys("state", "reason", "since", "serverId", "activeServerId", "activeAddress", "rank")
			.containsEntry("state", "STANDBY")
			.containsEntry("reason", "ANOTHER_NODE_ACTIVE")
			.containsEntry("rank", 1)
			.containsEntry("activeAddress", activeAddress);
		assertThat(details(health, "rootCoord").keySet()).containsExactly("state", "reason", "since", "serverId",
				"activeServerId", "activeAddress", "rank");

		HttpResponse<String> ids = Http.post(active, "/api/v1/ids?count=5");
		assertThat(ids.statusCode()).isEqualTo(200);
		assertThat(ids.body()).matches("\\{\"first\":0,\"count\":5,\"term\":\\d+}");
		HttpResponse<String> timestamps = Http.post(active, "/api/v1/timestamps?count=2");
		assertThat(timestamps.body()).matches("\\{\"first\":\\d+,\"count\":2,\"term\":\\d+}");
		HttpResponse<String> refused = Http.post(standby, "/api/v1/ids?count=5");
		assertThat(refused.statusCode()).isEqualTo(503);
		assertThat(refused.headers().firstValue("Coordinator-HA-Role")).hasValue("rootCoord");
		assertThat(refused.headers().firstValue("Coordinator-HA-Active-Server-Id")).hasValue("1");
		assertThat(refused.headers().firstValue("Coordinator-HA-Active-Address")).hasValue(activeAddress);
		assertThat(Http.object(refused.body())).contains(Map.entry("status", 503),
				Map.entry("title", "Not the active rootCoord"), Map.entry("role", "rootCoord"),
				Map.entry("state", "STANDBY"), Map.entry("activeServerId", 1),
				Map.entry("activeAddress", activeAddress));

		first.kill();
		second.awaitLine(TAKEOVER, Duration.ofSeconds(15));
		await().atMost(Duration.ofSeconds(5)).until(() -> readiness(standby).equals("200 {\"status\":\"UP\"}"));
	}

	private static String readiness(int port) {
		HttpResponse<String> response = Http.get(port, "/actuator/health/readiness");
		return response.statusCode() + " " + response.body();
	}

	private static String state(int port) {
		Map<String, Object> role = Http.object(Http.get(port, HANDOVER).body());
		return (String) ((Map<?, ?>) role.get("status")).get("state");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(Map<String, Object> health, String role) {
		Map<String, Object> components = (Map<String, Object>) health.get("components");
		Map<String, Object> activeStandby = (Map<String, Object>) components.get("activeStandby");
		return (Map<String, Object>) ((Map<String, Object>) activeStandby.get("details")).get(role);
	}

	/**
	 * A node with no {@code ha.session.address}, so it advertises what users see by
	 * default: this host's address as Java resolves it, and the port.
	 */
	private NodeProcess start(String name, int port, Map<String, String> environment, String... extra) {
		List<String> arguments = new ArrayList<>(List.of("--server.port=" + port, "--server.address=127.0.0.1",
				"--ha.session.ttl=2s", "--ha.etcd.root-path=" + this.rootPath));
		if (!environment.containsKey("HA_ETCD_ENDPOINTS")) {
			arguments.add("--ha.etcd.endpoints=" + etcd.endpoints());
			arguments.add("--rootCoord.activeStandby.enabled=true");
		}
		arguments.addAll(List.of(extra));
		return this.nodes.start(name, arguments, environment);
	}

}
