package io.github.coordinatorha;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one role on this node.
 *
 * @param role the role's name, for example {@code rootCoord}
 * @param state whether this node serves the role
 * @param reason why the role entered its current state
 * @param serverId this node's server ID, or {@code 0} when it has none yet or the role
 * needs no etcd
 * @param activeServerId the active node's server ID, or {@code 0} when unknown
 * @param activeAddress the active node's advertised address, or {@code null} when unknown
 * @param fencingToken the current term while this node is active, otherwise {@code null}
 * @param since when the role entered its current state
 * @since 0.1.0
 */
public record RoleStatus(String role, RoleState state, TransitionReason reason, long serverId, long activeServerId,
		@Nullable String activeAddress, @Nullable FencingToken fencingToken, Instant since) {

	/**
	 * Whether this node serves the role.
	 * @return {@code true} if the state is {@link RoleState#ACTIVE}
	 */
	public boolean isActive() {
		return this.state == RoleState.ACTIVE;
	}

}
