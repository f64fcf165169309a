/**
 * The benchmark: failover and handover speed, load on etcd, scale and cost, beside
 * etcd's own election ({@code etcdctl elect}, {@code etcdctl lock}).
 */
package io.github.coordinatorha.benchmark;
