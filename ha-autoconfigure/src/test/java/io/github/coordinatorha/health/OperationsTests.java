package io.github.coordinatorha.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.actuate.endpoint.ActiveStandbyEndpoint;
import io.github.coordinatorha.actuate.endpoint.ActiveStandbyEndpoint.RoleDescriptor;
import io.github.coordinatorha.election.RegisteredSession;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.Ports;
import io.github.coordinatorha.test.etcd.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.HttpCodeStatusMapper;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Health, readiness, the actuator endpoint and metrics, on nodes with Spring Boot's own
 * actuator auto-configuration and a real etcd.
 */
class OperationsTests {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final String rootPath = "ops-" + System.nanoTime();

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext nodeOn(String endpoints, String... properties) {
		ConfigurableApplicationContext context = TestApplications.run(Node.class, endpoints, this.rootPath, properties);
		this.nodes.add(context);
		return context;
	}

	private ConfigurableApplicationContext node(String... properties) {
		return nodeOn(etcd.endpoints(), properties);
	}

	private static boolean isActive(ConfigurableApplicationContext node) {
		return node.getBean(ActiveStandby.class).isActive("rootCoord");
	}

	private static Health health(ConfigurableApplicationContext node) {
		return node.getBean("activeStandbyHealthIndicator", HealthIndicator.class).health(true);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> rootCoord(Health health) {
		return (Map<String, Object>) health.getDetails().get("rootCoord");
	}

	@Test
	void healthShowsTheRolesConfiguredAndAStandbyIsUp() {
		ConfigurableApplicationContext first = node("dataCoord.activeStandby.enabled=false");
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
		ConfigurableApplicationContext second = node();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> "STANDBY".equals(rootCoord(health(second)).get("state"))
					&& rootCoord(health(second)).containsKey("activeServerId"));
		Health active = health(first);
		Health standby = health(second);
		assertThat(active.getStatus()).isEqualTo(Status.UP);
		assertThat(standby.getStatus()).isEqualTo(Status.UP);
		assertThat(active.getDetails()).containsOnlyKeys("rootCoord", "dataCoord");
		assertThat(rootCoord(active)).containsEntry("state", "ACTIVE").containsKeys("serverId", "term", "since");
		assertThat(rootCoord(standby)).containsEntry("state", "STANDBY")
			.containsEntry("activeServerId", rootCoord(active).get("serverId"))
			.containsKey("activeAddress")
			.containsEntry("rank", 1)
			.doesNotContainKey("term");
		assertThat(rootCoord(active)).doesNotContainKey("rank");
		ConfigurableApplicationContext third = node();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Integer.valueOf(2).equals(rootCoord(health(third)).get("rank")));
		assertThat(rootCoord(health(second))).containsEntry("rank", 1);
	}

	@Test
	void readinessRefusesTrafficOnTheStandbyOnlyWhenAskedAndLivenessStaysUp() {
		ConfigurableApplicationContext first = node("ha.health.readiness.standby-not-ready=true");
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
		ConfigurableApplicationContext second = node("ha.health.readiness.standby-not-ready=true");
		ConfigurableApplicationContext third = node();
		await().atMost(Duration.ofSeconds(10)).until(() -> rootCoord(health(second)).containsKey("activeServerId"));
		assertThat(readiness(first)).isEqualTo(Status.UP);
		assertThat(readiness(second)).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(liveness(second)).isEqualTo(Status.UP);
		// without the option a standby is ready, as Spring Boot has it
		await().atMost(Duration.ofSeconds(10)).until(() -> rootCoord(health(third)).containsKey("activeServerId"));
		assertThat(readiness(third)).isEqualTo(Status.UP);
		first.close();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> readiness(second) == Status.UP || readiness(third) == Status.UP);
	}

	@Test
	void eachRoleHasAReadinessProbeOfItsOwnAndTheWholeHealthStaysUp() {
		String[] twoRoles = { "queryCoord.activeStandby.enabled=true",
				"management.endpoint.health.show-components=always" };
		ConfigurableApplicationContext first = node(twoRoles);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> isActive(first) && first.getBean(ActiveStandby.class).isActive("queryCoord"));
		ConfigurableApplicationContext second = node(twoRoles);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> second.getBean(ActiveStandby.class).status("queryCoord").activeServerId() != 0);
		assertThat(first.getBean(ActiveStandby.class).handOver("queryCoord").isHandedOver()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> second.getBean(ActiveStandby.class).isActive("queryCoord"));
		HealthEndpoint onFirst = first.getBean(HealthEndpoint.class);
		HealthEndpoint onSecond = second.getBean(HealthEndpoint.class);
		assertThat(onFirst.healthForPath("rootCoord").getStatus()).isEqualTo(Status.UP);
		assertThat(onFirst.healthForPath("queryCoord").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(onSecond.healthForPath("rootCoord").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		assertThat(onSecond.healthForPath("queryCoord").getStatus()).isEqualTo(Status.UP);
		for (HealthEndpoint health : List.of(onFirst, onSecond)) {
			assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			assertThat(((CompositeHealthDescriptor) health.health()).getComponents()).containsKey("activeStandby")
				.doesNotContainKey("roleReadiness");
			assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
		}
		assertThat(HttpCodeStatusMapper.DEFAULT.getStatusCode(Status.OUT_OF_SERVICE)).isEqualTo(503);
	}

	@Test
	void theSessionCarriesTheVersionOfTheApplicationsBuildInfo() {
		ConfigurableApplicationContext node = nodeWith(VersionedNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(node));
		long serverId = node.getBean(ActiveStandby.class).status("rootCoord").serverId();
		assertThat(etcd.etcdctl("get", "--print-value-only", this.rootPath + "/meta/session/rootcoord-" + serverId))
			.contains("\"Version\":\"7.3.1\"");
	}

	private static Status readiness(ConfigurableApplicationContext node) {
		return node.getBean("readinessStateHealthIndicator", HealthIndicator.class).health().getStatus();
	}

	private static Status liveness(ConfigurableApplicationContext node) {
		return node.getBean("livenessStateHealthIndicator", HealthIndicator.class).health().getStatus();
	}

	@Test
	void healthSaysWhenEtcdCannotBeReachedAndTheNodeIsNotActive() {
		String endpoint = "http://127.0.0.1:" + Ports.free();
		ConfigurableApplicationContext node = nodeOn(endpoint);
		await().atMost(Duration.ofSeconds(15)).until(() -> health(node).getStatus() == Status.DOWN);
		// the reason names the endpoints, the property that sets them, and the fix
		assertThat((String) health(node).getDetails().get("etcd")).startsWith("no session: ")
			.contains(endpoint, "ha.etcd.endpoints", "check that etcd runs there");
		// A node with no session is no standby: it reads JOINING, with the reason.
		assertThat(rootCoord(health(node))).containsEntry("state", "JOINING")
			.containsEntry("reason", "ETCD_UNAVAILABLE");
		assertThat(isActive(node)).isFalse();
	}

	@Test
	void startingWithEtcdDownTheNodeWaitsAndCompetesOnceEtcdAnswers() {
		EtcdCluster late = EtcdCluster.start(1);
		String endpoints = late.endpoints();
		late.killAll();
		try {
			ConfigurableApplicationContext node = nodeOn(endpoints);
			await().atMost(Duration.ofSeconds(15)).until(() -> health(node).getStatus() == Status.DOWN);
			assertThat(isActive(node)).isFalse();
			late.startAll();
			await().atMost(Duration.ofSeconds(30)).until(() -> isActive(node));
			assertThat(health(node).getStatus()).isEqualTo(Status.UP);
		}
		finally {
			late.close();
		}
	}

	@Test
	void endpointListsSessionsAndHandsTheRoleOver() {
		ConfigurableApplicationContext first = node("management.endpoints.web.exposure.include=activestandby",
				"dataCoord.activeStandby.enabled=false");
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
		ActiveStandbyEndpoint endpoint = first.getBean(ActiveStandbyEndpoint.class);
		assertThat(endpoint.handOver("rootCoord", null, null).outcome()).isEqualTo(Handover.Outcome.NO_STANDBY);
		ConfigurableApplicationContext second = node();
		await().atMost(Duration.ofSeconds(10)).until(() -> endpoint.role("rootCoord").sessions().size() == 2);
		RoleDescriptor role = endpoint.role("rootCoord");
		assertThat(role.active()).extracting(RegisteredSession::serverId)
			.isEqualTo(first.getBean(ActiveStandby.class).status("rootCoord").serverId());
		assertThat(role.sessions()).allSatisfy((session) -> {
			assertThat(session.address()).isNotBlank();
			assertThat(session.registeredAt()).isNotBlank();
		});
		assertThat(endpoint.roles()).containsOnlyKeys("rootCoord", "dataCoord");
		Handover handover = endpoint.handOver("rootCoord", null, null);
		assertThat(handover.outcome()).isEqualTo(Handover.Outcome.HANDED_OVER);
		await().atMost(Duration.ofSeconds(2)).until(() -> isActive(second));
		assertThat(isActive(first)).isFalse();
		assertThat(endpoint.handOver("rootCoord", null, null).outcome()).isEqualTo(Handover.Outcome.NOT_ACTIVE);
		assertThat(endpoint.handOver("dataCoord", null, null).outcome()).isEqualTo(Handover.Outcome.HA_DISABLED);
		assertThatExceptionOfType(InvalidEndpointRequestException.class)
			.isThrownBy(() -> endpoint.handOver("rootCoord", "rootCoord", null))
			.withMessage("The role goes in the path only (POST /actuator/activestandby/rootCoord), but the request"
					+ " also names role 'rootCoord'; send {\"serverId\": N} or an empty body");
		assertThat(isActive(second)).isTrue();
	}

	@Test
	void aHandoverEtcdDoesNotConfirmAnswersUnknownAndTheNodeNoLongerClaimsTheRole() {
		try (TcpProxy proxy = TcpProxy.to(etcd.cluster().member(0).clientPort())) {
			ConfigurableApplicationContext first = node();
			await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
			ConfigurableApplicationContext second = nodeOn(proxy.endpoint("http"));
			await().atMost(Duration.ofSeconds(10))
				.until(() -> second.getBean(ActiveStandby.class).status("rootCoord").activeServerId() != 0);
			// The role moves to the node behind the proxy: its view then holds the other
			// node's session, so its own handover has a successor to name.
			await().atMost(Duration.ofSeconds(5))
				.until(() -> first.getBean(ActiveStandby.class).handOver("rootCoord").isHandedOver());
			await().atMost(Duration.ofSeconds(5)).until(() -> isActive(second));
			proxy.blackhole();
			Handover handover = second.getBean(ActiveStandby.class).handOver("rootCoord");
			assertThat(handover.outcome()).isEqualTo(Handover.Outcome.UNKNOWN);
			assertThat(handover.message()).contains("etcd did not confirm");
			assertThat(isActive(second)).isFalse();
			await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
			proxy.pass();
			await().atMost(Duration.ofSeconds(10))
				.until(() -> second.getBean(ActiveStandby.class).status("rootCoord").activeServerId() != 0);
			assertThat(isActive(second)).isFalse();
			assertThat(isActive(first)).isTrue();
		}
	}

	@Test
	void endpointIsAbsentUntilExposed() {
		ConfigurableApplicationContext node = node();
		assertThat(node.getBeansOfType(ActiveStandbyEndpoint.class)).isEmpty();
	}

	@Test
	void metricsCountTransitionsAndTimeTheTakeover() {
		ConfigurableApplicationContext first = node();
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
		ConfigurableApplicationContext second = node();
		MeterRegistry registry = second.getBean(MeterRegistry.class);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> registry.find("ha.role.transitions").tag("to", "STANDBY").counter() != null);
		first.close();
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(second));
		await().atMost(Duration.ofSeconds(5))
			.until(() -> registry.find("ha.role.activation").tag("outcome", "success").timer() != null);
		assertThat(registry.get("ha.role.active").tag("role", "rootCoord").gauge().value()).isEqualTo(1.0);
		assertThat(registry.get("ha.role.transitions")
			.tags("role", "rootCoord", "from", "STANDBY", "to", "ACTIVE", "reason", "ELECTED")
			.counter()
			.count()).isEqualTo(1.0);
		assertThat(registry.get("ha.role.takeover").tag("role", "rootCoord").timer().count()).isEqualTo(1);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> registry.find("ha.session.keepalive").timer() != null
					&& registry.get("ha.session.keepalive").timer().count() > 0);
	}

	@Test
	void anActiveWhoseHealthTurnsDownHandsTheRoleToItsStandbyWhenAsked() {
		ConfigurableApplicationContext first = nodeWith(SickNode.class, "ha.health.resign-when-down=true",
				"ha.health.check-interval=100ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> isActive(first));
		ConfigurableApplicationContext second = nodeWith(SickNode.class, "ha.health.resign-when-down=true",
				"ha.health.check-interval=100ms");
		await().atMost(Duration.ofSeconds(10)).until(() -> rootCoord(health(second)).containsKey("activeServerId"));
		first.getBean(Sickness.class).down = true;
		await().atMost(Duration.ofSeconds(5)).until(() -> isActive(second));
		assertThat(isActive(first)).isFalse();
	}

	private ConfigurableApplicationContext nodeWith(Class<?> configuration, String... properties) {
		ConfigurableApplicationContext context = TestApplications.run(configuration, etcd.endpoints(), this.rootPath,
				properties);
		this.nodes.add(context);
		return context;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Node {

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class SickNode {

		@org.springframework.context.annotation.Bean
		Sickness sickness() {
			return new Sickness();
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class VersionedNode {

		@org.springframework.context.annotation.Bean
		BuildProperties buildProperties() {
			Properties build = new Properties();
			build.setProperty("version", "7.3.1");
			return new BuildProperties(build);
		}

	}

	/**
	 * The application's own health, made DOWN by the test.
	 */
	static class Sickness implements HealthIndicator {

		volatile boolean down;

		@Override
		public Health health() {
			return this.down ? Health.down().withDetail("disk", "full").build() : Health.up().build();
		}

	}

}
