/**
 * The election engine: this node's session and lease in etcd, and one election per role.
 * Only {@link io.github.coordinatorha.election.ElectionNode} and its settings are public;
 * everything else is an implementation detail.
 */
@NullMarked
package io.github.coordinatorha.election;

import org.jspecify.annotations.NullMarked;
