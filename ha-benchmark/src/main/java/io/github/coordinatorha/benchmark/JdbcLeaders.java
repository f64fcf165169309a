package io.github.coordinatorha.benchmark;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

import io.github.coordinatorha.test.etcd.NodeProcess;

import org.springframework.core.io.ClassPathResource;
import org.springframework.integration.jdbc.lock.JdbcLockRegistry;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * The Spring-native peer: {@link JdbcLeaderPeer} processes, each a Spring Integration
 * {@code LockRegistryLeaderInitiator} on a {@code JdbcLockRegistry}, all on one
 * PostgreSQL. A candidate leads once it prints {@value JdbcLeaderPeer#GRANTED}; it is a
 * ready standby once it has tried the lock and found it held.
 */
final class JdbcLeaders implements Contender {

	private final String url;

	private final String databaseVersion;

	private final String classpath;

	private final Path logs;

	private int count;

	private JdbcLeaders(String url, String databaseVersion, String classpath, Path logs) {
		this.url = url;
		this.databaseVersion = databaseVersion;
		this.classpath = classpath;
		this.logs = logs;
	}

	/**
	 * The peer on the PostgreSQL at {@code url}, with Spring Integration's tables created
	 * if they are missing.
	 * @param url a JDBC URL with its credentials
	 * @param classpath the classpath of the peer's JVMs
	 * @param logs where their output goes
	 * @return the contender
	 */
	static JdbcLeaders on(String url, String classpath, Path logs) {
		try (Connection connection = DriverManager.getConnection(url)) {
			if (!hasLockTable(connection)) {
				new ResourceDatabasePopulator(
						new ClassPathResource("org/springframework/integration/jdbc/schema-postgresql.sql"))
					.execute(new SingleConnectionDataSource(connection, true));
			}
			return new JdbcLeaders(url, connection.getMetaData().getDatabaseProductVersion(), classpath, logs);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot reach PostgreSQL at " + url
					+ ": start it as scripts/benchmark.sh does, or leave -Dbenchmark.postgres unset", ex);
		}
	}

	/**
	 * What runs, for the report.
	 * @return the versions
	 */
	String describe() {
		return "spring-integration-jdbc " + JdbcLockRegistry.class.getPackage().getImplementationVersion()
				+ " on PostgreSQL " + this.databaseVersion;
	}

	private static boolean hasLockTable(Connection connection) throws SQLException {
		try (ResultSet result = connection.createStatement().executeQuery("select to_regclass('int_lock')")) {
			return result.next() && result.getString(1) != null;
		}
	}

	@Override
	public String name() {
		return "Spring Integration JDBC";
	}

	@Override
	public ProcessCandidate start(String group, Duration ttl) {
		String name = "jdbc-" + (++this.count);
		NodeProcess process = NodeProcess.start(name,
				List.of(NodeProcess.javaExecutable(), "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", this.classpath,
						JdbcLeaderPeer.class.getName(), "--peer.url=" + this.url, "--peer.role=" + group,
						"--peer.ttl-seconds=" + ttl.toSeconds()),
				this.logs.resolve(name + ".log"));
		return new ProcessCandidate(process, JdbcLeaderPeer.GRANTED,
				(timeout) -> process.awaitLine(JdbcLeaderPeer.STANDBY, timeout), 0);
	}

}
