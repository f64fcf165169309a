package io.github.coordinatorha.election;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The startup warning about etcd versions with known lease bugs.
 */
class ServerVersionsTests {

	@Test
	void debian12sEtcdHearsOfEveryLeaseBugAndTheVersionThatFixesThemAll() {
		assertThat(ServerVersions.warning("3.4.23")).contains("etcd#15247", "3.4.31", "3.4.38", "3.4.42");
	}

	@Test
	void debian13sEtcdHasTheStalledLeaderFixButNotTheOthers() {
		assertThat(ServerVersions.warning("3.5.16")).doesNotContain("etcd#15247").contains("3.5.23", "3.5.28");
	}

	@Test
	void versionsWithEveryFixAndNewerLinesHearNothing() {
		assertThat(ServerVersions.warning("3.4.42")).isNull();
		assertThat(ServerVersions.warning("3.5.30")).isNull();
		assertThat(ServerVersions.warning("3.6.0")).isNull();
		assertThat(ServerVersions.warning(null)).isNull();
		assertThat(ServerVersions.warning("garbage")).isNull();
	}

	@Test
	void aServerOlderThan34IsNamedAsTooOld() {
		assertThat(ServerVersions.warning("3.3.25")).contains("older than 3.4");
	}

}
