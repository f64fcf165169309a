package io.github.coordinatorha.autoconfigure;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.github.coordinatorha.election.RoleDefinition;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The roles this node serves and whether each runs in active-standby mode, read from
 * every spelling a user may bring: {@code rootCoord.activeStandby.enabled},
 * {@code rootCoord.enableActiveStandby}, their relaxed forms (properties, command line,
 * {@code ROOTCOORD_ACTIVESTANDBY_ENABLED}, {@code ROOT_COORD_ENABLE_ACTIVE_STANDBY}), and
 * {@code ha.roles.<name>...} for roles of one's own.
 * <p>
 * A node serves the roles that are configured (a coordinator whose toggle is set, to
 * {@code true} or {@code false}, and every role under {@code ha.roles}) or used by the
 * application ({@code @ActiveOnly}, {@code @RoleBound}, a role transition listener whose
 * condition names the role, Spring Integration's {@code @Role}); a coordinator nobody
 * mentions does not appear.
 *
 * @since 0.1.0
 */
public final class ConfiguredRoles {

	/**
	 * The coordinators Milvus runs in active-standby pairs.
	 */
	public static final List<String> COORDINATORS = List.of("rootCoord", "queryCoord", "dataCoord");

	private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

	private final List<RoleDefinition> known;

	private final Set<String> served;

	private ConfiguredRoles(List<RoleDefinition> known, Set<String> served) {
		this.known = Collections.unmodifiableList(known);
		this.served = Collections.unmodifiableSet(served);
	}

	/**
	 * Reads and validates the roles from the environment.
	 * @param environment the environment
	 * @return the roles, serving those that are configured
	 * @throws InvalidHaConfigurationException if a toggle is spelled two ways with two
	 * values, a role name cannot be used, or a key is a near-miss of a setting
	 */
	public static ConfiguredRoles from(Environment environment) {
		Binder binder = Binder.get(environment);
		Map<String, CoordinatorProperties> custom = binder
			.bind("ha.roles", Bindable.mapOf(String.class, CoordinatorProperties.class))
			.orElse(Map.of());
		custom.keySet().forEach((name) -> validateName(name, COORDINATORS));
		PropertySpellings.check(environment, declaredNames(binder));
		List<RoleDefinition> known = new ArrayList<>();
		Set<String> configured = new LinkedHashSet<>();
		for (String coordinator : COORDINATORS) {
			CoordinatorProperties toggle = binder.bind(kebab(coordinator), CoordinatorProperties.class)
				.orElseGet(CoordinatorProperties::new);
			known.add(definition(coordinator, enabled(coordinator, toggle), toggle));
			if (toggle.getActiveStandby().getEnabled() != null || toggle.getEnableActiveStandby() != null) {
				configured.add(coordinator);
			}
		}
		custom.forEach((name, toggle) -> {
			validateName(name, known.stream().map(RoleDefinition::name).toList());
			known.add(definition(name, enabled("ha.roles." + name, toggle), toggle));
			configured.add(name);
		});
		return new ConfiguredRoles(known, configured);
	}

	/**
	 * These roles, serving also those of {@code used} that are known.
	 * @param used the roles the application uses
	 * @return the roles
	 */
	public ConfiguredRoles andUsed(Collection<String> used) {
		Set<String> served = new LinkedHashSet<>(this.served);
		this.known.stream().map(RoleDefinition::name).filter(used::contains).forEach(served::add);
		return new ConfiguredRoles(this.known, served);
	}

	/**
	 * The roles this node serves, the three coordinators first.
	 * @return the roles
	 */
	public List<RoleDefinition> roles() {
		return this.known.stream().filter((role) -> this.served.contains(role.name())).toList();
	}

	/**
	 * Every role a name may refer to: the three coordinators and the roles under
	 * {@code ha.roles}, served or not.
	 * @return the roles
	 */
	public List<RoleDefinition> known() {
		return this.known;
	}

	/**
	 * Whether any role runs in active-standby mode, and so needs etcd.
	 * @return {@code true} if one does
	 */
	public boolean anyActiveStandby() {
		return this.known.stream().anyMatch(RoleDefinition::activeStandby);
	}

	private static RoleDefinition definition(String name, boolean activeStandby, CoordinatorProperties toggle) {
		CoordinatorProperties.ActiveStandby settings = toggle.getActiveStandby();
		return new RoleDefinition(name, activeStandby, settings.getSuccessor(), settings.getPriority(),
				settings.isPreempt());
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

	/**
	 * The names under {@code ha.roles}, whether or not what follows them binds.
	 */
	private static Set<String> declaredNames(Binder binder) {
		Map<String, Object> entries = binder.bind("ha.roles", Bindable.mapOf(String.class, Object.class))
			.orElse(Map.of());
		Set<String> names = new LinkedHashSet<>();
		entries.keySet().forEach((key) -> names.add(key.split("\\.", 2)[0]));
		return names;
	}

	private static void validateName(String name, List<String> known) {
		if (!ROLE_NAME.matcher(name).matches()) {
			throw new InvalidHaConfigurationException("ha.roles." + name,
					"is not a usable role name: it becomes part of etcd keys such as '<role>-<serverId>'",
					"Use letters and digits only, starting with a letter, for example ha.roles.indexCoord");
		}
		if ("id".equalsIgnoreCase(name)) {
			throw new InvalidHaConfigurationException("ha.roles." + name,
					"would collide with the server ID counter key 'session/id'", "Choose another role name");
		}
		for (String role : known) {
			if (role.equalsIgnoreCase(name)) {
				throw new InvalidHaConfigurationException("ha.roles." + name,
						"names the role '" + role
								+ "' again (role names are compared without case, as their etcd keys are lower case)",
						COORDINATORS.contains(role) ? "Configure it as " + role + ".activeStandby.enabled instead"
								: "Remove one of the two entries");
			}
		}
	}

	static String kebab(String camel) {
		return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
	}

}
