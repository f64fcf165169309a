package io.github.coordinatorha.activeonly;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveOnlyContext;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleBound;
import io.github.coordinatorha.RoleTransitionEvent;
import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.beans.factory.BeanCreationException;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.Lifecycle;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.integration.support.SmartLifecycleRoleController;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

/**
 * Work gated on the election, on nodes with a real etcd: {@code @ActiveOnly} scheduled
 * jobs, {@code @RoleBound} lifecycles and Spring Integration's role controller.
 */
class ActiveOnlyTests {

	private static final String ROOT = "rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	/** Every job run on every node of a test: node, start, end, term. */
	static final List<long[]> runs = new CopyOnWriteArrayList<>();

	/** What role-bound beans and ordinary listeners saw, in order. */
	static final List<String> journal = new CopyOnWriteArrayList<>();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final String rootPath = "work-" + System.nanoTime();

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
		runs.clear();
		journal.clear();
	}

	private ConfigurableApplicationContext node(int id, Class<?> configuration, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("test.node=" + id);
		ConfigurableApplicationContext context = TestApplications.run(configuration, etcd.endpoints(), this.rootPath,
				all.toArray(String[]::new));
		this.nodes.add(context);
		return context;
	}

	private static ActiveStandby election(ConfigurableApplicationContext node) {
		return node.getBean(ActiveStandby.class);
	}

	@Test
	void aScheduledJobNeverRunsOnTwoNodesAtOnceAcrossHandoversAndAStop() {
		ConfigurableApplicationContext a = node(1, JobNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(a).isActive(ROOT));
		ConfigurableApplicationContext b = node(2, JobNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(b).status(ROOT).activeServerId() != 0);
		ConfigurableApplicationContext active = a;
		ConfigurableApplicationContext standby = b;
		for (int i = 0; i < 4; i++) {
			long before = ranOn(active);
			await().atMost(Duration.ofSeconds(5)).until(() -> ranOn(a) + ranOn(b) > before + 3);
			assertThat(election(active).handOver(ROOT).isHandedOver()).isTrue();
			ConfigurableApplicationContext next = standby;
			await().atMost(Duration.ofSeconds(5)).until(() -> election(next).isActive(ROOT));
			standby = active;
			active = next;
		}
		long before = ranOn(active);
		await().atMost(Duration.ofSeconds(5)).until(() -> ranOn(a) + ranOn(b) > before + 3);
		active.close();
		ConfigurableApplicationContext survivor = standby;
		await().atMost(Duration.ofSeconds(5)).until(() -> election(survivor).isActive(ROOT));
		long after = ranOn(survivor);
		await().atMost(Duration.ofSeconds(5)).until(() -> ranOn(survivor) > after + 3);
		assertThat(ranOn(a)).isPositive();
		assertThat(ranOn(b)).isPositive();
		List<long[]> ordered = new ArrayList<>(runs);
		ordered.sort((x, y) -> Long.compare(x[1], y[1]));
		for (int i = 1; i < ordered.size(); i++) {
			long[] previous = ordered.get(i - 1);
			long[] run = ordered.get(i);
			assertThat(run[1]).as("a run started before the previous one ended").isGreaterThanOrEqualTo(previous[2]);
			assertThat(run[3]).as("terms never go back").isGreaterThanOrEqualTo(previous[3]);
		}
	}

	private static long ranOn(ConfigurableApplicationContext node) {
		long id = node.getEnvironment().getProperty("test.node", Long.class);
		return runs.stream().filter((run) -> run[0] == id).count();
	}

	@Test
	void aStandbySkipsOrRefusesActiveOnlyCalls() {
		ConfigurableApplicationContext a = node(1, ServiceNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(a).isActive(ROOT));
		ConfigurableApplicationContext b = node(2, ServiceNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(b).status(ROOT).activeServerId() != 0);
		Guarded onActive = a.getBean(Guarded.class);
		Guarded onStandby = b.getBean(Guarded.class);
		assertThat(onActive.term()).isEqualTo(election(a).fencingToken(ROOT).revision());
		assertThat(onActive.count()).isEqualTo(1);
		assertThat(onActive.maybe()).contains("ran");
		assertThat(onStandby.count()).isZero();
		assertThat(onStandby.maybe()).isEmpty();
		assertThat(onStandby.name()).isNull();
		assertThatExceptionOfType(NotActiveException.class).isThrownBy(onStandby::strict)
			.withMessageContaining("rootCoord");
		assertThat(onActive.strict()).isEqualTo("strict");
	}

	@Test
	void withActiveStandbyDisabledTheCallRunsWithAnUnfencedToken() {
		ConfigurableApplicationContext a = node(1, ServiceNode.class, "rootCoord.activeStandby.enabled=false");
		FencingToken token = a.getBean(Guarded.class).token();
		assertThat(token.isFenced()).isFalse();
		assertThat(token).isEqualTo(FencingToken.unfenced(ROOT));
		assertThat(token.revision()).isZero();
		assertThat(token).hasToString("rootCoord@unfenced");
		assertThatIllegalStateException().isThrownBy(() -> election(a).fencingGuard(token))
			.withMessageContaining("active-standby disabled");
	}

	@Test
	void anUnfencedTokenGuardsNoWriteOfARoleInActiveStandbyMode() {
		ConfigurableApplicationContext a = node(1, ServiceNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(a).isActive(ROOT));
		assertThat(a.getBean(Guarded.class).token().isFenced()).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> election(a).fencingGuard(FencingToken.unfenced(ROOT)))
			.withMessageContaining("guards nothing");
	}

	@Test
	void outsideAnActiveOnlyCallThereIsNoTokenAndTheErrorSaysWhere() {
		assertThatIllegalStateException().isThrownBy(ActiveOnlyContext::fencingToken)
			.withMessageContaining("inside a call of a method annotated with @ActiveOnly");
	}

	@Test
	void anActiveOnlyRoleThatDoesNotExistFailsAtStartup() {
		assertThatExceptionOfType(BeanCreationException.class).isThrownBy(() -> node(1, MisspelledNode.class))
			.withMessageContaining("@ActiveOnly(\"rootCord\")")
			.withMessageContaining("rootCoord");
	}

	@Test
	void roleBoundBeansStartAfterActiveAndStopBeforeStandbyIsHeard() {
		ConfigurableApplicationContext a = node(1, BoundNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> journal.contains("listener:active"));
		ConfigurableApplicationContext b = node(2, BoundNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(b).status(ROOT).activeServerId() != 0);
		assertThat(a.getBean(Consumer.class).isRunning()).isTrue();
		assertThat(b.getBean(Consumer.class).isRunning()).isFalse();
		assertThat(election(a).handOver(ROOT).isHandedOver()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> b.getBean(Consumer.class).isRunning());
		assertThat(a.getBean(Consumer.class).isRunning()).isFalse();
		List<String> firstNode = journal.stream().filter((entry) -> !entry.endsWith("@2")).toList();
		assertThat(String.join(",", journal)).contains("start@1,listener:active");
		assertThat(journal.indexOf("stop@1")).isLessThan(journal.indexOf("listener:standby@1"));
		assertThat(firstNode).isNotEmpty();
	}

	@Test
	void aRoleBoundBeanThatFailsToStartGivesTheRoleUp() {
		ConfigurableApplicationContext a = node(1, BoundNode.class, "test.fail-start=true");
		await().atMost(Duration.ofSeconds(10))
			.until(() -> a.getBean(Recorder.class).events.stream()
				.anyMatch((event) -> event.getReason() == TransitionReason.ACTIVATION_FAILED));
		assertThat(a.getBean(Consumer.class).isRunning()).isFalse();
		assertThat(election(a).isActive(ROOT)).isFalse();
	}

	@Test
	void springIntegrationRoleBasedEndpointsFollowTheElection() {
		ConfigurableApplicationContext a = node(1, IntegrationNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(a).isActive(ROOT));
		await().atMost(Duration.ofSeconds(5)).until(() -> a.getBean(Endpoint.class).isRunning());
		ConfigurableApplicationContext b = node(2, IntegrationNode.class);
		await().atMost(Duration.ofSeconds(10)).until(() -> election(b).status(ROOT).activeServerId() != 0);
		assertThat(b.getBean(Endpoint.class).isRunning()).isFalse();
		assertThat(election(a).handOver(ROOT).isHandedOver()).isTrue();
		await().atMost(Duration.ofSeconds(5)).until(() -> b.getBean(Endpoint.class).isRunning());
		await().atMost(Duration.ofSeconds(5)).until(() -> !a.getBean(Endpoint.class).isRunning());
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	@EnableScheduling
	static class JobNode {

		@Bean
		Job job(org.springframework.core.env.Environment environment) {
			return new Job(environment.getProperty("test.node", Long.class));
		}

	}

	static class Job {

		private final long node;

		Job(long node) {
			this.node = node;
		}

		@Scheduled(fixedDelay = 5)
		@ActiveOnly(ROOT)
		public void run() {
			long start = System.nanoTime();
			long term = ActiveOnlyContext.fencingToken().revision();
			// the job's work
			LockSupport.parkNanos(2_000_000);
			runs.add(new long[] { this.node, start, System.nanoTime(), term });
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ServiceNode {

		@Bean
		Guarded guarded() {
			return new Guarded();
		}

	}

	@ActiveOnly(ROOT)
	static class Guarded {

		public long term() {
			return ActiveOnlyContext.fencingToken().revision();
		}

		public FencingToken token() {
			return ActiveOnlyContext.fencingToken();
		}

		public int count() {
			return 1;
		}

		public Optional<String> maybe() {
			return Optional.of("ran");
		}

		public String name() {
			return "name";
		}

		@ActiveOnly(value = ROOT, otherwise = ActiveOnly.Otherwise.FAIL)
		public String strict() {
			return "strict";
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class MisspelledNode {

		@Bean
		Misspelled misspelled() {
			return new Misspelled();
		}

	}

	static class Misspelled {

		@ActiveOnly("rootCord")
		public void run() {
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class BoundNode {

		@Bean
		Consumer consumer(org.springframework.core.env.Environment environment) {
			return new Consumer(environment.getProperty("test.node", Long.class),
					environment.getProperty("test.fail-start", Boolean.class, false));
		}

		@Bean
		Recorder recorder(org.springframework.core.env.Environment environment) {
			return new Recorder(environment.getProperty("test.node", Long.class));
		}

	}

	@RoleBound(ROOT)
	static class Consumer implements Lifecycle {

		private final long node;

		private final boolean failStart;

		private volatile boolean running;

		Consumer(long node, boolean failStart) {
			this.node = node;
			this.failStart = failStart;
		}

		@Override
		public void start() {
			if (this.failStart) {
				throw new IllegalStateException("test: the consumer cannot connect");
			}
			this.running = true;
			journal.add("start@" + this.node);
		}

		@Override
		public void stop() {
			this.running = false;
			journal.add("stop@" + this.node);
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

	}

	static class Recorder {

		final List<RoleTransitionEvent> events = new CopyOnWriteArrayList<>();

		private final long node;

		Recorder(long node) {
			this.node = node;
		}

		@EventListener
		void on(RoleTransitionEvent event) {
			if (!ROOT.equals(event.getRole())) {
				return;
			}
			this.events.add(event);
			if (event instanceof BecameActiveEvent) {
				journal.add((this.node == 1) ? "listener:active" : "listener:active@" + this.node);
			}
			else if (event instanceof BecameStandbyEvent) {
				journal.add("listener:standby@" + this.node);
			}
		}

	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class IntegrationNode {

		@Bean
		Endpoint endpoint() {
			return new Endpoint();
		}

		@Bean
		SmartLifecycleRoleController roleController(Endpoint endpoint) {
			return new SmartLifecycleRoleController(List.of(ROOT), List.of(endpoint));
		}

	}

	/**
	 * Stands for a Spring Integration endpoint in role rootCoord.
	 */
	static class Endpoint implements SmartLifecycle {

		private volatile boolean running;

		@Override
		public void start() {
			this.running = true;
		}

		@Override
		public void stop() {
			this.running = false;
		}

		@Override
		public boolean isRunning() {
			return this.running;
		}

		@Override
		public boolean isAutoStartup() {
			return false;
		}

	}

}
