package io.github.coordinatorha.autoconfigure;

import java.util.List;
import java.util.Map;

import io.github.coordinatorha.election.RoleDefinition;
import org.junit.jupiter.api.Test;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every spelling of the role toggles users bring binds.
 */
class ConfiguredRolesTests {

	@Test
	void everyCoordinatorIsKnownAndDisabledByDefaultButNoneIsServed() {
		ConfiguredRoles roles = ConfiguredRoles.from(new MockEnvironment());
		assertThat(roles.known()).containsExactly(new RoleDefinition("rootCoord", false),
				new RoleDefinition("queryCoord", false), new RoleDefinition("dataCoord", false));
		assertThat(roles.roles()).isEmpty();
		assertThat(roles.anyActiveStandby()).isFalse();
	}

	@Test
	void aCoordinatorWhoseToggleIsSetToFalseIsServed() {
		ConfiguredRoles roles = ConfiguredRoles
			.from(new MockEnvironment().withProperty("queryCoord.activeStandby.enabled", "false"));
		assertThat(roles.roles()).containsExactly(new RoleDefinition("queryCoord", false));
	}

	@Test
	void usedRolesAreServedInTheOrderOfTheKnownOnesAndUnknownNamesAreIgnored() {
		ConfiguredRoles roles = ConfiguredRoles
			.from(new MockEnvironment().withProperty("dataCoord.activeStandby.enabled", "true"))
			.andUsed(List.of("rootCord", "rootCoord"));
		assertThat(roles.roles()).containsExactly(new RoleDefinition("rootCoord", false),
				new RoleDefinition("dataCoord", true));
	}

	@Test
	void camelCaseYamlSpellingEnablesTheRole() {
		assertEnabled(new MockEnvironment().withProperty("rootCoord.activeStandby.enabled", "true"), "rootCoord");
		assertEnabled(new MockEnvironment().withProperty("queryCoord.activeStandby.enabled", "true"), "queryCoord");
		assertEnabled(new MockEnvironment().withProperty("dataCoord.activeStandby.enabled", "true"), "dataCoord");
	}

	@Test
	void kebabCasePropertiesSpellingEnablesTheRole() {
		assertEnabled(new MockEnvironment().withProperty("root-coord.active-standby.enabled", "true"), "rootCoord");
	}

	@Test
	void commandLineArgumentEnablesTheRole() {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources()
			.addFirst(new SimpleCommandLinePropertySource("--rootCoord.activeStandby.enabled=true"));
		assertEnabled(environment, "rootCoord");
	}

	@Test
	void springStyleEnvironmentVariableEnablesTheRole() {
		assertEnabled(environment(Map.of("ROOTCOORD_ACTIVESTANDBY_ENABLED", "true")), "rootCoord");
	}

	@Test
	void milvusYamlSpellingEnablesTheRole() {
		assertEnabled(new MockEnvironment().withProperty("rootCoord.enableActiveStandby", "true"), "rootCoord");
		assertEnabled(new MockEnvironment().withProperty("dataCoord.enableActiveStandby", "true"), "dataCoord");
	}

	@Test
	void milvusDockerComposeEnvironmentVariableEnablesTheRole() {
		assertEnabled(environment(Map.of("ROOT_COORD_ENABLE_ACTIVE_STANDBY", "true")), "rootCoord");
		assertEnabled(environment(Map.of("QUERY_COORD_ENABLE_ACTIVE_STANDBY", "true")), "queryCoord");
		assertEnabled(environment(Map.of("DATA_COORD_ENABLE_ACTIVE_STANDBY", "true")), "dataCoord");
	}

	@Test
	void bothSpellingsWithTheSameValueAgree() {
		assertEnabled(new MockEnvironment().withProperty("rootCoord.activeStandby.enabled", "true")
			.withProperty("rootCoord.enableActiveStandby", "true"), "rootCoord");
	}

	@Test
	void conflictingSpellingsFailNamingBothProperties() {
		MockEnvironment environment = new MockEnvironment().withProperty("rootCoord.activeStandby.enabled", "true")
			.withProperty("rootCoord.enableActiveStandby", "false");
		assertThatExceptionOfType(InvalidHaConfigurationException.class)
			.isThrownBy(() -> ConfiguredRoles.from(environment))
			.withMessageContaining("rootCoord.activeStandby.enabled")
			.withMessageContaining("enableActiveStandby");
	}

	@Test
	void customRolesAreDeclaredUnderHaRoles() {
		ConfiguredRoles roles = ConfiguredRoles
			.from(new MockEnvironment().withProperty("ha.roles.indexCoord.activeStandby.enabled", "true")
				.withProperty("ha.roles.streamCoord.enableActiveStandby", "false"));
		assertThat(roles.roles()).contains(new RoleDefinition("indexCoord", true),
				new RoleDefinition("streamCoord", false));
	}

	@Test
	void customRoleThatRepeatsACoordinatorFails() {
		assertThatExceptionOfType(InvalidHaConfigurationException.class)
			.isThrownBy(() -> ConfiguredRoles
				.from(new MockEnvironment().withProperty("ha.roles.rootcoord.activeStandby.enabled", "true")))
			.withMessageContaining("rootCoord.activeStandby.enabled");
	}

	@Test
	void customRoleNameThatCannotBeAKeyFails() {
		assertThatExceptionOfType(InvalidHaConfigurationException.class)
			.isThrownBy(() -> ConfiguredRoles
				.from(new MockEnvironment().withProperty("ha.roles[index-coord].activeStandby.enabled", "true")))
			.withMessageContaining("letters and digits");
		assertThatExceptionOfType(InvalidHaConfigurationException.class)
			.isThrownBy(() -> ConfiguredRoles
				.from(new MockEnvironment().withProperty("ha.roles.id.activeStandby.enabled", "true")))
			.withMessageContaining("server ID counter");
	}

	@Test
	void aToggleUnderAnUnknownRoleNameFailsInsteadOfLeavingTheRoleDisabled() {
		assertThatExceptionOfType(InvalidHaConfigurationException.class)
			.isThrownBy(() -> ConfiguredRoles
				.from(new MockEnvironment().withProperty("streamCoord.activeStandby.enabled", "true")))
			.withMessageContaining("streamCoord.activeStandby.enabled")
			.withMessageContaining("ha.roles.streamCoord");
		assertThatExceptionOfType(InvalidHaConfigurationException.class).isThrownBy(() -> ConfiguredRoles
			.from(new MockEnvironment().withProperty("indexCoord.enableActiveStandby", "true")));
	}

	/**
	 * An environment whose variables are {@code variables} only.
	 */
	static StandardEnvironment environment(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().remove(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
		environment.getPropertySources()
			.addFirst(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					variables));
		return environment;
	}

	private static void assertEnabled(org.springframework.core.env.Environment environment, String role) {
		assertThat(ConfiguredRoles.from(environment).roles()).filteredOn(RoleDefinition::activeStandby)
			.extracting(RoleDefinition::name)
			.containsExactly(role);
	}

}
