package io.github.coordinatorha.autoconfigure;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.Environment;

/**
 * The roles of {@code ha.directory.roles}, checked: each a usable role name, none named
 * twice.
 *
 * @since 0.3.0
 */
public final class DirectoryRoles {

	private static final Pattern ROLE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9]*");

	private DirectoryRoles() {
	}

	/**
	 * The roles of {@code ha.directory.roles}.
	 * @param properties the bound properties
	 * @return the roles, as configured
	 * @throws InvalidHaConfigurationException if one is no role name, or one is named
	 * twice
	 */
	public static List<String> of(ActiveStandbyProperties properties) {
		return of(properties.getDirectory().getRoles());
	}

	/**
	 * The roles of {@code ha.directory.roles}, before the properties are bound.
	 * @param environment the environment
	 * @return the roles, as configured
	 * @throws InvalidHaConfigurationException if one is no role name, or one is named
	 * twice
	 */
	public static List<String> of(Environment environment) {
		return of(Binder.get(environment).bind("ha.directory.roles", Bindable.listOf(String.class)).orElse(List.of()));
	}

	/**
	 * {@code ha.directory.await-active}, checked.
	 * @param properties the bound properties
	 * @return how long a routed call waits for an active
	 * @throws InvalidHaConfigurationException if it is negative
	 */
	public static Duration awaitActive(ActiveStandbyProperties properties) {
		Duration awaitActive = properties.getDirectory().getAwaitActive();
		if (awaitActive.isNegative()) {
			throw new InvalidHaConfigurationException("ha.directory.await-active",
					"is " + awaitActive.toMillis() + " ms, a negative wait",
					"Set it to how long a call may wait for a role's active, longer than the role's session TTL: 15s by default");
		}
		return awaitActive;
	}

	private static List<String> of(List<String> configured) {
		List<String> roles = new ArrayList<>();
		List<String> lowerCase = new ArrayList<>();
		for (String entry : configured) {
			String role = entry.strip();
			if (!ROLE_NAME.matcher(role).matches() || "id".equalsIgnoreCase(role)) {
				throw new InvalidHaConfigurationException("ha.directory.roles",
						"names '" + entry + "', which is not a role name",
						"Name roles as their nodes do, letters and digits starting with a letter: for example"
								+ " ha.directory.roles=rootCoord,queryCoord");
			}
			if (lowerCase.contains(role.toLowerCase(Locale.ROOT))) {
				throw new InvalidHaConfigurationException("ha.directory.roles",
						"names the role '" + role + "' twice (role names are compared without case)",
						"Name each role once");
			}
			roles.add(role);
			lowerCase.add(role.toLowerCase(Locale.ROOT));
		}
		return List.copyOf(roles);
	}

}
