package io.github.coordinatorha.sample.rootcoord;

import java.util.Map;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code activeStandby} health component as {@code /actuator/health} shows it over
 * HTTP, and the documented switch that removes it: the sample on a real port, the roles
 * it serves disabled (so no etcd).
 */
class HealthComponentTests {

	private static ConfigurableApplicationContext start(String... properties) {
		return new SpringApplicationBuilder(SampleRootCoordApplication.class)
			.properties("server.port=0", "server.address=127.0.0.1", "ha.etcd.endpoints=http://127.0.0.1:1")
			.properties(properties)
			.run();
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> components(ConfigurableApplicationContext context) {
		int port = context.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
		Map<String, Object> health = Http.object(Http.get(port, "/actuator/health").body());
		return (Map<String, Object>) health.get("components");
	}

	@Test
	void healthShowsTheComponentAsActiveStandbyWithTheRolesTheNodeServes() {
		try (ConfigurableApplicationContext context = start()) {
			Map<String, Object> components = components(context);
			assertThat(components).containsKey("activeStandby");
			assertThat(components.get("activeStandby")).asInstanceOf(InstanceOfAssertFactories.MAP)
				.extractingByKey("details")
				.asInstanceOf(InstanceOfAssertFactories.MAP)
				.containsOnlyKeys("rootCoord"); // the one role the sample configures and
												// uses
		}
	}

	@Test
	void theDocumentedSwitchRemovesTheComponent() {
		try (ConfigurableApplicationContext context = start("management.health.activestandby.enabled=false")) {
			assertThat(components(context)).doesNotContainKey("activeStandby").containsKey("ping");
		}
	}

}
