package io.github.coordinatorha.autoconfigure.cloud;

import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.cloud.RoleDiscoveryClient;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RoleDiscoveryAutoConfiguration}.
 */
class RoleDiscoveryAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ActiveStandbyAutoConfiguration.class, RoleDiscoveryAutoConfiguration.class))
		.withPropertyValues("ha.directory.roles=rootCoord", "ha.etcd.endpoints=http://127.0.0.1:1");

	@Test
	void runWithSpringCloudOffersTheRolesAsADiscoveryClient() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(RoleDiscoveryClient.class);
			assertThat(context.getBean(RoleDiscoveryClient.class).getServices()).containsExactly("rootCoord");
			assertThat(context).hasBean("rootCoord.haLoadBalancerClientSpecification")
				.hasBean("rootcoord.haLoadBalancerClientSpecification");
		});
	}

	@Test
	void runWithDiscoveryDisabledHasNoDiscoveryClient() {
		this.contextRunner.withPropertyValues("spring.cloud.discovery.enabled=false")
			.run((context) -> assertThat(context).doesNotHaveBean(RoleDiscoveryClient.class));
	}

	@Test
	void runWithoutSpringCloudBacksOff() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(RoleDiscoveryClient.class));
	}

}
