package io.github.coordinatorha.sample.rootcoord;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The deployment examples cannot run here (no container engine, no cluster): read them
 * and check they name the right properties, image and ports.
 */
class DeploymentExamplesTests {

	private static final String IMAGE = "coordinator-ha/sample-rootcoord:0.1.0-SNAPSHOT";

	private static final Path DEPLOY = Path.of("deploy");

	@Test
	@SuppressWarnings("unchecked")
	void dockerComposeRunsTwoNodesToggledTheMilvusWay() throws IOException {
		Map<String, Object> compose = (Map<String, Object>) load(DEPLOY.resolve("docker-compose.yaml")).get(0);
		Map<String, Map<String, Object>> services = (Map<String, Map<String, Object>>) compose.get("services");
		assertThat(services).containsKeys("etcd", "rootcoord", "rootcoord-1");
		for (String name : List.of("rootcoord", "rootcoord-1")) {
			Map<String, Object> node = services.get(name);
			assertThat(node.get("image")).isEqualTo(IMAGE);
			Map<String, Object> environment = (Map<String, Object>) node.get("environment");
			assertThat(environment).containsEntry("ROOT_COORD_ENABLE_ACTIVE_STANDBY", "true")
				.containsEntry("HA_ETCD_ENDPOINTS", "http://etcd:2379")
				.containsEntry("HA_SESSION_ADDRESS", name + ":53100");
			assertThat((List<String>) node.get("ports")).anyMatch((port) -> port.endsWith(":53100"));
		}
	}

	@Test
	@SuppressWarnings("unchecked")
	void kubernetesRunsTwoReplicasWithReadinessForTheActiveOnly() throws IOException {
		List<Object> documents = load(DEPLOY.resolve("kubernetes/rootcoord.yaml"));
		Map<String, Object> deployment = find(documents, "Deployment");
		Map<String, Object> spec = (Map<String, Object>) deployment.get("spec");
		assertThat(spec.get("replicas")).isEqualTo(2);
		Map<String, Object> pod = (Map<String, Object>) ((Map<String, Object>) spec.get("template")).get("spec");
		Map<String, Object> container = ((List<Map<String, Object>>) pod.get("containers")).get(0);
		assertThat(container.get("image")).isEqualTo(IMAGE);
		List<String> env = ((List<Map<String, Object>>) container.get("env")).stream()
			.map((variable) -> variable.get("name") + "=" + variable.get("value"))
			.toList();
		assertThat(env).contains("ROOTCOORD_ACTIVESTANDBY_ENABLED=true", "HA_HEALTH_READINESS_STANDBYNOTREADY=true");
		assertThat(env).anyMatch((variable) -> variable.startsWith("HA_ETCD_ENDPOINTS=http://"));
		assertThat(path(container, "readinessProbe")).isEqualTo("/actuator/health/readiness");
		assertThat(path(container, "livenessProbe")).isEqualTo("/actuator/health/liveness");
		assertThat(((List<Map<String, Object>>) container.get("ports")).get(0)).containsEntry("containerPort", 53100);
		Map<String, Object> service = find(documents, "Service");
		assertThat(service.toString()).contains("app=rootcoord", "port=53100");
	}

	@Test
	void theDockerfileShipsTheSampleJarOnItsPort() throws IOException {
		String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
		assertThat(dockerfile).contains("sample-rootcoord/target/sample-rootcoord.jar", "EXPOSE 53100");
		String yaml = Files.readString(Path.of("src/main/resources/application.yaml"));
		assertThat(yaml).contains("port: 53100");
	}

	@SuppressWarnings("unchecked")
	private static Object path(Map<String, Object> container, String probe) {
		return ((Map<String, Object>) ((Map<String, Object>) container.get(probe)).get("httpGet")).get("path");
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> find(List<Object> documents, String kind) {
		return documents.stream()
			.map((document) -> (Map<String, Object>) document)
			.filter((document) -> kind.equals(document.get("kind")))
			.findFirst()
			.orElseThrow();
	}

	private static List<Object> load(Path file) throws IOException {
		try (Reader reader = Files.newBufferedReader(file)) {
			List<Object> documents = new ArrayList<>();
			new Yaml().loadAll(reader).forEach(documents::add);
			return documents;
		}
	}

}
