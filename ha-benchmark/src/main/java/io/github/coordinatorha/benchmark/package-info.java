/**
 * The benchmark: handover and failover speed, load on etcd, scale and cost of
 * coordinator-ha, beside its peers measured the same way in the same run: etcd's own
 * election ({@code etcdctl elect}, {@code etcdctl lock}) and Spring Integration's JDBC
 * leader initiator on PostgreSQL
 * ({@link io.github.coordinatorha.benchmark.JdbcLeaderPeer}).
 */
package io.github.coordinatorha.benchmark;
