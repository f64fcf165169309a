package io.github.coordinatorha.autoconfigure;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

import javax.net.ssl.SSLException;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.netty.handler.ssl.SslContextBuilder;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.StringUtils;

/**
 * Builds the jetcd client from the connection details (endpoints and credentials) and
 * {@code ha.etcd.*} (TLS).
 */
final class EtcdClients {

	private EtcdClients() {
	}

	static Client create(EtcdConnectionDetails details, ActiveStandbyProperties.Etcd etcd,
			@Nullable SslBundles sslBundles) {
		List<URI> endpoints = EtcdEndpoints.parse(details.getEndpoints(), source(details));
		// Fail fast rather than wait for a connection, and let jetcd retry nothing: the
		// election retries on its own schedule, within its own deadlines, and logs once
		// per
		// change; the failure's cause (a refused certificate, say) reaches the status.
		ClientBuilder builder = Client.builder()
			.endpoints(endpoints)
			.waitForReady(false)
			.retryMaxAttempts(0)
			// Every call requires a leader: a member cut off from the majority answers
			// with an
			// error ("no leader") instead of a watch that falls silent or a stale
			// keepalive.
			.header("hasleader", "true")
			// ...and round robin hands such a member one call in N: a call it refused
			// goes to the next member, or a session (four calls in a row) never opens.
			.interceptor(new NoLeaderRetry(endpoints.size()));
		credentials(details, builder);
		if (tls(etcd, endpoints)) {
			SslBundle bundle = bundle(etcd.getSsl().getBundle(), sslBundles);
			try {
				builder.sslContext((ssl) -> configure(ssl, bundle));
			}
			catch (SSLException ex) {
				throw new InvalidHaConfigurationException("ha.etcd.ssl.bundle",
						"cannot be used for TLS to etcd: " + ex.getMessage(),
						"Give the bundle a CA certificate, and for mutual TLS a certificate with its private key");
			}
		}
		return builder.build();
	}

	private static String source(EtcdConnectionDetails details) {
		return (details instanceof PropertiesEtcdConnectionDetails) ? "ha.etcd.endpoints"
				: "the endpoints of the EtcdConnectionDetails bean " + details.getClass().getName();
	}

	private static void credentials(EtcdConnectionDetails details, ClientBuilder builder) {
		if (!StringUtils.hasText(details.getUsername())) {
			return;
		}
		if (details.getPassword() == null) {
			throw new InvalidHaConfigurationException("ha.etcd.password", "is missing while ha.etcd.username is set",
					"Set the password of that etcd user");
		}
		builder.user(ByteSequence.from(details.getUsername(), StandardCharsets.UTF_8))
			.password(ByteSequence.from(details.getPassword(), StandardCharsets.UTF_8));
	}

	private static boolean tls(ActiveStandbyProperties.Etcd etcd, List<URI> endpoints) {
		boolean anyHttps = endpoints.stream().anyMatch((uri) -> "https".equals(uri.getScheme()));
		boolean tls = anyHttps || etcd.getSsl().isEnabled() || StringUtils.hasText(etcd.getSsl().getBundle());
		if (tls && endpoints.stream().anyMatch((uri) -> "http".equals(uri.getScheme()))) {
			throw new InvalidHaConfigurationException("ha.etcd.endpoints",
					"mixes http:// with TLS (https:// endpoints, ha.etcd.ssl.enabled or ha.etcd.ssl.bundle)",
					"Write every endpoint as https://host:port to talk TLS, or drop the TLS settings");
		}
		return tls;
	}

	private static @Nullable SslBundle bundle(@Nullable String name, @Nullable SslBundles sslBundles) {
		if (!StringUtils.hasText(name)) {
			return null;
		}
		if (sslBundles == null) {
			throw new InvalidHaConfigurationException("ha.etcd.ssl.bundle",
					"names bundle '" + name + "', but the application has no SSL bundles",
					"Define it under spring.ssl.bundle.pem." + name + " (or .jks." + name
							+ ") with Spring Boot's SSL auto-configuration in place");
		}
		try {
			return sslBundles.getBundle(name);
		}
		catch (NoSuchSslBundleException ex) {
			throw new InvalidHaConfigurationException("ha.etcd.ssl.bundle",
					"names bundle '" + name + "', which is not defined",
					"Define it under spring.ssl.bundle.pem." + name
							+ ".truststore.certificate (the CA of etcd's certificate) and, for mutual TLS, .keystore.certificate"
							+ " and .keystore.private-key, or fix the name");
		}
	}

	private static void configure(SslContextBuilder ssl, @Nullable SslBundle bundle) {
		if (bundle == null) {
			return;
		}
		ssl.trustManager(bundle.getManagers().getTrustManagerFactory());
		if (bundle.getStores().getKeyStore() != null) {
			ssl.keyManager(bundle.getManagers().getKeyManagerFactory());
		}
		String[] protocols = bundle.getOptions().getEnabledProtocols();
		if (protocols != null) {
			ssl.protocols(protocols);
		}
		String[] ciphers = bundle.getOptions().getCiphers();
		if (ciphers != null) {
			ssl.ciphers(List.of(ciphers));
		}
	}

}
