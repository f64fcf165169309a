/**
 * Auto-configuration of coordinator-ha: properties, the etcd client and the election
 * node.
 */
package io.github.coordinatorha.autoconfigure;
