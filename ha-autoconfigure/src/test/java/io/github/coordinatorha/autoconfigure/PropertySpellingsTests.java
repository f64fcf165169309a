package io.github.coordinatorha.autoconfigure;

import java.util.Map;

import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * A near-miss of a setting fails at startup, naming the spelling meant, instead of
 * leaving a role silently disabled or a setting at its default.
 */
@ExtendWith(OutputCaptureExtension.class)
class PropertySpellingsTests {

	@Test
	void aNearMissOfEnabledOnTheCommandLineFailsNamingTheToggle() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--rootCoord.activeStandby.enable=true"));
		assertFails(environment, "rootCoord.activeStandby.enable", "Did you mean rootCoord.activeStandby.enabled?")
			.contains("rootCoord would run with active-standby disabled");
	}

	@Test
	void aNearMissOfActiveStandbyFailsNamingTheToggle() {
		assertFails(new MockEnvironment().withProperty("rootCoord.activeStanby.enabled", "true"),
				"rootCoord.activeStanby.enabled", "Did you mean rootCoord.activeStandby.enabled?");
	}

	@Test
	void theMilvusVariableWithoutOneUnderscoreFailsNamingTheVariableThatBinds() {
		assertFails(ConfiguredRolesTests.environment(Map.of("ROOTCOORD_ENABLE_ACTIVE_STANDBY", "true")),
				"ROOTCOORD_ENABLE_ACTIVE_STANDBY", "Did you mean ROOT_COORD_ENABLE_ACTIVE_STANDBY?");
		assertFails(ConfiguredRolesTests.environment(Map.of("QUERYCOORD_ACTIVE_STANDBY_ENABLED", "true")),
				"QUERYCOORD_ACTIVE_STANDBY_ENABLED", "Did you mean QUERYCOORD_ACTIVESTANDBY_ENABLED?");
	}

	@Test
	void aNearMissOfTheMilvusYamlSpellingFailsNamingIt() {
		assertFails(new MockEnvironment().withProperty("dataCoord.enableActiveStandy", "true"),
				"dataCoord.enableActiveStandy", "Did you mean dataCoord.enableActiveStandby?");
	}

	@Test
	void aNearMissOfTheRoleNameFailsNamingTheRole() {
		assertFails(new MockEnvironment().withProperty("rootCord.activeStandby.enabled", "true"),
				"rootCord.activeStandby.enabled", "Did you mean rootCoord.activeStandby.enabled?");
	}

	@Test
	void anUnknownKeyUnderARolesActiveStandbyFails() {
		assertFails(new MockEnvironment().withProperty("rootCoord.activeStandby.mode", "on"),
				"rootCoord.activeStandby.mode", "Did you mean rootCoord.activeStandby.enabled?");
		assertFails(new MockEnvironment().withProperty("rootCoord.enableActiveStandby.enabled", "true"),
				"rootCoord.enableActiveStandby.enabled", "Did you mean rootCoord.enableActiveStandby?");
	}

	@Test
	void anUnknownKeyUnderACustomRoleFails() {
		assertFails(new MockEnvironment().withProperty("ha.roles.indexCoord.activeStandby.enable", "true"),
				"ha.roles.indexCoord.activeStandby.enable", "Did you mean ha.roles.indexCoord.activeStandby.enabled?");
		assertFails(new MockEnvironment().withProperty("ha.roles.indexCoord.ttl", "2s"), "ha.roles.indexCoord.ttl",
				"Did you mean ha.roles.indexCoord.activeStandby.enabled?");
	}

	@Test
	void aCustomRoleOutsideHaRolesFailsSayingWhereRolesGo() {
		assertFails(new MockEnvironment().withProperty("ha.role.indexCoord.activeStandby.enabled", "true"),
				"ha.role.indexCoord.activeStandby.enabled", "ha.roles.<name>.activeStandby.enabled");
	}

	@Test
	void aNearMissOfAnHaSettingFailsNamingTheSetting() {
		assertFails(new MockEnvironment().withProperty("ha.etcd.endpoint", "http://etcd:2379"), "ha.etcd.endpoint",
				"Did you mean ha.etcd.endpoints?")
			.contains("ha.etcd.endpoints would keep its default");
		assertFails(new MockEnvironment().withProperty("ha.sesion.ttl", "2s"), "ha.sesion.ttl",
				"Did you mean ha.session.ttl?");
		assertFails(ConfiguredRolesTests.environment(Map.of("HA_ETCD_ENDPOINT", "http://etcd:2379")),
				"HA_ETCD_ENDPOINT", "Did you mean HA_ETCD_ENDPOINTS?");
	}

	@Test
	void everySpellingThatBindsPasses() {
		assertPasses(new MockEnvironment().withProperty("rootCoord.activeStandby.enabled", "true")
			.withProperty("root-coord.enable-active-standby", "true")
			.withProperty("queryCoord.activeStandby.enabled", "false")
			.withProperty("ha.roles.indexCoord.activeStandby.enabled", "true")
			.withProperty("ha.roles.streamCoord.enableActiveStandby", "false")
			.withProperty("ha.etcd.endpoints[0]", "http://etcd-0:2379")
			.withProperty("ha.etcd.rootPath", "by-dev")
			.withProperty("ha.etcd.meta-sub-path", "meta")
			.withProperty("ha.session.ttl", "2s")
			.withProperty("ha.health.readiness.standby-not-ready", "true"));
		assertPasses(ConfiguredRolesTests.environment(Map.of("ROOT_COORD_ENABLE_ACTIVE_STANDBY", "true",
				"QUERYCOORD_ACTIVESTANDBY_ENABLED", "true", "DATACOORD_ENABLEACTIVESTANDBY", "false",
				"HA_ETCD_ENDPOINTS_0", "http://etcd-0:2379", "HA_SESSION_TTL", "2s")));
	}

	@Test
	void theApplicationsOwnKeysUnderARoleOrMentioningStandbyPass() {
		assertPasses(new MockEnvironment().withProperty("rootCoord.port", "53100")
			.withProperty("rootCoord.dmlChannelNum", "16")
			.withProperty("queryCoord.autoHandoff", "true")
			.withProperty("management.endpoint.activestandby.access", "read-only")
			.withProperty("app.standby.greeting", "hello"));
	}

	@Test
	void theEnvironmentOfThisJvmPasses() {
		assertPasses(new StandardEnvironment());
	}

	@Test
	void theFailureReportNamesTheKeyAndTheSpellingMeant(CapturedOutput output) {
		assertThatException()
			.isThrownBy(() -> new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE)
				.run("--rootCoord.activeStandby.enable=true"))
			.havingRootCause()
			.isInstanceOf(InvalidHaConfigurationException.class);
		assertThat(output).contains("APPLICATION FAILED TO START")
			.contains("Invalid coordinator-ha configuration: 'rootCoord.activeStandby.enable' is not a setting of"
					+ " coordinator-ha")
			.contains("Did you mean rootCoord.activeStandby.enabled? Write it that way");
	}

	private static AbstractStringAssert<?> assertFails(Environment environment, String key, String meant) {
		InvalidHaConfigurationException failure = catchThrowableOfType(InvalidHaConfigurationException.class,
				() -> ConfiguredRoles.from(environment));
		assertThat(failure).as("a failure for " + key).isNotNull();
		assertThat(failure.getProperty()).isEqualTo(key);
		assertThat(failure.getAction()).contains(meant);
		return assertThat(failure.getMessage());
	}

	private static void assertPasses(Environment environment) {
		assertThatNoException().isThrownBy(() -> ConfiguredRoles.from(environment));
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@EnableAutoConfiguration
	static class App {

	}

}
