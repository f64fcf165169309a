package io.github.coordinatorha.test;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyProperties;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.test.annotation.DirtiesContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

/**
 * {@link LocalEtcd} and {@link LocalEtcdExtension}, used in test classes written as a
 * user writes them, run here with JUnit's test kit so that what they leave behind can be
 * checked.
 */
class LocalEtcdTests {

	/** What the user's test classes saw: their endpoints, one entry per class. */
	static final List<String> seen = new CopyOnWriteArrayList<>();

	@Test
	void aSpringBootTestElectsOnARealEtcdOfItsOwnAndLeavesNothingBehind() {
		String before = System.getProperty(LocalEtcdExtension.ENDPOINTS_PROPERTY);
		seen.clear();
		run(ElectingTests.class).assertStatistics((stats) -> stats.succeeded(1).failed(0));
		assertThat(seen).singleElement().satisfies((endpoints) -> {
			URI uri = URI.create(endpoints);
			assertThat(uri.getHost()).isEqualTo("127.0.0.1");
			assertThat(uri.getPort()).isNotEqualTo(2379);
		});
		assertThat(System.getProperty(LocalEtcdExtension.ENDPOINTS_PROPERTY)).isEqualTo(before);
	}

	@Test
	void classesWithTheSameConfigurationNeverShareAContextOrAnEtcd() {
		seen.clear();
		run(ElectingTests.class, WithoutEtcdTests.class, OtherElectingTests.class)
			.assertStatistics((stats) -> stats.succeeded(3).failed(0));
		assertThat(seen).hasSize(2).doesNotHaveDuplicates();
	}

	@Test
	void aContextCachedByAClassWithoutEtcdIsNotReused() {
		run(NoEtcdFirstTests.class, BoundToItsEtcdTests.class)
			.assertStatistics((stats) -> stats.succeeded(2).failed(0));
	}

	@Test
	void aRegisteredExtensionPointsApplicationsThatATestStartsAtItsEtcd() {
		run(RegisteredExtensionTests.class).assertStatistics((stats) -> stats.succeeded(1).failed(0));
	}

	private static Events run(Class<?>... classes) {
		EngineTestKit.Builder builder = EngineTestKit.engine("junit-jupiter")
			.configurationParameter("junit.jupiter.testclass.order.default",
					"org.junit.jupiter.api.ClassOrderer$OrderAnnotation");
		for (Class<?> type : classes) {
			builder.selectors(selectClass(type));
		}
		Events events = builder.execute().testEvents();
		events.failed()
			.stream()
			.forEach((event) -> event.getPayload(Throwable.class).ifPresent(Throwable::printStackTrace));
		return events;
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

	@SpringBootTest(classes = App.class, properties = "rootCoord.activeStandby.enabled=true",
			webEnvironment = SpringBootTest.WebEnvironment.NONE)
	@LocalEtcd
	static class ElectingTests {

		@Autowired
		ActiveStandby activeStandby;

		@Test
		void elects(EtcdCluster etcd) {
			await().atMost(Duration.ofSeconds(20)).until(() -> this.activeStandby.isActive("rootCoord"));
			assertThat(etcd.etcdctl("get", "--keys-only", "by-dev/meta/session/rootcoord")).contains("rootcoord");
			assertThat(System.getProperty(LocalEtcdExtension.ENDPOINTS_PROPERTY)).isEqualTo(etcd.endpoints());
			seen.add(etcd.endpoints());
		}

	}

	@SpringBootTest(classes = App.class, properties = "rootCoord.activeStandby.enabled=true",
			webEnvironment = SpringBootTest.WebEnvironment.NONE)
	@LocalEtcd
	static class OtherElectingTests extends ElectingTests {

	}

	/** The same configuration without @LocalEtcd: no endpoints are left for it. */
	@SpringBootTest(classes = App.class, properties = "rootCoord.activeStandby.enabled=true",
			webEnvironment = SpringBootTest.WebEnvironment.NONE)
	@DirtiesContext
	static class WithoutEtcdTests {

		@Autowired
		Environment environment;

		@Test
		void seesNoLocalEtcd() {
			assertThat(this.environment.getProperty(LocalEtcdExtension.ENDPOINTS_PROPERTY)).isNull();
		}

	}

	@SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
	@Order(1)
	static class NoEtcdFirstTests {

		@Test
		void loads() {
		}

	}

	/**
	 * Same configuration as the class before: would get its context, bound to no etcd.
	 */
	@SpringBootTest(classes = App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE)
	@LocalEtcd
	@Order(2)
	static class BoundToItsEtcdTests {

		@Autowired
		ActiveStandbyProperties properties;

		@Test
		void isBoundToItsEtcd(EtcdCluster etcd) {
			assertThat(this.properties.getEtcd().getEndpoints()).containsExactly(etcd.endpoints());
		}

	}

	static class RegisteredExtensionTests {

		@RegisterExtension
		static final LocalEtcdExtension etcd = new LocalEtcdExtension();

		@Test
		void applicationStartedByTheTestElects() {
			try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
				.web(WebApplicationType.NONE)
				.run("--rootCoord.activeStandby.enabled=true", "--ha.session.ttl=2s")) {
				ActiveStandby activeStandby = context.getBean(ActiveStandby.class);
				await().atMost(Duration.ofSeconds(20)).until(() -> activeStandby.isActive("rootCoord"));
				assertThat(etcd.cluster().etcdctl("get", "--keys-only", "by-dev/meta/session/rootcoord"))
					.contains("rootcoord");
			}
		}

	}

}
