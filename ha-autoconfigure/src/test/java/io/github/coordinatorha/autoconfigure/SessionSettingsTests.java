package io.github.coordinatorha.autoconfigure;

import java.util.Properties;

import org.junit.jupiter.api.Test;

import org.springframework.boot.info.BuildProperties;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The version a node writes to its sessions is the application's.
 */
class SessionSettingsTests {

	@Test
	void theVersionComesFromBuildInfoFirst() {
		Properties build = new Properties();
		build.setProperty("version", "2.4.1");
		assertThat(SessionSettings.version(new MockEnvironment().withProperty("spring.application.version", "9"),
				new BuildProperties(build)))
			.isEqualTo("2.4.1");
	}

	@Test
	void withoutBuildInfoTheVersionIsTheApplicationsImplementationVersion() {
		assertThat(SessionSettings.version(new MockEnvironment().withProperty("spring.application.version", "1.7.0"),
				null))
			.isEqualTo("1.7.0");
	}

	@Test
	void withNeitherTheVersionIsTheStartersOwn() {
		String ours = io.github.coordinatorha.election.ElectionNode.class.getPackage().getImplementationVersion();
		assertThat(SessionSettings.version(new MockEnvironment(), null)).isEqualTo((ours != null) ? ours : "dev");
	}

}
