/**
 * Auto-configuration of coordinator-ha: properties, the etcd client and the election
 * node.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure;

import org.jspecify.annotations.NullMarked;
