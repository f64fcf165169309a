package io.github.coordinatorha.autoconfigure;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every property shows in IDE completion with a description.
 */
class ConfigurationMetadataTests {

	@Test
	@SuppressWarnings("unchecked")
	void everyPropertyHasADescriptionAndTheMilvusSpellingsAreListed() throws Exception {
		try (InputStream json = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
			Map<String, Object> metadata = JsonMapper.builder().build().readValue(json, Map.class);
			List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
			List<String> names = properties.stream().map((property) -> (String) property.get("name")).toList();
			assertThat(names).contains("ha.etcd.endpoints", "ha.etcd.root-path", "ha.etcd.meta-sub-path",
					"ha.etcd.request-timeout", "ha.session.ttl", "ha.session.address", "ha.session.on-loss", "ha.roles",
					"ha.health.readiness.standby-not-ready", "root-coord.active-standby.enabled",
					"root-coord.enable-active-standby", "query-coord.active-standby.enabled",
					"data-coord.enable-active-standby");
			assertThat(properties).filteredOn((property) -> ((String) property.get("name")).startsWith("ha."))
				.allSatisfy((property) -> assertThat((String) property.get("description")).isNotBlank());
			assertThat(properties).filteredOn((property) -> property.get("name").equals("ha.session.ttl"))
				.singleElement()
				.satisfies((property) -> assertThat(property.get("defaultValue")).isEqualTo("10s"));
		}
	}

}
