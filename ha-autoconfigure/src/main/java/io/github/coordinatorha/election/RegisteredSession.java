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
 * @param rank its place in line under the role's successor policy as this node applies
 * it: {@code 1} takes the role next; {@code 0} for the active and for a session that
 * cannot take the role
 * @param priority its priority for the role, for the priority successor policy
 * @param electionProtocol the election protocol it speaks: {@code 2} takes a role by
 * transfer, lower (or {@code 0}, not written) only by claiming it
 * @since 0.1.0
 */
public record RegisteredSession(long serverId, String address, String hostName, String version, String registeredAt,
		boolean active, boolean stopping, int rank, int priority, int electionProtocol) {
}
