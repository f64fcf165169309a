package io.github.coordinatorha.election;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.RoleTransitionEvent;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.directory.ActiveChangedEvent;
import io.github.coordinatorha.directory.RoleDirectory;
import io.github.coordinatorha.test.etcd.EtcdCluster;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.info.BuildProperties;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * One node of a test: a whole Spring application context with the starter, in this JVM,
 * talking to a real etcd.
 */
final class TestNode implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final ActiveStandby activeStandby;

	private final EventRecorder recorder;

	private TestNode(ConfigurableApplicationContext context) {
		this.context = context;
		// Kept so that a test can still read them after the node has stopped.
		this.activeStandby = context.getBean(ActiveStandby.class);
		this.recorder = context.getBean(EventRecorder.class);
	}

	static TestNode start(EtcdCluster etcd, String... properties) {
		List<String> all = new ArrayList<>();
		all.add("ha.etcd.endpoints=" + etcd.endpoints());
		all.add("ha.session.ttl=2s");
		all.add("ha.etcd.request-timeout=1s");
		all.add("spring.main.banner-mode=off");
		all.addAll(List.of(properties));
		ConfigurableApplicationContext context = new SpringApplicationBuilder(NodeConfiguration.class)
			.web(WebApplicationType.NONE)
			.properties(all.toArray(String[]::new))
			.run();
		return new TestNode(context);
	}

	ActiveStandby activeStandby() {
		return this.activeStandby;
	}

	boolean isActive(String role) {
		return activeStandby().isActive(role);
	}

	long serverId(String role) {
		return activeStandby().status(role).serverId();
	}

	List<RoleTransitionEvent> events() {
		return this.recorder.events;
	}

	List<RoleTransitionEvent> events(String role) {
		return events().stream().filter((event) -> event.getRole().equals(role)).toList();
	}

	ConfigurableApplicationContext context() {
		return this.context;
	}

	/**
	 * The role directory's events, in the order they were published.
	 */
	List<ActiveChangedEvent> directoryEvents() {
		return this.context.getBean(DirectoryRecorder.class).events;
	}

	RoleDirectory directory() {
		return this.context.getBean(RoleDirectory.class);
	}

	List<String> eventThreads() {
		return this.recorder.threads;
	}

	boolean isRunning() {
		return this.context.isActive();
	}

	@Override
	public void close() {
		if (this.context.isActive()) {
			this.context.close();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ActiveStandbyAutoConfiguration.class)
	static class NodeConfiguration {

		/**
		 * The application's build-info, for a node whose sessions carry a version of its
		 * own: {@code spring.application.version} cannot be set per node, since Spring
		 * Boot's own value (the jar of the test runner) wins over default properties.
		 */
		@Bean
		@ConditionalOnProperty("test.build-version")
		BuildProperties buildProperties(Environment environment) {
			Properties build = new Properties();
			build.setProperty("version", environment.getRequiredProperty("test.build-version"));
			return new BuildProperties(build);
		}

		@Bean
		DirectoryRecorder directoryRecorder() {
			return new DirectoryRecorder();
		}

		@Bean
		EventRecorder eventRecorder(Environment environment) {
			EventRecorder recorder = new EventRecorder();
			recorder.failures.set(environment.getProperty("test.fail-activations", Integer.class, 0));
			return recorder;
		}

	}

	/**
	 * Records the role directory's events and the threads they came on.
	 */
	static class DirectoryRecorder implements ApplicationListener<ActiveChangedEvent> {

		final List<ActiveChangedEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ActiveChangedEvent event) {
			this.events.add(event);
			this.threads.add(Thread.currentThread().getName());
		}

	}

	/**
	 * Records every transition event; fails activations on request, as an application
	 * that cannot load its metadata would.
	 */
	static class EventRecorder implements ApplicationListener<RoleTransitionEvent> {

		final List<RoleTransitionEvent> events = new CopyOnWriteArrayList<>();

		final List<String> threads = new CopyOnWriteArrayList<>();

		final AtomicInteger failures = new AtomicInteger();

		@Override
		public void onApplicationEvent(RoleTransitionEvent event) {
			this.events.add(event);
			this.threads.add(Thread.currentThread().getName());
			if (event instanceof BecameActiveEvent && event.getReason() == TransitionReason.ELECTED
					&& this.failures.getAndDecrement() > 0) {
				throw new IllegalStateException("test: could not load metadata");
			}
		}

	}

}
