package io.github.coordinatorha.sample.rootcoord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
		// command-line arguments: they win over the sample's application.yaml, whose
		// fixed
		// port 53100 lies in the range the kernel hands out to other sockets
		List<String> arguments = new ArrayList<>(
				List.of("--server.port=0", "--server.address=127.0.0.1", "--ha.etcd.endpoints=http://127.0.0.1:1"));
		Arrays.stream(properties).map((property) -> "--" + property).forEach(arguments::add);
		return new SpringApplicationBuilder(SampleRootCoordApplication.class).run(arguments.toArray(String[]::new));
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
