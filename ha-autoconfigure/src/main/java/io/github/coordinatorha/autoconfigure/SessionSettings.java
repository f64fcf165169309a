package io.github.coordinatorha.autoconfigure;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.election.ElectionSettings;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.info.BuildProperties;
import org.springframework.core.env.Environment;

/**
 * Validates {@code ha.session.*} and {@code ha.etcd.*} timings and turns them into the
 * election's settings, with what this node writes to its sessions.
 */
final class SessionSettings {

	private SessionSettings() {
	}

	static ElectionSettings of(ActiveStandbyProperties properties, Environment environment,
			@Nullable BuildProperties build, List<String> endpoints) {
		ActiveStandbyProperties.Session session = properties.getSession();
		positive("ha.session.ttl", session.getTtl(), environment);
		if (session.getTtl().compareTo(Duration.ofSeconds(1)) < 0) {
			throw new InvalidHaConfigurationException("ha.session.ttl",
					"is " + written("ha.session.ttl", session.getTtl(), environment)
							+ ", but etcd grants leases in whole seconds, 1s at the least",
					"Set it to 1s or more (10s by default; 2s suits a LAN)");
		}
		positive("ha.etcd.request-timeout", properties.getEtcd().getRequestTimeout(), environment);
		InetAddress localHost = localHost();
		String host = (localHost != null) ? localHost.getHostAddress() : "127.0.0.1";
		String hostName = (localHost != null) ? localHost.getHostName() : "localhost";
		Supplier<String> address = () -> (session.getAddress() != null) ? session.getAddress() : host + ":"
				+ environment.getProperty("local.server.port", environment.getProperty("server.port", "8080"));
		return new ElectionSettings(properties.getEtcd().getRootPath(), properties.getEtcd().getMetaSubPath(),
				session.getTtl(), properties.getEtcd().getRequestTimeout(), address, hostName,
				version(environment, build), String.join(",", endpoints));
	}

	/**
	 * The version written to sessions: the application's (its build-info, else the
	 * Implementation-Version of its main class's jar), else the starter's own.
	 */
	static String version(Environment environment, @Nullable BuildProperties build) {
		if (build != null && build.getVersion() != null) {
			return build.getVersion();
		}
		String application = environment.getProperty("spring.application.version");
		if (application != null && !application.isBlank()) {
			return application;
		}
		String ours = ElectionNode.class.getPackage().getImplementationVersion();
		return (ours != null) ? ours : "dev";
	}

	private static void positive(String property, Duration value, Environment environment) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidHaConfigurationException(property,
					"is " + written(property, value, environment) + ", but must be positive",
					"Set it to a positive duration such as 10s");
		}
	}

	/**
	 * The value as the user wrote it ({@code 0s}, not {@code PT0S}).
	 */
	private static String written(String property, Duration value, Environment environment) {
		String raw = environment.getProperty(property);
		if (raw != null) {
			return raw;
		}
		if (value == null) {
			return "empty";
		}
		long millis = value.toMillis();
		return (millis % 1000 == 0) ? (millis / 1000) + "s" : millis + "ms";
	}

	private static @Nullable InetAddress localHost() {
		try {
			return InetAddress.getLocalHost();
		}
		catch (UnknownHostException ex) {
			return null;
		}
	}

}
