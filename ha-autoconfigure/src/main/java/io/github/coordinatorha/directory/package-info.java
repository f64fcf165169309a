/**
 * The role directory: which node is active for each role, and which sessions each role
 * has, as etcd holds them, for applications that call a role's active node, whether they
 * compete for roles or only observe.
 */
@NullMarked
package io.github.coordinatorha.directory;

import org.jspecify.annotations.NullMarked;
