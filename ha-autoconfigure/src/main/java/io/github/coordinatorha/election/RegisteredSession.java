package io.github.coordinatorha.election;

/**
 * A candidate's session for one role as read from etcd, for operators.
 *
 * @param serverId the node's server ID
 * @param address the address the node advertises
 * @param hostName the node's host name
 * @param version the node's version
 * @param registeredAt when the node's lease was granted (ISO-8601), or {@code null} if
 * the session was written by a tool that does not record it
 * @param active whether this node holds the role's ACTIVE key
 * @param stopping whether the node said it is stopping
 * @since 0.1.0
 */
public record RegisteredSession(long serverId, String address, String hostName, String version, String registeredAt,
		boolean active, boolean stopping) {
}
