/**
 * For the tests of applications that use the starter:
 * {@link io.github.coordinatorha.test.LocalEtcd} starts a real etcd on a free loopback
 * port, and {@link io.github.coordinatorha.test.AutoConfigureTestElection} makes this
 * node ACTIVE or STANDBY for a role on demand, without etcd.
 */
@NullMarked
package io.github.coordinatorha.test;

import org.jspecify.annotations.NullMarked;
