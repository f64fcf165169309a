package io.github.coordinatorha.autoconfigure.health;

import java.util.Map;

import io.github.coordinatorha.health.ActiveStandbyHealthIndicator;
import org.junit.jupiter.api.Test;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code activeStandby} health component and the switch that turns it off, in whole
 * applications with every role disabled (so no etcd), as Spring Boot binds properties in
 * a running application.
 */
class ActiveStandbyHealthAutoConfigurationTests {

	private static ConfigurableApplicationContext run(Map<String, Object> environmentVariables, String... properties) {
		SpringApplicationBuilder application = new SpringApplicationBuilder(Node.class).web(WebApplicationType.NONE)
			.properties("spring.main.banner-mode=off", "ha.etcd.endpoints=http://127.0.0.1:1")
			.properties(properties);
		if (!environmentVariables.isEmpty()) {
			// Named as Spring Boot names the process environment, so that its relaxed
			// mapping of MANAGEMENT_HEALTH_... names applies.
			application.initializers((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new SystemEnvironmentPropertySource("test-systemEnvironment", environmentVariables)));
		}
		return application.run();
	}

	private static boolean hasComponent(ConfigurableApplicationContext context) {
		return context.getBean(HealthContributorRegistry.class).getContributor("activeStandby") != null;
	}

	private static boolean hasIndicator(ConfigurableApplicationContext context) {
		return !context.getBeansOfType(ActiveStandbyHealthIndicator.class).isEmpty();
	}

	@Test
	void runByDefaultContributesAComponentNamedActiveStandby() {
		try (ConfigurableApplicationContext context = run(Map.of())) {
			assertThat(hasIndicator(context)).isTrue();
			assertThat(hasComponent(context)).isTrue();
		}
	}

	@Test
	void runWithTheDocumentedKeyFalseCreatesNoComponent() {
		try (ConfigurableApplicationContext context = run(Map.of(), "management.health.activestandby.enabled=false")) {
			assertThat(hasIndicator(context)).isFalse();
			assertThat(hasComponent(context)).isFalse();
		}
	}

	@Test
	void runWithTheComponentsOwnCamelCaseNameFalseCreatesNoComponent() {
		try (ConfigurableApplicationContext context = run(Map.of(), "management.health.activeStandby.enabled=false")) {
			assertThat(hasIndicator(context)).isFalse();
		}
	}

	@Test
	void runWithTheEnvironmentVariableFalseCreatesNoComponent() {
		try (ConfigurableApplicationContext context = run(Map.of("MANAGEMENT_HEALTH_ACTIVESTANDBY_ENABLED", "false"))) {
			assertThat(hasIndicator(context)).isFalse();
		}
	}

	@Test
	void runWithHealthDefaultsOffCreatesTheComponentOnlyWhenItIsSwitchedOn() {
		try (ConfigurableApplicationContext context = run(Map.of(), "management.health.defaults.enabled=false")) {
			assertThat(hasIndicator(context)).isFalse();
		}
		try (ConfigurableApplicationContext context = run(Map.of(), "management.health.defaults.enabled=false",
				"management.health.activestandby.enabled=true")) {
			assertThat(hasComponent(context)).isTrue();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class Node {

	}

}
