package io.github.coordinatorha.election;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The arithmetic of the lease deadline.
 */
class NodeSessionTests {

	@Test
	void aConfirmedKeepaliveKeepsTheNodeActiveForLessThanTheTtl() {
		assertThat(NodeSession.validity(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(9).toNanos());
		assertThat(NodeSession.validity(Duration.ofSeconds(2))).isEqualTo(Duration.ofMillis(1600).toNanos());
		assertThat(NodeSession.validity(Duration.ofSeconds(60))).isEqualTo(Duration.ofSeconds(59).toNanos());
	}

	@Test
	void keepalivesGoOutThreeTimesPerTtl() {
		assertThat(NodeSession.keepAliveInterval(Duration.ofSeconds(9))).isEqualTo(Duration.ofSeconds(3));
	}

}
