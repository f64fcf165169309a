package io.github.coordinatorha.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.util.Assert;

/**
 * Fails at startup on a key meant for coordinator-ha that Spring Boot would never bind: a
 * near-miss of a role toggle ({@code rootCoord.activeStanby.enabled},
 * {@code ROOTCOORD_ENABLE_ACTIVE_STANDBY}), an unknown key under a role's
 * {@code activeStandby} or under {@code ha.roles.<name>}, or a near-miss of an
 * {@code ha.*} property. Spring Boot ignores such keys, so without this check a role
 * would silently run with active-standby disabled, or a setting keep its default.
 * <p>
 * A key is checked by binding it alone: if it binds to none of our properties, but its
 * letters (without dots, dashes, underscores or case) are within two edits of one of
 * them, it is a near-miss, and the failure names the spelling meant.
 */
final class PropertySpellings {

	/**
	 * Where the configuration processor writes the names of our properties; read at
	 * startup (a resource hint keeps it in native images).
	 */
	static final String METADATA = "META-INF/spring-configuration-metadata.json";

	private static final int MAX_EDITS = 2;

	private static final String HELM_TOGGLE = "activestandbyenabled";

	private static final String MILVUS_TOGGLE = "enableactivestandby";

	private static final Pattern INDEX = Pattern.compile("\\[[^\\]]*\\]");

	private static final Pattern SINGLE_SEGMENT_TOGGLE = Pattern.compile(
			"([A-Za-z][A-Za-z0-9_-]*)\\.(?:active-?standby\\.enabled|enable-?active-?standby)",
			Pattern.CASE_INSENSITIVE);

	private static volatile @Nullable List<String> haProperties;

	private final Map<String, Known> known = new LinkedHashMap<>();

	private PropertySpellings(Collection<String> customRoles) {
		for (String coordinator : ConfiguredRoles.COORDINATORS) {
			String kebab = ConfiguredRoles.kebab(coordinator);
			add(kebab + ".active-standby.enabled", coordinator + ".activeStandby.enabled",
					kebab.toUpperCase(Locale.ROOT).replace("-", "") + "_ACTIVESTANDBY_ENABLED", coordinator);
			add(kebab + ".enable-active-standby", coordinator + ".enableActiveStandby",
					kebab.toUpperCase(Locale.ROOT).replace('-', '_') + "_ENABLE_ACTIVE_STANDBY", coordinator);
			addSuccession(kebab, coordinator, kebab.toUpperCase(Locale.ROOT).replace("-", ""), coordinator);
		}
		for (String role : customRoles) {
			String prefix = "ha.roles." + role;
			String env = "HA_ROLES_" + role.toUpperCase(Locale.ROOT);
			add(prefix + ".active-standby.enabled", prefix + ".activeStandby.enabled", env + "_ACTIVESTANDBY_ENABLED",
					role);
			add(prefix + ".enable-active-standby", prefix + ".enableActiveStandby", env + "_ENABLEACTIVESTANDBY", role);
			addSuccession(prefix, prefix, env, role);
		}
		for (String name : haProperties()) {
			add(name, name, name.toUpperCase(Locale.ROOT).replace(".", "_").replace("-", ""), null);
		}
	}

