package io.github.coordinatorha.directory;

import io.github.coordinatorha.RoleState;
import org.jspecify.annotations.Nullable;

/**
 * One session registered for a role, as the directory last saw it: a candidate of ours,
 * or a Milvus component's session under the same key.
 *
 * @param role the role's name, as the directory was told it
 * @param serverId the session's server ID
 * @param address the address the session advertises
 * @param state {@link RoleState#ACTIVE} if this session's server ID holds the role's
 * ACTIVE key, otherwise {@link RoleState#STANDBY}
 * @param hostName the host the session was registered from, or {@code null} when the
 * session names none
 * @param version the version the session names, or {@code null}
 * @param stopping whether the session says its node is stopping
 * @since 0.3.0
 */
public record RoleMember(String role, long serverId, String address, RoleState state, @Nullable String hostName,
		@Nullable String version, boolean stopping) {

}
