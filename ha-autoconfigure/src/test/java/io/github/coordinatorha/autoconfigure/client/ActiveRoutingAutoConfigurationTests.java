package io.github.coordinatorha.autoconfigure.client;

import java.util.ArrayList;
import java.util.List;

import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.client.ActiveRouting;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.restclient.autoconfigure.RestClientAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ActiveRoutingAutoConfiguration}.
 */
class ActiveRoutingAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ActiveStandbyAutoConfiguration.class,
				ActiveRoutingAutoConfiguration.class, RestClientAutoConfiguration.class));

	@Test
	void runWithDirectoryRolesRoutesTheBuildersOfTheApplicationResolvingTheRoleItself() {
		this.contextRunner.withPropertyValues("ha.directory.roles=rootCoord", "ha.etcd.endpoints=http://127.0.0.1:1")
			.run((context) -> assertThat(interceptors(context.getBean(RestClient.Builder.class))).singleElement()
				.isInstanceOfSatisfying(ActiveRouting.class, (routing) -> assertThat(routing.isResolving()).isTrue()));
	}

	@Test
	void runWithoutSpringCloudRoutesTheBuildersTheSameWay() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.cloud"))
			.withPropertyValues("ha.directory.roles=rootCoord", "ha.etcd.endpoints=http://127.0.0.1:1")
			.run((context) -> assertThat(interceptors(context.getBean(RestClient.Builder.class))).singleElement()
				.isInstanceOfSatisfying(ActiveRouting.class, (routing) -> assertThat(routing.isResolving()).isTrue()));
	}

	@Test
	void runWithANegativeWaitFailsNamingTheProperty() {
		this.contextRunner
			.withPropertyValues("ha.directory.roles=rootCoord", "ha.etcd.endpoints=http://127.0.0.1:1",
					"ha.directory.await-active=-1s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ha.directory.await-active")
				.hasMessageContaining("a negative wait"));
	}

	@Test
	void runWithoutDirectoryRolesLeavesTheBuildersAlone() {
		this.contextRunner
			.run((context) -> assertThat(interceptors(context.getBean(RestClient.Builder.class))).isEmpty());
	}

	private static List<ClientHttpRequestInterceptor> interceptors(RestClient.Builder builder) {
		List<ClientHttpRequestInterceptor> interceptors = new ArrayList<>();
		builder.requestInterceptors(interceptors::addAll);
		return interceptors;
	}

}
