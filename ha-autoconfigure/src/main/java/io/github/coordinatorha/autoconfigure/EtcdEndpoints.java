package io.github.coordinatorha.autoconfigure;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks {@code ha.etcd.endpoints} and turns them into URIs jetcd accepts.
 */
final class EtcdEndpoints {

	private EtcdEndpoints() {
	}

	static List<URI> parse(List<String> endpoints, String source) {
		List<URI> uris = new ArrayList<>();
		if (endpoints != null) {
			for (String endpoint : endpoints) {
				if (endpoint != null && !endpoint.isBlank()) {
					uris.add(parseOne(endpoint.strip(), source));
				}
			}
		}
		if (uris.isEmpty()) {
			throw new InvalidHaConfigurationException(source, "is empty while a role runs in active-standby mode",
					"Set it to your etcd client URLs, for example ha.etcd.endpoints=http://127.0.0.1:2379,"
							+ " or disable active-standby for every role");
		}
		return uris;
	}

	private static URI parseOne(String endpoint, String source) {
		try {
			URI uri = new URI(endpoint);
			boolean knownScheme = "http".equals(uri.getScheme()) || "https".equals(uri.getScheme());
			if (knownScheme && uri.getHost() != null && uri.getPort() > 0 && uri.getPort() < 65536) {
				return uri;
			}
		}
		catch (URISyntaxException ex) {
			// reported below
		}
		throw new InvalidHaConfigurationException(source, "holds '" + endpoint + "', which is not an etcd URL",
				"Write each endpoint as http://host:port or https://host:port, for example http://127.0.0.1:2379");
	}

}
