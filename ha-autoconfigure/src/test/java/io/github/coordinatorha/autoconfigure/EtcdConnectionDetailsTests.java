package io.github.coordinatorha.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import io.github.coordinatorha.test.etcd.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An {@link EtcdConnectionDetails} bean, as a user or a container integration provides
 * one, takes the place of {@code ha.etcd.endpoints}.
 */
class EtcdConnectionDetailsTests {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ActiveStandbyAutoConfiguration.class))
		.withPropertyValues("rootCoord.activeStandby.enabled=true", "ha.session.ttl=2s", "ha.etcd.request-timeout=1s",
				"ha.etcd.root-path=details-" + System.nanoTime(),
				// nothing listens here: only the bean's endpoints can make the node
				// ACTIVE
				"ha.etcd.endpoints=http://127.0.0.1:" + Ports.free());

	@Test
	void aConnectionDetailsBeanSuppliesTheEndpoints() {
		this.contextRunner.withUserConfiguration(RealEtcd.class).run((context) -> {
			assertThat(context).hasNotFailed().hasSingleBean(EtcdConnectionDetails.class);
			ActiveStandby activeStandby = context.getBean(ActiveStandby.class);
			await().atMost(Duration.ofSeconds(10)).until(() -> activeStandby.isActive("rootCoord"));
		});
	}

	@Test
	void withoutABeanThePropertiesAreTheConnectionDetails() {
		this.contextRunner
			.run((context) -> assertThat(context.getBean(EtcdConnectionDetails.class).getEndpoints()).singleElement()
				.asString()
				.startsWith("http://127.0.0.1:"));
	}

	@Test
	void aBadEndpointFromTheBeanNamesTheBean() {
		this.contextRunner.withBean(EtcdConnectionDetails.class, () -> () -> List.of("etcd:2379"))
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("the endpoints of the EtcdConnectionDetails bean")
				.hasMessageContaining("http://host:port"));
	}

	@Configuration(proxyBeanMethods = false)
	static class RealEtcd {

		@Bean
		EtcdConnectionDetails etcdConnectionDetails() {
			return () -> List.of(etcd.endpoints().split(","));
		}

	}

}
