package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import io.github.coordinatorha.client.ActiveRouting;
import io.github.coordinatorha.cloud.RoleDiscoveryClient;
import io.github.coordinatorha.election.FakeCoordinator.Mode;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.restclient.autoconfigure.RestClientBuilderConfigurer;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Spring Cloud on the role directory, in an application with Spring Cloud LoadBalancer
 * and everything auto-configured, against a real etcd: a {@code @LoadBalanced} client
 * reaches the active and rides through a handover; the discovery client lists each
 * session with its server ID and state.
 */
class SpringCloudRoutingTests {

	private static final String ROOT = CoordinatorPair.ROOT;

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private CoordinatorPair pair;

	private ConfigurableApplicationContext client;

	@BeforeEach
	void start() {
		String rootPath = "cloud-" + System.nanoTime();
		this.pair = new CoordinatorPair(etcd.cluster(), rootPath);
		this.client = new SpringApplicationBuilder(ClientApplication.class).web(WebApplicationType.NONE)
			.properties("ha.etcd.endpoints=" + etcd.endpoints(), "ha.etcd.root-path=" + rootPath,
					"ha.directory.roles=rootCoord", "spring.main.banner-mode=off")
			.run();
	}

	@AfterEach
	void stop() throws Exception {
		this.client.close();
		this.pair.close();
	}

	private String who(RestClient client) {
		return client.get().uri("http://rootCoord/who").retrieve().body(String.class);
	}

	@Test
	void aLoadBalancedCallReachesTheActiveAndIsSentAgainAfterAStandbysRefusal() {
		RestClient client = this.client.getBean(RestClient.Builder.class).build();
		assertThat(who(client)).isEqualTo(CoordinatorPair.serverId(this.pair.first));
		this.pair.firstWeb.mode(Mode.REFUSE);
		CompletableFuture<String> call = CompletableFuture.supplyAsync(() -> who(client));
		await().atMost(Duration.ofSeconds(5)).until(() -> this.pair.firstWeb.received() >= 2);
		assertThat(this.pair.first.activeStandby().handOver(ROOT).isHandedOver()).isTrue();
		assertThat(call.join()).isEqualTo(CoordinatorPair.serverId(this.pair.second));
		assertThat(this.pair.secondWeb.received())
			.as("calls the successor got (it may refuse until its own watch shows it active)")
			.isPositive();
		int refused = this.pair.firstWeb.received();
		assertThat(client.get().uri("http://rootcoord/who").retrieve().body(String.class))
			.isEqualTo(CoordinatorPair.serverId(this.pair.second));
		assertThat(client.get().uri("http://ROOTCOORD/who").retrieve().body(String.class))
			.isEqualTo(CoordinatorPair.serverId(this.pair.second));
		assertThat(this.pair.firstWeb.received()).as("calls the old active got after the handover").isEqualTo(refused);
		// every spelling reached the role's own load balancer, none Spring Cloud's
		// default
		assertThat(this.client.getBean(LoadBalancerClientFactory.class).getContextNames()).containsExactly(ROOT);
	}

	@Test
	void aBuilderThatIsNotLoadBalancedResolvesTheRoleItself() {
		// not a bean: Spring Cloud's load balancing leaves it alone
		RestClient.Builder plain = this.client.getBean(RestClientBuilderConfigurer.class)
			.configure(RestClient.builder());
		assertThat(routings(plain)).extracting(ActiveRouting::isResolving).containsExactly(true);
		assertThat(routings(this.client.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class)))
			.extracting(ActiveRouting::isResolving)
			.containsExactly(false);
		assertThat(plain.build().get().uri("http://RootCoord/who").retrieve().body(String.class))
			.isEqualTo(CoordinatorPair.serverId(this.pair.first));
	}

	private static List<ActiveRouting> routings(RestClient.Builder builder) {
		List<ActiveRouting> routings = new ArrayList<>();
		builder.requestInterceptors((interceptors) -> interceptors.stream()
			.filter(ActiveRouting.class::isInstance)
			.map(ActiveRouting.class::cast)
			.forEach(routings::add));
		return routings;
	}

	@Test
	void theDiscoveryClientListsEverySessionOfTheRoleWithItsServerIdAndState() {
		DiscoveryClient discovery = this.client.getBean(RoleDiscoveryClient.class);
		assertThat(discovery.getServices()).containsExactly(ROOT);
		await().atMost(Duration.ofSeconds(10)).until(() -> discovery.getInstances(ROOT).size() == 2);
		assertThat(discovery.getInstances(ROOT))
			.extracting(ServiceInstance::getInstanceId, ServiceInstance::getHost, ServiceInstance::getPort,
					(instance) -> instance.getMetadata().get("state"),
					(instance) -> instance.getMetadata().get("serverId"))
			.containsExactly(
					tuple("rootCoord-" + CoordinatorPair.serverId(this.pair.first), "127.0.0.1",
							this.pair.firstWeb.port(), "ACTIVE", CoordinatorPair.serverId(this.pair.first)),
					tuple("rootCoord-" + CoordinatorPair.serverId(this.pair.second), "127.0.0.1",
							this.pair.secondWeb.port(), "STANDBY", CoordinatorPair.serverId(this.pair.second)));
		assertThat(this.client.getBean(DiscoveryClient.class).getServices()).contains(ROOT);
		assertThat(discovery.getInstances("queryCoord")).isEmpty();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ClientApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder(RestClientBuilderConfigurer configurer) {
			return configurer.configure(RestClient.builder());
		}

	}

}
