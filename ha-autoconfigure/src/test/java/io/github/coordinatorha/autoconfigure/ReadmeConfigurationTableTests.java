package io.github.coordinatorha.autoconfigure;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * README's configuration table and the configuration metadata the build generates (what
 * IDEs show) name the same properties with the same defaults, so the table cannot drift
 * from the code.
 * <p>
 * How the table is read: a row documents every property named in backticks in its first
 * column, and the aliases its last column names as "spelling `...`" (Milvus's), all with
 * the row's default. A name with no dot in the first column stands for the first segment
 * of the row's names ("`rootCoord.activeStandby.enabled` (also `queryCoord`,
 * `dataCoord`)"); a segment in angle brackets stands for map keys (`ha.roles.<name>...`
 * documents `ha.roles`). The default column is a value in backticks when the metadata has
 * a default, and otherwise blank or a sentence.
 */
class ReadmeConfigurationTableTests {

	private static final Pattern CODE = Pattern.compile("`([^`]+)`");

	private static final Pattern PROPERTY = Pattern.compile("[a-zA-Z][a-zA-Z0-9-]*(\\.[a-zA-Z0-9<>-]+)+");

	private static final Pattern LITERAL = Pattern.compile("`([^`]*)`");

	private static final Pattern ALIAS = Pattern.compile("spelling `([^`]+)`");

	/**
	 * Spring Boot generates these for every endpoint (access, cache); operations.md and
	 * Boot's own documentation cover them.
	 */
	private static final String ENDPOINT_PROPERTIES = "management.endpoint.activestandby.";

	@Test
	void everyPropertyInTheMetadataIsInTheTableWithItsDefaultAndNoOther() throws Exception {
		Map<String, Object> metadata = metadataDefaults();
		Map<String, String> table = tableDefaults();
		Set<String> expected = metadata.keySet()
			.stream()
			.filter((name) -> !name.startsWith(ENDPOINT_PROPERTIES))
			.collect(Collectors.toCollection(LinkedHashSet::new));
		assertThat(table.keySet()).as("properties in README's configuration table")
			.containsExactlyInAnyOrderElementsOf(expected);
		for (String name : expected) {
			Object metadataDefault = metadata.get(name);
			String documented = table.get(name);
			if (metadataDefault == null) {
				assertThat(LITERAL.matcher(documented).matches())
					.as("README gives %s the default %s, which the metadata does not have", name, documented)
					.isFalse();
			}
			else {
				assertThat(documented).as("README's default of %s", name)
					.isEqualTo("`" + render(metadataDefault) + "`");
			}
		}
	}

	@Test
	void theTableReaderUnderstandsTheRowsAsWritten() {
		Map<String, String> rows = new LinkedHashMap<>();
		read("| `rootCoord.activeStandby.enabled` (also `queryCoord`) | `false` | Milvus spelling `rootCoord.enableActiveStandby` |",
				rows);
		read("| `ha.roles.<name>.activeStandby.enabled` | | further roles |", rows);
		read("| `ha.etcd.username` / `ha.etcd.password` | | `exit`, `https://` and `ha.session.ttl` are no aliases |",
				rows);
		read("| `ha.session.address` | this host's address and `server.port` | the address |", rows);
		assertThat(rows).containsEntry("root-coord.active-standby.enabled", "`false`")
			.containsEntry("query-coord.active-standby.enabled", "`false`")
			.containsEntry("root-coord.enable-active-standby", "`false`")
			.containsEntry("query-coord.enable-active-standby", "`false`")
			.containsEntry("ha.roles", "")
			.containsEntry("ha.etcd.username", "")
			.containsEntry("ha.etcd.password", "")
			.containsEntry("ha.session.address", "this host's address and `server.port`")
			.hasSize(8);
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> metadataDefaults() throws Exception {
		try (InputStream json = ReadmeConfigurationTableTests.class
			.getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			Map<String, Object> metadata = JsonMapper.builder().build().readValue(json, Map.class);
			Map<String, Object> defaults = new LinkedHashMap<>();
			for (Map<String, Object> property : (List<Map<String, Object>>) metadata.get("properties")) {
				defaults.put((String) property.get("name"), property.get("defaultValue"));
			}
			return defaults;
		}
	}

	private static String render(Object value) {
		if (value instanceof List<?> list) {
			return list.stream().map(String::valueOf).collect(Collectors.joining(","));
		}
		return String.valueOf(value);
	}

	private static Map<String, String> tableDefaults() throws Exception {
		Path readme = Path.of("..", "README.md");
		assertThat(readme).as("README.md at the repository's root").exists();
		List<String> lines = Files.readAllLines(readme);
		int section = lines.indexOf("## Configuration");
		assertThat(section).as("README's '## Configuration' section").isNotNegative();
		List<String> rows = new ArrayList<>();
		for (String line : lines.subList(section + 1, lines.size())) {
			if (line.startsWith("|")) {
				rows.add(line);
			}
			else if (!rows.isEmpty() || line.startsWith("#")) {
				break;
			}
		}
		assertThat(rows).as("the configuration table").hasSizeGreaterThan(2);
		assertThat(rows.get(0)).startsWith("| property | default | meaning |");
		Map<String, String> defaults = new LinkedHashMap<>();
		rows.subList(2, rows.size()).forEach((row) -> read(row, defaults));
		return defaults;
	}

	private static void read(String row, Map<String, String> defaults) {
		String[] cells = row.split("\\|", -1);
		assertThat(cells).as("a row of three cells: %s", row).hasSize(5);
		String documented = cells[2].strip();
		List<String> names = new ArrayList<>();
		List<String> firstSegments = new ArrayList<>();
		for (String code : codes(cells[1])) {
			if (PROPERTY.matcher(code).matches()) {
				names.add(code);
			}
			else if (code.matches("[a-zA-Z][a-zA-Z0-9]*")) {
				firstSegments.add(code);
			}
		}
		assertThat(names).as("the properties of row %s", row).isNotEmpty();
		Matcher aliases = ALIAS.matcher(cells[3]);
		while (aliases.find()) {
			names.add(aliases.group(1));
		}
		List<String> all = new ArrayList<>(names);
		for (String segment : firstSegments) {
			names.forEach((name) -> all.add(segment + name.substring(name.indexOf('.'))));
		}
		all.forEach((name) -> defaults.put(canonical(name), documented));
	}

	private static List<String> codes(String cell) {
		List<String> codes = new ArrayList<>();
		Matcher matcher = CODE.matcher(cell);
		while (matcher.find()) {
			codes.add(matcher.group(1));
		}
		return codes;
	}

	/**
	 * The metadata's spelling: dashed lower case, up to the first map key.
	 */
	private static String canonical(String name) {
		List<String> segments = new ArrayList<>();
		for (String segment : name.split("\\.")) {
			if (segment.startsWith("<")) {
				break;
			}
			segments.add(segment.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT));
		}
		return String.join(".", segments);
	}

}
