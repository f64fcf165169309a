package io.github.coordinatorha.health;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import io.github.coordinatorha.test.etcd.Ports;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How the per-role readiness groups sit among the application's own health groups, on a
 * node that is STANDBY for rootCoord because its etcd does not answer.
 */
class RoleReadinessGroupsTests {

	@Test
	void aStandbysRoleGroupIsOutOfServiceWhileItsDisabledRoleIsUp() {
		withNode((health) -> {
			assertThat(health.healthForPath("rootCoord").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.healthForPath("dataCoord").getStatus()).isEqualTo(Status.UP);
			assertThat(((CompositeHealthDescriptor) health.health()).getComponents())
				.doesNotContainKey("roleReadiness");
			assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.UP);
		});
	}

	@Test
	void aGroupThatIncludesTheRolesReadinessByNameHasIt() {
		withNode((health) -> assertThat(health.healthForPath("readiness").getStatus()).isEqualTo(Status.OUT_OF_SERVICE),
				"management.endpoint.health.group.readiness.include=readinessState,roleReadiness/rootCoord");
	}

	@Test
	void aGroupOfTheApplicationsUnderARolesNameWins() {
		withNode((health) -> assertThat(health.healthForPath("rootCoord").getStatus()).isEqualTo(Status.UP),
				"management.endpoint.health.group.rootCoord.include=livenessState");
	}

	@Test
	void theGroupsAreOffWhenTheirIndicatorIsDisabled() {
		withNode((health) -> assertThat(health.healthForPath("rootCoord")).isNull(),
				"management.health.role-readiness.enabled=false");
	}

	private static void withNode(Consumer<HealthEndpoint> check, String... properties) {
		List<String> all = new ArrayList<>(
				List.of("rootCoord.activeStandby.enabled=true", "dataCoord.activeStandby.enabled=false",
						"ha.etcd.endpoints=http://127.0.0.1:" + Ports.free(), "ha.etcd.request-timeout=1s",
						"management.endpoint.health.show-components=always", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		try (ConfigurableApplicationContext node = new SpringApplicationBuilder(Node.class).web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run()) {
			check.accept(node.getBean(HealthEndpoint.class));
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Node {

	}

}
