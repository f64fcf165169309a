package io.github.coordinatorha.integration;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.test.etcd.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;
import org.springframework.integration.leader.Context;
import org.springframework.integration.leader.event.AbstractLeaderEvent;
import org.springframework.integration.leader.event.OnGrantedEvent;
import org.springframework.integration.leader.event.OnRevokedEvent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Integration's leader events and their {@link Context}, as an application that
 * listens for them sees them: two nodes in this JVM against a real etcd.
 */
class LeaderEventsBridgeTests {

	private static final String ROOT = "rootCoord";

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.single();

	private final List<ConfigurableApplicationContext> nodes = new ArrayList<>();

	private final String rootPath = "leader-" + System.nanoTime();

	@AfterEach
	void stopNodes() {
		this.nodes.forEach(ConfigurableApplicationContext::close);
	}

	private ConfigurableApplicationContext node() {
		ConfigurableApplicationContext context = TestApplications.run(ListeningNode.class, etcd.endpoints(),
				this.rootPath);
		this.nodes.add(context);
		return context;
	}

	private static boolean isActive(ConfigurableApplicationContext node) {
		return node.getBean(ActiveStandby.class).isActive(ROOT);
	}

	private static LeaderEvents events(ConfigurableApplicationContext node) {
		return node.getBean(LeaderEvents.class);
	}

	@Test
	void theGrantedContextAsksTheElectionAndItsYieldHandsTheRoleOver() {
		ConfigurableApplicationContext first = node();
		await().atMost(Duration.ofSeconds(10)).until(() -> events(first).last(OnGrantedEvent.class) != null);
		Context context = events(first).last(OnGrantedEvent.class).getContext();
		assertThat(context.getRole()).isEqualTo(ROOT);
		assertThat(context.isLeader()).isTrue();
		ConfigurableApplicationContext second = node();
		await().atMost(Duration.ofSeconds(10))
			.until(() -> second.getBean(ActiveStandby.class).status(ROOT).activeServerId() != 0);
		assertThat(events(second).last(OnGrantedEvent.class)).isNull();
		// a node that starts as a standby was never granted, so it hears of no revocation
		assertThat(events(second).last(OnRevokedEvent.class)).isNull();
		context.yield();
		await().atMost(Duration.ofSeconds(5)).until(() -> isActive(second));
		assertThat(isActive(first)).isFalse();
		assertThat(context.isLeader()).isFalse();
		await().atMost(Duration.ofSeconds(5)).until(() -> events(first).revokedSinceGranted());
		await().atMost(Duration.ofSeconds(5)).until(() -> events(second).last(OnGrantedEvent.class) != null);
		assertThat(events(second).last(OnGrantedEvent.class).getContext().isLeader()).isTrue();
	}

	@Test
	void yieldWithNoStandbyKeepsTheRole() {
		ConfigurableApplicationContext only = node();
		await().atMost(Duration.ofSeconds(10)).until(() -> events(only).last(OnGrantedEvent.class) != null);
		Context context = events(only).last(OnGrantedEvent.class).getContext();
		context.yield();
		assertThat(context.isLeader()).isTrue();
		assertThat(isActive(only)).isTrue();
		assertThat(events(only).revokedSinceGranted()).isFalse();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class ListeningNode {

		@Bean
		LeaderEvents leaderEvents() {
			return new LeaderEvents();
		}

	}

	/**
	 * An application's listener for Spring Integration's leader events of rootCoord.
	 */
	static class LeaderEvents {

		private final List<AbstractLeaderEvent> events = new CopyOnWriteArrayList<>();

		@EventListener
		void on(AbstractLeaderEvent event) {
			if (ROOT.equals(event.getRole())) {
				this.events.add(event);
			}
		}

		/** Whether an OnRevokedEvent came after the last OnGrantedEvent. */
		boolean revokedSinceGranted() {
			List<AbstractLeaderEvent> seen = List.copyOf(this.events);
			for (int i = seen.size() - 1; i >= 0; i--) {
				if (seen.get(i) instanceof OnGrantedEvent) {
					return false;
				}
				if (seen.get(i) instanceof OnRevokedEvent) {
					return seen.stream().anyMatch(OnGrantedEvent.class::isInstance);
				}
			}
			return false;
		}

		<E extends AbstractLeaderEvent> E last(Class<E> type) {
			E last = null;
			for (AbstractLeaderEvent event : this.events) {
				if (type.isInstance(event)) {
					last = type.cast(event);
				}
			}
			return last;
		}

	}

}
