package io.github.coordinatorha.autoconfigure;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.BecameActiveEvent;
import io.github.coordinatorha.RoleTransitionEvent;
import io.github.coordinatorha.TransitionReason;
import io.github.coordinatorha.directory.RoleDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * What the auto-configuration creates, without etcd.
 */
@ExtendWith(OutputCaptureExtension.class)
class ActiveStandbyAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ActiveStandbyAutoConfiguration.class));

	@Test
	void runWithEveryRoleDisabledNeedsNoEtcdAndServesTheConfiguredRoles() {
		this.contextRunner.withUserConfiguration(Recorder.class)
			.withPropertyValues("rootCoord.activeStandby.enabled=false", "dataCoord.enableActiveStandby=false")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(ActiveStandby.class);
				assertThat(context.getBeanProvider(Client.class).getIfAvailable()).isNull();
				ActiveStandby activeStandby = context.getBean(ActiveStandby.class);
				assertThat(activeStandby.statuses()).containsOnlyKeys("rootCoord", "dataCoord");
				assertThat(activeStandby.isActive("rootCoord")).isTrue();
				assertThat(activeStandby.isActive("dataCoord")).isTrue();
				assertThat(activeStandby.status("rootCoord").reason()).isEqualTo(TransitionReason.HA_DISABLED);
				List<RoleTransitionEvent> events = context.getBean(Recorder.class).events;
				await().until(() -> events.size() == 2);
				assertThat(events).allMatch(BecameActiveEvent.class::isInstance);
			});
	}

	@Test
	void runWithNoRoleConfiguredOrUsedServesNone() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			ActiveStandby activeStandby = context.getBean(ActiveStandby.class);
			assertThat(activeStandby.statuses()).isEmpty();
			assertThatIllegalArgumentException().isThrownBy(() -> activeStandby.isActive("queryCoord"))
				.withMessageContaining("queryCoord");
		});
	}

	@Test
	void runWithEndpointsButNoRoleInActiveStandbyModeWarnsThatEtcdIsNotUsed(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("ha.etcd.endpoints=http://127.0.0.1:1", "rootCoord.activeStandby.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output)
			.contains("ha.etcd.endpoints is set (http://127.0.0.1:1), but no role runs in active-standby"
					+ " mode: this node does not use etcd and serves every role (rootCoord) on its own")
			.contains("set rootCoord.activeStandby.enabled=true");
	}

	@Test
	void runWithoutEndpointsAndNoRoleInActiveStandbyModeDoesNotWarn(CapturedOutput output) {
		this.contextRunner.withPropertyValues("rootCoord.activeStandby.enabled=false")
			.run((context) -> assertThat(context).hasNotFailed());
		assertThat(output).doesNotContain("but no role runs in active-standby mode");
	}

	@Test
	void runWithARoleEnabledCreatesTheEtcdClient() {
		this.contextRunner
			.withPropertyValues("rootCoord.activeStandby.enabled=true", "ha.etcd.endpoints=http://127.0.0.1:1")
			.run((context) -> assertThat(context).hasNotFailed().hasSingleBean(Client.class));
	}

	@Test
	void runWithDirectoryRolesOnlyCreatesTheEtcdClientAndTheDirectoryWithoutWarning(CapturedOutput output) {
		this.contextRunner
			.withPropertyValues("ha.directory.roles=rootCoord,queryCoord", "ha.etcd.endpoints=http://127.0.0.1:1")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasSingleBean(Client.class).hasSingleBean(RoleDirectory.class);
				assertThat(context.getBean(RoleDirectory.class).roles()).containsExactly("rootCoord", "queryCoord");
				assertThat(context.getBean(ActiveStandby.class).statuses()).isEmpty();
			});
		assertThat(output).doesNotContain("but no role runs in active-standby mode");
	}

	@Test
	void runWithoutDirectoryRolesHasAnEmptyDirectory() {
		this.contextRunner.withPropertyValues("rootCoord.activeStandby.enabled=false")
			.run((context) -> assertThat(context.getBean(RoleDirectory.class).roles()).isEmpty());
	}

	@Test
	void runWithADirectoryRoleThatIsNoRoleNameFailsNamingTheProperty() {
		assertStartupFails(List.of("ha.directory.roles=rootCoord,root-coord"), "ha.directory.roles",
				"names 'root-coord', which is not a role name", "ha.directory.roles=rootCoord,queryCoord");
	}

	@Test
	void runWithANegativeDirectoryWaitFailsNamingThePropertyEvenWithoutARestClient() {
		assertStartupFails(List.of("ha.directory.roles=rootCoord", "ha.directory.await-active=-5s"),
				"ha.directory.await-active", "is -5000 ms, a negative wait");
	}

	@Test
	void runWithADirectoryRoleNamedTwiceFailsNamingTheProperty() {
		assertStartupFails(List.of("ha.directory.roles=rootCoord,rootcoord"), "ha.directory.roles",
				"names the role 'rootcoord' twice");
	}

	/**
	 * Asserts that the context fails to start with an
	 * {@link InvalidHaConfigurationException} whose message holds every part.
	 */
	private void assertStartupFails(List<String> properties, String... messageParts) {
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			assertThat(context).getFailure().rootCause().isInstanceOf(InvalidHaConfigurationException.class);
			for (String part : messageParts) {
				assertThat(context).getFailure().rootCause().hasMessageContaining(part);
			}
		});
	}

	@Test
	void runWithAUserClientBacksOff() {
		this.contextRunner.withUserConfiguration(UserClient.class)
			.withPropertyValues("rootCoord.activeStandby.enabled=true")
			.run((context) -> assertThat(context).hasSingleBean(Client.class).hasBean("userClient"));
	}

	@Test
	void runWithMalformedEndpointFailsNamingTheProperty() {
		assertStartupFails(List.of("rootCoord.activeStandby.enabled=true", "ha.etcd.endpoints=etcd:2379"),
				"ha.etcd.endpoints", "http://host:port");
	}

	@Test
	void runWithEmptyEndpointsFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("rootCoord.activeStandby.enabled=true", "ha.etcd.endpoints=")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ha.etcd.endpoints")
				.hasMessageContaining("is empty"));
	}

	@Test
	void runWithZeroTtlFailsNamingTheProperty() {
		this.contextRunner.withPropertyValues("rootCoord.activeStandby.enabled=true", "ha.session.ttl=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ha.session.ttl")
				.hasMessageContaining("positive"));
	}

	@Test
	void runWithSubSecondTtlFailsBecauseEtcdGrantsWholeSeconds() {
		this.contextRunner.withPropertyValues("rootCoord.activeStandby.enabled=true", "ha.session.ttl=500ms")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("ha.session.ttl")
				.hasMessageContaining("whole seconds"));
	}

	@Test
	void aDurationInAMessageReadsAsTheUserWroteIt() {
		this.contextRunner.withPropertyValues("rootCoord.activeStandby.enabled=true", "ha.etcd.request-timeout=0s")
			.run((context) -> assertThat(context).getFailure()
				.rootCause()
				.hasMessageContaining("'ha.etcd.request-timeout' is 0s, but must be positive")
				.hasMessageNotContaining("PT0S"));
	}

	@Test
	void failureAnalysisGivesDescriptionAndAction() {
		InvalidHaConfigurationException failure = new InvalidHaConfigurationException("ha.session.ttl",
				"is 0s, but must be positive", "Set it to a positive duration such as 10s");
		FailureAnalysis analysis = new InvalidHaConfigurationFailureAnalyzer().analyze(failure);
		assertThat(analysis.getDescription()).contains("ha.session.ttl").doesNotContain("such as 10s");
		assertThat(analysis.getAction()).isEqualTo("Set it to a positive duration such as 10s");
	}

	@Configuration(proxyBeanMethods = false)
	static class Recorder implements ApplicationListener<RoleTransitionEvent> {

		final List<RoleTransitionEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(RoleTransitionEvent event) {
			this.events.add(event);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserClient {

		@Bean(destroyMethod = "close")
		Client userClient() {
			return Client.builder().endpoints("http://127.0.0.1:1").build();
		}

	}

}
