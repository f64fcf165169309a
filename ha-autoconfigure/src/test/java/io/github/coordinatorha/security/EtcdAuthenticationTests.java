package io.github.coordinatorha.security;

import java.time.Duration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.actuate.endpoint.ActiveStandbyEndpoint;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.context.properties.ConfigurationPropertiesReportEndpoint;
import org.springframework.boot.actuate.env.EnvironmentEndpoint;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd with authentication enabled and a user limited to the root path's prefix.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdAuthenticationTests {

	private static final String SECRET = "s3cr3t-Pa55";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single().withSetup((cluster) -> {
		cluster.etcdctl("user", "add", "root:rootpw");
		cluster.etcdctl("role", "add", "coordinators");
		cluster.etcdctl("role", "grant-permission", "coordinators", "--prefix=true", "readwrite", "by-dev/");
		cluster.etcdctl("user", "add", "app:" + SECRET);
		cluster.etcdctl("user", "grant-role", "app", "coordinators");
		cluster.etcdctl("auth", "enable");
	});

	private static ConfigurableApplicationContext node(String rootPath, String password) {
		return TestApplications.run(Node.class, etcd.endpoints(), rootPath, "ha.etcd.username=app",
				"ha.etcd.password=" + password);
	}

	@Test
	void aUserLimitedToTheRootPathElectsNormally() {
		try (ConfigurableApplicationContext node = node("by-dev", SECRET)) {
			await().atMost(Duration.ofSeconds(15)).until(() -> node.getBean(ActiveStandby.class).isActive("rootCoord"));
		}
	}

	@Test
	void aWrongPasswordNeverMakesTheNodeActiveAndIsNeverLogged(CapturedOutput output) {
		try (ConfigurableApplicationContext node = node("by-dev", "wrong-" + SECRET)) {
			ElectionNode election = node.getBean(ElectionNode.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> election.sessionProblem()
					.filter((problem) -> problem.contains("authentication"))
					.isPresent());
			assertThat(election.sessionProblem().get()).containsIgnoringCase("authentication failed")
				.contains("ha.etcd.password");
			assertThat(election.isActive("rootCoord")).isFalse();
		}
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void aPathOutsideTheUsersPermissionIsRefusedAndTheNodeNeverActive() {
		try (ConfigurableApplicationContext node = node("elsewhere", SECRET)) {
			ElectionNode election = node.getBean(ElectionNode.class);
			// the first attempt may also just time out while the client authenticates
			await().atMost(Duration.ofSeconds(15))
				.until(() -> election.sessionProblem().filter((problem) -> problem.contains("denied")).isPresent());
			assertThat(election.sessionProblem().get()).containsIgnoringCase("denied permission")
				.contains("ha.etcd.root-path");
			assertThat(election.isActive("rootCoord")).isFalse();
		}
	}

	@Test
	void secretsNeverShowInHealthTheEndpointsOrTheLog(CapturedOutput output) {
		String[] properties = { "ha.etcd.username=app", "ha.etcd.password=" + SECRET,
				"management.endpoints.jmx.exposure.include=*", "spring.jmx.enabled=true",
				"management.endpoints.access.default=read-only" };
		try (ConfigurableApplicationContext node = TestApplications.run(Application.class, etcd.endpoints(), "by-dev",
				properties)) {
			await().atMost(Duration.ofSeconds(15)).until(() -> node.getBean(ActiveStandby.class).isActive("rootCoord"));
			JsonMapper json = JsonMapper.builder().build();
			String health = json.writeValueAsString(node.getBean(HealthEndpoint.class).healthForPath("activeStandby"));
			String roles = json.writeValueAsString(node.getBean(ActiveStandbyEndpoint.class).roles());
			String configProps = json.writeValueAsString(
					node.getBean(ConfigurationPropertiesReportEndpoint.class).configurationProperties());
			String environment = json.writeValueAsString(node.getBean(EnvironmentEndpoint.class).environment(null));
			assertThat(health).contains("rootCoord").doesNotContain(SECRET);
			assertThat(roles).contains("rootCoord").doesNotContain(SECRET);
			assertThat(configProps).contains("ha.etcd").contains("password").doesNotContain(SECRET);
			assertThat(environment).contains("ha.etcd.password").doesNotContain(SECRET);
		}
		assertThat(output).contains("register ACTIVE service successfully").doesNotContain(SECRET);
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ActiveStandbyAutoConfiguration.class)
	static class Node {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Application {

	}

}
