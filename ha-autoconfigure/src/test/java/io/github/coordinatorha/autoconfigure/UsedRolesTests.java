package io.github.coordinatorha.autoconfigure;

import io.github.coordinatorha.ActiveOnly;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.BecameStandbyEvent;
import io.github.coordinatorha.RoleBound;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.Lifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.integration.annotation.Role;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A role nobody configures appears once the application uses it, and only then.
 */
class UsedRolesTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ActiveStandbyAutoConfiguration.class));

	@Test
	void anActiveOnlyMethodMakesItsRoleAppear() {
		this.contextRunner.withBean(Compactor.class)
			.run((context) -> assertThat(context.getBean(ActiveStandby.class).statuses())
				.containsOnlyKeys("queryCoord"));
	}

	@Test
	void aRoleBoundBeanMakesItsRoleAppear() {
		this.contextRunner.withBean(Consumer.class)
			.run((context) -> assertThat(context.getBean(ActiveStandby.class).statuses())
				.containsOnlyKeys("dataCoord"));
	}

	@Test
	void aListenerWhoseConditionNamesTheRoleMakesItAppear() {
		this.contextRunner.withBean(Switch.class)
			.run((context) -> assertThat(context.getBean(ActiveStandby.class).statuses())
				.containsOnlyKeys("rootCoord"));
	}

	@Test
	void aSpringIntegrationRoleOnABeanMethodMakesItAppear() {
		this.contextRunner.withUserConfiguration(Endpoints.class)
			.run((context) -> assertThat(context.getBean(ActiveStandby.class).statuses())
				.containsOnlyKeys("dataCoord"));
	}

	@Test
	void aListenerOfOtherEventsOrWithoutARoleMakesNoRoleAppear() {
		this.contextRunner.withBean(Bystander.class)
			.run((context) -> assertThat(context.getBean(ActiveStandby.class).statuses()).isEmpty());
	}

	@Test
	void usedAndConfiguredRolesAppearTogetherWithTheirOwnToggles() {
		this.contextRunner.withBean(Compactor.class)
			.withPropertyValues("rootCoord.activeStandby.enabled=false")
			.run((context) -> {
				ActiveStandby activeStandby = context.getBean(ActiveStandby.class);
				assertThat(activeStandby.statuses()).containsOnlyKeys("rootCoord", "queryCoord");
				assertThat(activeStandby.isActive("queryCoord")).isTrue();
			});
	}

	static class Compactor {

		@ActiveOnly("queryCoord")
		public void compact() {
		}

	}

	@RoleBound("dataCoord")
	static class Consumer implements Lifecycle {

		@Override
		public void start() {
		}

		@Override
		public void stop() {
		}

		@Override
		public boolean isRunning() {
			return false;
		}

	}

	static class Switch {

		@EventListener(condition = "#event.role == 'rootCoord'")
		void onActive(BecameActiveEvent event) {
		}

	}

	static class Bystander {

		@EventListener
		void onAnyRole(BecameStandbyEvent event) {
		}

		@EventListener(condition = "#event.source == 'queryCoord'")
		void onSomethingElse(org.springframework.context.PayloadApplicationEvent<String> event) {
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Endpoints {

		@Bean
		@Role("dataCoord")
		Runnable poller() {
			return () -> {
			};
		}

	}

}
