/**
 * Real etcd processes and application processes on loopback, for the project's own
 * tests.
 */
package io.github.coordinatorha.test.etcd;
