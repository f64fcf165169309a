package io.github.coordinatorha.election;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * Node-wide settings of the election engine, already validated.
 *
 * @param rootPath the etcd root path, for example {@code by-dev}
 * @param metaSubPath the sub-path under the root that holds sessions, for example
 * {@code meta}
 * @param sessionTtl the lease TTL to ask etcd for
 * @param requestTimeout the deadline of every etcd call
 * @param address supplies the address this node advertises, {@code host:port}; asked
 * once, when the first session is written
 * @param hostName this host's name, written to sessions
 * @param version the version written to sessions
 * @param endpoints etcd's endpoints as configured, named in messages about etcd
 * @since 0.1.0
 */
public record ElectionSettings(String rootPath, String metaSubPath, Duration sessionTtl, Duration requestTimeout,
		Supplier<String> address, String hostName, String version, String endpoints) {

	/**
	 * Settings whose messages name etcd without its endpoints.
	 * @param rootPath the etcd root path
	 * @param metaSubPath the sub-path under the root that holds sessions
	 * @param sessionTtl the lease TTL to ask etcd for
	 * @param requestTimeout the deadline of every etcd call
	 * @param address supplies the address this node advertises
	 * @param hostName this host's name
	 * @param version the version written to sessions
	 */
	public ElectionSettings(String rootPath, String metaSubPath, Duration sessionTtl, Duration requestTimeout,
			Supplier<String> address, String hostName, String version) {
		this(rootPath, metaSubPath, sessionTtl, requestTimeout, address, hostName, version, "(ha.etcd.endpoints)");
	}

}
