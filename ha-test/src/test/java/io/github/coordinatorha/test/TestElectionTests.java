package io.github.coordinatorha.test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveOnlyContext;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.FencingToken;
import io.github.coordinatorha.Handover;
import io.github.coordinatorha.NotActiveException;
import io.github.coordinatorha.RoleBound;
import io.github.coordinatorha.RoleStatus;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.activeonly.ActiveOnlyAutoConfiguration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Listeners, {@code @ActiveOnly} and {@code @RoleBound} code tested as a user tests them:
 * a {@code @SpringBootTest} with {@link AutoConfigureTestElection}, no etcd.
 */
@SpringBootTest(classes = TestElectionTests.App.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
		properties = "rootCoord.activeStandby.enabled=false")
@AutoConfigureTestElection(active = "rootCoord", standby = "queryCoord")
class TestElectionTests {

	@Autowired
	TestElection election;

	@Autowired
	ActiveStandby activeStandby;

	@Autowired
	Compactor compactor;

	@Autowired
	Consumer consumer;

	@Autowired
	Switch listener;

	@AfterEach
	void backToTheStart() {
		this.election.becomeActive("rootCoord");
		this.election.becomeStandby("queryCoord");
		this.listener.events.clear();
	}

	@Test
	void theNamedRolesStartAsNamedWithoutEtcd() {
		assertThat(this.activeStandby).isSameAs(this.election);
		assertThat(this.activeStandby.isActive("rootCoord")).isTrue();
		RoleStatus query = this.activeStandby.status("queryCoord");
		assertThat(query.isActive()).isFalse();
		assertThat(query.activeServerId()).isEqualTo(TestElection.OTHER_SERVER_ID);
		assertThat(query.activeAddress()).isEqualTo(TestElection.OTHER_ADDRESS);
		assertThat(this.consumer.running).isTrue();
		assertThat(this.compactor.compact()).isNotNull();
	}

	@Test
	void becomingStandbyStopsTheWorkAndTellsTheListenersAtOnce() {
		RoleStatus status = this.election.becomeStandby("rootCoord");
		assertThat(status.reason()).isEqualTo(TransitionReason.ANOTHER_NODE_ACTIVE);
		assertThat(this.listener.events).singleElement().isInstanceOf(BecameStandbyEvent.class);
		assertThat(this.consumer.running).isFalse();
		assertThat(this.compactor.compact()).isNull();
		assertThatExceptionOfType(NotActiveException.class)
			.isThrownBy(() -> this.activeStandby.fencingToken("rootCoord"));
	}

	@Test
	void everyNewTermHasAHigherToken() {
		FencingToken first = this.compactor.compact();
		this.election.becomeStandby("rootCoord");
		this.election.becomeActive("rootCoord");
		FencingToken second = this.compactor.compact();
		assertThat(second.isNewerThan(first)).isTrue();
		assertThat(second).isEqualTo(this.activeStandby.fencingToken("rootCoord"));
		assertThat(this.listener.events).hasSize(2).last().isInstanceOf(BecameActiveEvent.class);
	}

	@Test
	void aListenerThatFailsGivesTheRoleUpAsOnARealNode() {
		this.listener.failNext = true;
		RoleStatus status = this.election.becomeActive("queryCoord");
		assertThat(status.isActive()).isFalse();
		assertThat(status.reason()).isEqualTo(TransitionReason.ACTIVATION_FAILED);
	}

	@Test
	void handingOverMakesThisNodeStandby() {
		Handover handover = this.activeStandby.handOver("rootCoord");
		assertThat(handover.isHandedOver()).isTrue();
		assertThat(handover.successorServerId()).isEqualTo(TestElection.OTHER_SERVER_ID);
		assertThat(this.activeStandby.status("rootCoord").reason()).isEqualTo(TransitionReason.RESIGNED);
	}

	@Test
	void aRoleNamedInTheAnnotationMustExist() {
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(TestElectionAutoConfiguration.class,
					ActiveStandbyAutoConfiguration.class, ActiveOnlyAutoConfiguration.class))
			.withPropertyValues("coordinator-ha.test.election.active=rootCord")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("names 'rootCord', which is no role"));
	}

	@Test
	void aRoleWithActiveStandbyDisabledIsServedAndNotDriven() {
		new ApplicationContextRunner()
			.withConfiguration(
					AutoConfigurations.of(TestElectionAutoConfiguration.class, ActiveStandbyAutoConfiguration.class))
			.withPropertyValues("coordinator-ha.test.election.active=rootCoord",
					"dataCoord.activeStandby.enabled=false")
			.run((context) -> {
				TestElection election = context.getBean(TestElection.class);
				assertThat(election.status("dataCoord").reason()).isEqualTo(TransitionReason.HA_DISABLED);
				assertThat(election.isActive("dataCoord")).isTrue();
				assertThatIllegalStateException().isThrownBy(() -> election.becomeStandby("dataCoord"))
					.withMessageContaining("@AutoConfigureTestElection");
			});
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

		@Bean
		Compactor compactor() {
			return new Compactor();
		}

		@Bean
		Consumer consumer() {
			return new Consumer();
		}

		@Bean
		Switch roleSwitch() {
			return new Switch();
		}

	}

	static class Compactor {

		@ActiveOnly("rootCoord")
		public FencingToken compact() {
			return ActiveOnlyContext.fencingToken();
		}

	}

	@RoleBound("rootCoord")
	static class Consumer implements Lifecycle {

		volatile boolean running;

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

	}

	static class Switch {

		final List<Object> events = new CopyOnWriteArrayList<>();

		volatile boolean failNext;

		@EventListener(condition = "#event.role == 'rootCoord'")
		void onRootCoord(io.github.coordinatorha.RoleTransitionEvent event) {
			this.events.add(event);
		}

		@EventListener(condition = "#event.role == 'queryCoord'")
		void onQueryCoord(BecameActiveEvent event) {
			if (this.failNext) {
				this.failNext = false;
				throw new IllegalStateException("could not load queryCoord's metadata");
			}
		}

	}

}
