/**
 * Real etcd processes and application processes on loopback, for the project's own tests.
 */
@NullMarked
package io.github.coordinatorha.test.etcd;

import org.jspecify.annotations.NullMarked;
