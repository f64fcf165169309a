package io.github.coordinatorha.autoconfigure;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.github.coordinatorha.election.RoleDefinition;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;

/**
 * The roles this node serves and whether each runs in active-standby mode, read from
 * every spelling a user may bring: {@code rootCoord.activeStandby.enabled},
 * {@code rootCoord.enableActiveStandby}, their relaxed forms (properties, command line,
 * {@code ROOTCOORD_ACTIVESTANDBY_ENABLED}, {@code ROOT_COORD_ENABLE_ACTIVE_STANDBY}), and
 * {@code ha.roles.<name>...} for roles of one's own.
 *
 * @since 0.1.0
 */
public final class ConfiguredRoles {

	/**
	 * The coordinators Milvus runs in active-standby pairs.
	 */
	public static final List<String> COORDINATORS = List.of("rootCoord", "queryCoord", "dataCoord");

	private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

	private static final Pattern TOGGLE = Pattern.compile(
			"([A-Za-z][A-Za-z0-9_-]*)\\.(?:active-?standby\\.enabled|enable-?active-?standby)",
			Pattern.CASE_INSENSITIVE);

	private final List<RoleDefinition> roles;

	private ConfiguredRoles(List<RoleDefinition> roles) {
		this.roles = Collections.unmodifiableList(roles);
	}

	/**
	 * Reads and validates the roles from the environment.
	 * @param environment the environment
	 * @return the roles
	 * @throws InvalidHaConfigurationException if a toggle is spelled two ways with two
	 * values, or a role name cannot be used
	 */
	public static ConfiguredRoles from(Environment environment) {
		rejectUnknownCoordinators(environment);
		Binder binder = Binder.get(environment);
		List<RoleDefinition> roles = new ArrayList<>();
		for (String coordinator : COORDINATORS) {
			String prefix = kebab(coordinator);
			CoordinatorProperties toggle = binder.bind(prefix, CoordinatorProperties.class)
				.orElseGet(CoordinatorProperties::new);
			roles.add(new RoleDefinition(coordinator, enabled(coordinator, toggle)));
		}
		Map<String, CoordinatorProperties> custom = binder
			.bind("ha.roles", Bindable.mapOf(String.class, CoordinatorProperties.class))
			.orElse(Map.of());
		custom.forEach((name, toggle) -> {
			validateName(name, roles);
			roles.add(new RoleDefinition(name, enabled("ha.roles." + name, toggle)));
		});
		return new ConfiguredRoles(roles);
	}

	/**
	 * Every role, the three coordinators first.
	 * @return the roles
	 */
	public List<RoleDefinition> roles() {
		return this.roles;
	}

	/**
	 * Whether any role runs in active-standby mode, and so needs etcd.
	 * @return {@code true} if one does
	 */
	public boolean anyActiveStandby() {
		return this.roles.stream().anyMatch(RoleDefinition::activeStandby);
	}

	private static boolean enabled(String prefix, CoordinatorProperties toggle) {
		Boolean helm = toggle.getActiveStandby().getEnabled();
		Boolean milvus = toggle.getEnableActiveStandby();
		if (helm != null && milvus != null && !helm.equals(milvus)) {
			throw new InvalidHaConfigurationException(prefix + ".activeStandby.enabled",
					"is " + helm + " but its Milvus spelling '" + prefix + ".enableActiveStandby' is " + milvus,
					"Set only one of the two (or give both the same value)");
		}
		return Boolean.TRUE.equals((helm != null) ? helm : milvus);
	}

	private static void validateName(String name, List<RoleDefinition> known) {
		if (!ROLE_NAME.matcher(name).matches()) {
			throw new InvalidHaConfigurationException("ha.roles." + name,
					"is not a usable role name: it becomes part of etcd keys such as '<role>-<serverId>'",
					"Use letters and digits only, starting with a letter, for example ha.roles.indexCoord");
		}
		if ("id".equalsIgnoreCase(name)) {
			throw new InvalidHaConfigurationException("ha.roles." + name,
					"would collide with the server ID counter key 'session/id'", "Choose another role name");
		}
		for (RoleDefinition role : known) {
			if (role.name().equalsIgnoreCase(name)) {
				throw new InvalidHaConfigurationException("ha.roles." + name, "names the role '" + role.name()
						+ "' again (role names are compared without case, as their etcd keys are lower case)",
						COORDINATORS.contains(role.name())
								? "Configure it as " + role.name() + ".activeStandby.enabled instead"
								: "Remove one of the two entries");
			}
		}
	}

	/**
	 * A toggle under a name that is no role, say {@code rootCord.activeStandby.enabled},
	 * would silently leave the role disabled: fail instead.
	 */
	private static void rejectUnknownCoordinators(Environment environment) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				for (String name : enumerable.getPropertyNames()) {
					Matcher toggle = TOGGLE.matcher(name);
					if (toggle.matches() && !isCoordinator(toggle.group(1))) {
						throw new InvalidHaConfigurationException(name, "names no role this node knows",
								"Use one of " + COORDINATORS + " (for example rootCoord.activeStandby.enabled),"
										+ " or declare a role of your own as ha.roles." + toggle.group(1)
										+ ".activeStandby.enabled");
					}
				}
			}
		}
	}

	private static boolean isCoordinator(String name) {
		String uniform = name.replace("-", "").replace("_", "");
		return COORDINATORS.stream().anyMatch((coordinator) -> coordinator.equalsIgnoreCase(uniform));
	}

	private static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}
