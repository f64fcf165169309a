package io.github.coordinatorha;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link NotActiveException}'s message, which standbys send to callers.
 */
class NotActiveExceptionTests {

	@Test
	void aStandbyNamesTheActive() {
		RoleStatus status = new RoleStatus("rootCoord", RoleState.STANDBY, TransitionReason.ANOTHER_NODE_ACTIVE, 2, 1,
				"127.0.0.1:53100", null, Instant.EPOCH);
		assertThat(new NotActiveException(status)).hasMessage("This node is not ACTIVE for role 'rootCoord' (STANDBY,"
				+ " ANOTHER_NODE_ACTIVE); the active node is serverId 1 at 127.0.0.1:53100");
	}

	@Test
	void aNodeStillActivatingSaysSoRatherThanThatItIsNotActive() {
		RoleStatus status = new RoleStatus("rootCoord", RoleState.ACTIVE, TransitionReason.ELECTED, 2, 2,
				"127.0.0.1:53101", FencingToken.of("rootCoord", 0, 26), Instant.EPOCH);
		assertThat(new NotActiveException(status)).hasMessage("This node has just become ACTIVE for role 'rootCoord'"
				+ " and does not serve it yet: its activation is still running");
	}

}
