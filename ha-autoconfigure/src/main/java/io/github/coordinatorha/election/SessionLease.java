package io.github.coordinatorha.election;

import java.time.Duration;
import java.time.Instant;

/**
 * One incarnation of this node's session: the lease etcd granted and the server ID the
 * node registers under. A new lease after a loss is a new epoch.
 *
 * @param epoch counts the leases this node has held, from 1
 * @param leaseId the etcd lease ID
 * @param serverId the node's server ID
 * @param ttl the TTL etcd granted, which may exceed the one asked for
 * @param openedAt when the lease was granted, for operators
 */
record SessionLease(long epoch, long leaseId, long serverId, Duration ttl, Instant openedAt) {
}