	/**
	 * Checks every key of every enumerable property source.
	 * @param environment the environment
	 * @param customRoles the roles declared under {@code ha.roles}
	 * @throws InvalidHaConfigurationException naming the first key that is a near-miss
	 */
	static void check(Environment environment, Collection<String> customRoles) {
		if (!(environment instanceof ConfigurableEnvironment configurable)) {
			return;
		}
		PropertySpellings spellings = new PropertySpellings(customRoles);
		for (PropertySource<?> source : configurable.getPropertySources()) {
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				boolean env = source instanceof SystemEnvironmentPropertySource;
				for (String name : enumerable.getPropertyNames()) {
					spellings.check(name, enumerable.getProperty(name), env);
				}
			}
		}
	}

	private void addSuccession(String prefix, String display, String env, @Nullable String role) {
		for (String key : new String[] { "successor", "priority", "preempt" }) {
			add(prefix + ".active-standby." + key, display + ".activeStandby." + key,
					env + "_ACTIVESTANDBY_" + key.toUpperCase(Locale.ROOT), role);
		}
	}

	private void add(String canonical, String display, String env, @Nullable String role) {
		ConfigurationPropertyName name = ConfigurationPropertyName.adapt(canonical, '.');
		this.known.put(canonical, new Known(name, flat(canonical, false), display, env, role));
	}

	private void check(String key, @Nullable Object value, boolean env) {
		String flat = flat(key, env);
		if (!flat.startsWith("ha") && !flat.contains("coord") && !flat.contains("standby")) {
			return;
		}
		ConfigurationPropertySource alone = alone(key, value, env);
		ConfigurationPropertyName name = ((IterableConfigurationPropertySource) alone).stream()
			.findFirst()
			.orElse(null);
		List<Known> near = new ArrayList<>();
		for (Known candidate : this.known.values()) {
			if (binds(alone, name, candidate.name())) {
				return;
			}
			if (distance(flat, candidate.flat(), MAX_EDITS) <= MAX_EDITS) {
				near.add(candidate);
			}
		}
		Known meant = near.stream()
			.min((a, b) -> Integer.compare(distance(flat, a.flat(), MAX_EDITS), distance(flat, b.flat(), MAX_EDITS)))
			.orElseGet(() -> underRole(flat));
		if (meant != null) {
			throw nearMiss(key, meant, env);
		}
		if (flat.startsWith("ha") && endsLikeToggle(flat)) {
			throw new InvalidHaConfigurationException(key,
					"is not a setting of coordinator-ha: Spring Boot never"
							+ " reads it, so the role it names is not declared",
					"Declare a role of your own as"
							+ " ha.roles.<name>.activeStandby.enabled, for example ha.roles.indexCoord.activeStandby.enabled");
		}
		Matcher toggle = SINGLE_SEGMENT_TOGGLE.matcher(key);
		if (!env && toggle.matches()) {
			throw new InvalidHaConfigurationException(key, "names no role this node knows",
					"Use one of " + ConfiguredRoles.COORDINATORS + " (for example rootCoord.activeStandby.enabled),"
							+ " or declare a role of your own as ha.roles." + toggle.group(1)
							+ ".activeStandby.enabled");
		}
	}

	/**
	 * The toggle of the role whose settings {@code flat} is under, if it is under
	 * {@code <coordinator>.activeStandby}, {@code <coordinator>.enableActiveStandby} or
	 * {@code ha.roles.<name>}: every key there is ours.
	 */
	private @Nullable Known underRole(String flat) {
		for (Known candidate : this.known.values()) {
			if (candidate.role() == null) {
				continue;
			}
			String role = candidate.flat()
				.substring(0, candidate.flat().length()
						- (candidate.flat().endsWith(HELM_TOGGLE) ? HELM_TOGGLE.length() : MILVUS_TOGGLE.length()));
			boolean helm = candidate.flat().endsWith(HELM_TOGGLE);
			if (role.startsWith("haroles") && flat.startsWith(role) && helm) {
				return candidate;
			}
			if (flat.startsWith(role)) {
				String rest = flat.substring(role.length());
				String namespace = helm ? "activestandby" : MILVUS_TOGGLE;
				String head = rest.substring(0, Math.min(rest.length(), namespace.length()));
				if (rest.length() > namespace.length() - MAX_EDITS
						&& distance(head, namespace, MAX_EDITS) <= MAX_EDITS) {
					return candidate;
				}
			}
		}
		return null;
	}

	/**
	 * Whether the key alone binds to {@code property}, itself or as an element of it
	 * ({@code ha.etcd.endpoints[0]}).
	 */
	private static boolean binds(ConfigurationPropertySource alone, @Nullable ConfigurationPropertyName key,
			ConfigurationPropertyName property) {
		if (alone.getConfigurationProperty(property) != null) {
			return true;
		}
		return key != null && property.isParentOf(key) && key.isLastElementIndexed();
	}

	private static boolean endsLikeToggle(String flat) {
		for (String toggle : List.of(HELM_TOGGLE, MILVUS_TOGGLE)) {
			for (int length = toggle.length() - MAX_EDITS; length <= toggle.length() + MAX_EDITS; length++) {
				if (length < flat.length()
						&& distance(flat.substring(flat.length() - length), toggle, MAX_EDITS) <= MAX_EDITS) {
					return true;
				}
			}
		}
		return false;
	}

	private static InvalidHaConfigurationException nearMiss(String key, Known meant, boolean env) {
		String consequence = (meant.role() != null) ? "so " + meant.role() + " would run with active-standby disabled"
				: "so " + meant.display() + " would keep its default";
		String spelling = env ? meant.env() : meant.display();
		return new InvalidHaConfigurationException(key,
				"is not a setting of coordinator-ha: Spring Boot never reads it, " + consequence,
				"Did you mean " + spelling + "? Write it that way"
						+ (env ? " (or " + meant.display() + " in a properties or YAML file)" : ""));
	}

	private static ConfigurationPropertySource alone(String key, @Nullable Object value, boolean env) {
		Map<String, Object> single = Map.of(key, (value != null) ? value : "");
		// Spring Boot maps environment variables only from a source of this name.
		PropertySource<?> source = env
				? new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
						single)
				: new MapPropertySource("spelling", single);
		ConfigurationPropertySource alone = ConfigurationPropertySource.from(source);
		// Null only for Spring Boot's own attached source, never for a map of ours.
		Assert.state(alone != null, "A map of properties adapts to a configuration property source");
		return alone;
	}

	/**
	 * The letters and digits of a key in lower case, without list indexes.
	 */
	static String flat(String key, boolean env) {
		String name = INDEX.matcher(key).replaceAll("");
		if (env) {
			name = name.replaceAll("_\\d+(?=_|$)", "");
		}
		StringBuilder flat = new StringBuilder(name.length());
		for (char c : name.toCharArray()) {
			if (Character.isLetterOrDigit(c)) {
				flat.append(Character.toLowerCase(c));
			}
		}
		return flat.toString();
	}

	/**
	 * Levenshtein distance, or {@code limit + 1} once it exceeds {@code limit}.
	 */
	static int distance(String a, String b, int limit) {
		if (Math.abs(a.length() - b.length()) > limit) {
			return limit + 1;
		}
		int[] previous = new int[b.length() + 1];
		int[] current = new int[b.length() + 1];
		for (int j = 0; j <= b.length(); j++) {
			previous[j] = j;
		}
		for (int i = 1; i <= a.length(); i++) {
			current[0] = i;
			int rowMin = current[0];
			for (int j = 1; j <= b.length(); j++) {
				int substitution = previous[j - 1] + ((a.charAt(i - 1) == b.charAt(j - 1)) ? 0 : 1);
				current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
				rowMin = Math.min(rowMin, current[j]);
			}
			if (rowMin > limit) {
				return limit + 1;
			}
			int[] swap = previous;
			previous = current;
			current = swap;
		}
		return Math.min(previous[b.length()], limit + 1);
	}

	/**
	 * The names of our {@code ha.*} properties, from the configuration metadata of every
	 * jar (maps such as {@code ha.roles} excluded: their keys are checked as roles).
	 */
	private static List<String> haProperties() {
		List<String> names = haProperties;
		if (names == null) {
			names = readHaProperties();
			haProperties = names;
		}
		return names;
	}

	private static List<String> readHaProperties() {
		List<String> names = new ArrayList<>();
		JsonMapper mapper = JsonMapper.builder().build();
		try {
			Enumeration<URL> resources = PropertySpellings.class.getClassLoader().getResources(METADATA);
			while (resources.hasMoreElements()) {
				try (InputStream json = resources.nextElement().openStream()) {
					for (JsonNode property : mapper.readTree(json).path("properties")) {
						String name = property.path("name").asString("");
						String type = property.path("type").asString("");
						if (name.startsWith("ha.") && !type.startsWith("java.util.Map")) {
							names.add(name);
						}
					}
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not read " + METADATA, ex);
		}
		return List.copyOf(names);
	}

	/**
	 * A property of ours.
	 *
	 * @param name its name, to bind with
	 * @param flat its letters, to compare with
	 * @param display how to write it in a properties or YAML file
	 * @param env how to write it as an environment variable
	 * @param role the role it switches, or {@code null} for an {@code ha.*} setting
	 */
	private record Known(ConfigurationPropertyName name, String flat, String display, String env,
			@Nullable String role) {
	}

}
