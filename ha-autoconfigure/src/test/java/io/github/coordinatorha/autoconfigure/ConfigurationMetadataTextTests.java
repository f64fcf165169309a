package io.github.coordinatorha.autoconfigure;

import java.io.InputStream;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an IDE shows of the metadata reads as text, with the defaults set in code.
 */
class ConfigurationMetadataTextTests {

	@Test
	@SuppressWarnings("unchecked")
	void descriptionsCarryNoJavadocTagsAndTheEndpointsHaveTheirDefault() throws Exception {
		try (InputStream json = getClass().getResourceAsStream("/" + PropertySpellings.METADATA)) {
			Map<String, Object> metadata = JsonMapper.builder().build().readValue(json, Map.class);
			List<Map<String, Object>> properties = (List<Map<String, Object>>) metadata.get("properties");
			assertThat(properties).allSatisfy(
					(property) -> assertThat((String) property.get("description")).as((String) property.get("name"))
						.doesNotContain("{@"));
			assertThat(properties).filteredOn((property) -> property.get("name").equals("ha.etcd.endpoints"))
				.singleElement()
				.satisfies((property) -> assertThat(property.get("defaultValue"))
					.isEqualTo(List.of("http://localhost:2379")));
		}
	}

}
