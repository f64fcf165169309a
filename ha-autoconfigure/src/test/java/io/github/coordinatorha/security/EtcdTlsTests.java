package io.github.coordinatorha.security;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.InvalidHaConfigurationException;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import io.github.coordinatorha.test.etcd.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * TLS and mutual TLS to real etcd servers, with certificates made for the test: a CA and
 * keys from files or from PEM text in an SSL bundle (PKCS#8, PKCS#1 and SEC1 keys), Java
 * key stores, and certificates that must be refused. The endpoints' scheme decides
 * whether a node talks TLS; TLS asked for with {@code http://} endpoints is refused.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdTlsTests {

	private static TestCertificates certificates;

	private static EtcdCluster tls;

	private static EtcdCluster mutualTls;

	@BeforeAll
	static void startEtcd() {
		certificates = TestCertificates.create();
		tls = EtcdCluster.startWithTls(1, certificates, false);
		mutualTls = EtcdCluster.startWithTls(1, certificates, true);
	}

	@AfterAll
	static void stopEtcd() {
		List.of(tls, mutualTls).forEach(EtcdCluster::close);
		certificates.close();
	}

	private static ConfigurableApplicationContext node(EtcdCluster etcd, String... properties) {
		List<String> all = new ArrayList<>(List.of(properties));
		all.add("ha.etcd.request-timeout=2s");
		return TestApplications.run(Node.class, etcd.endpoints(), "tls-" + System.nanoTime(),
				all.toArray(String[]::new));
	}

	private static String[] bundle(String ca, String certificate, String privateKey) {
		List<String> properties = new ArrayList<>(
				List.of("ha.etcd.ssl.bundle=etcd", "spring.ssl.bundle.pem.etcd.truststore.certificate=" + ca));
		if (certificate != null) {
			properties.add("spring.ssl.bundle.pem.etcd.keystore.certificate=" + certificate);
			properties.add("spring.ssl.bundle.pem.etcd.keystore.private-key=" + privateKey);
		}
		return properties.toArray(String[]::new);
	}

	private static String file(String name) {
		return "file:" + certificates.file(name);
	}

	@Test
	void tlsWithTheCaFromAFileElectsNormally() {
		assertThat(tls.endpoints()).startsWith("https://");
		try (ConfigurableApplicationContext node = node(tls, bundle(file("ca.pem"), null, null))) {
			awaitActive(node);
		}
	}

	@Test
	void mutualTlsWithPemTextElectsNormallyAndNeverLogsTheKey(CapturedOutput output) {
		String key = certificates.pem("client.key");
		try (ConfigurableApplicationContext node = node(mutualTls,
				bundle(certificates.pem("ca.pem"), certificates.pem("client.pem"), key))) {
			awaitActive(node);
		}
		String keyBody = key.lines().filter((line) -> !line.startsWith("-----")).findFirst().orElseThrow();
		assertThat(output).doesNotContain(keyBody);
	}

	@Test
	void mutualTlsWithKeyFilesElectsNormally() {
		try (ConfigurableApplicationContext node = node(mutualTls,
				bundle(file("ca.pem"), file("client.pem"), file("client.key")))) {
			awaitActive(node);
		}
	}

	@Test
	void mutualTlsWithAPkcs1RsaKeyAsPemTextElectsNormally() {
		String key = certificates.pem("rsa-client-pkcs1.key");
		assertThat(key).startsWith("-----BEGIN RSA PRIVATE KEY-----");
		try (ConfigurableApplicationContext node = node(mutualTls,
				bundle(certificates.pem("ca.pem"), certificates.pem("rsa-client.pem"), key))) {
			awaitActive(node);
		}
	}

	@Test
	void mutualTlsWithASec1EcKeyFileElectsNormally() {
		assertThat(certificates.pem("client-sec1.key")).startsWith("-----BEGIN EC PRIVATE KEY-----");
		try (ConfigurableApplicationContext node = node(mutualTls,
				bundle(file("ca.pem"), file("client.pem"), file("client-sec1.key")))) {
			awaitActive(node);
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "JKS", "PKCS12" })
	void mutualTlsWithJavaKeyStoresElectsNormally(String type) {
		Path stores = certificates.keyStores(type, "changeit");
		String suffix = type.toLowerCase(Locale.ROOT);
		try (ConfigurableApplicationContext node = node(mutualTls, "ha.etcd.ssl.bundle=etcd",
				"spring.ssl.bundle.jks.etcd.truststore.location=file:" + stores.resolve("truststore." + suffix),
				"spring.ssl.bundle.jks.etcd.truststore.password=changeit",
				"spring.ssl.bundle.jks.etcd.truststore.type=" + type,
				"spring.ssl.bundle.jks.etcd.keystore.location=file:" + stores.resolve("keystore." + suffix),
				"spring.ssl.bundle.jks.etcd.keystore.password=changeit",
				"spring.ssl.bundle.jks.etcd.keystore.type=" + type)) {
			awaitActive(node);
		}
	}

	@Test
	void httpsEndpointsTalkTlsEvenWithSslEnabledFalse() {
		List<String> properties = new ArrayList<>(List.of(bundle(file("ca.pem"), null, null)));
		properties.add("ha.etcd.ssl.enabled=false");
		try (ConfigurableApplicationContext node = node(tls, properties.toArray(String[]::new))) {
			awaitActive(node);
		}
	}

	@Test
	void sslEnabledWithPlainHttpEndpointsIsRefusedAtStartup() {
		assertThatThrownBy(
				() -> TestApplications.run(Node.class, "http://127.0.0.1:2379", "tls", "ha.etcd.ssl.enabled=true"))
			.hasRootCauseInstanceOf(InvalidHaConfigurationException.class)
			.rootCause()
			.hasMessageContaining("ha.etcd.endpoints")
			.hasMessageContaining("ha.etcd.ssl.enabled")
			.hasMessageContaining("https://host:port");
	}

	@Test
	void aMixOfHttpAndHttpsEndpointsIsRefusedAtStartup() {
		assertThatThrownBy(() -> TestApplications.run(Node.class, tls.endpoints() + ",http://127.0.0.1:2379", "tls"))
			.hasRootCauseInstanceOf(InvalidHaConfigurationException.class)
			.rootCause()
			.hasMessageContaining("mixes http://");
	}

	@Test
	void anUntrustedServerCertificateIsNamedAndTheNodeNeverActive() {
		try (ConfigurableApplicationContext node = node(tls, bundle(file("rogue-ca.pem"), null, null))) {
			assertProblem(node, "not trusted", "ha.etcd.ssl.bundle");
		}
	}

	@Test
	void aClientCertificateEtcdDoesNotTrustIsNamedAndTheNodeNeverActive() {
		try (ConfigurableApplicationContext node = node(mutualTls,
				bundle(file("ca.pem"), file("rogue-client.pem"), file("rogue-client.key")))) {
			assertProblem(node, "refused the TLS handshake", "client certificate");
		}
	}

	@Test
	void noClientCertificateForMutualTlsIsNamedAndTheNodeNeverActive() {
		try (ConfigurableApplicationContext node = node(mutualTls, bundle(file("ca.pem"), null, null))) {
			assertProblem(node, "refused the TLS handshake", "client certificate");
		}
	}

	@Test
	void httpsEndpointsWithoutABundleUseTheJvmTrustStoreAndSayWhatToDo() {
		try (ConfigurableApplicationContext node = node(tls)) {
			assertProblem(node, "not trusted", "ha.etcd.ssl.bundle");
		}
	}

	@Test
	void aBundleWithPlainHttpEndpointsIsRefusedAtStartup() {
		assertThatThrownBy(() -> TestApplications.run(Node.class, "http://127.0.0.1:2379", "tls",
				bundle(file("ca.pem"), null, null)))
			.hasRootCauseInstanceOf(InvalidHaConfigurationException.class)
			.rootCause()
			.hasMessageContaining("ha.etcd.endpoints")
			.hasMessageContaining("https://");
	}

	@Test
	void anUndefinedBundleIsRefusedAtStartup() {
		assertThatThrownBy(() -> TestApplications.run(Node.class, tls.endpoints(), "tls", "ha.etcd.ssl.bundle=nope"))
			.hasRootCauseInstanceOf(InvalidHaConfigurationException.class)
			.rootCause()
			.hasMessageContaining("'nope', which is not defined")
			.hasMessageContaining("spring.ssl.bundle.pem.nope");
	}

	private static void awaitActive(ConfigurableApplicationContext node) {
		ElectionNode election = node.getBean(ElectionNode.class);
		await().atMost(Duration.ofSeconds(15))
			.untilAsserted(() -> assertThat(election.isActive("rootCoord"))
				.as(() -> "active; session problem: " + election.sessionProblem().orElse("none"))
				.isTrue());
	}

	private static void assertProblem(ConfigurableApplicationContext node, String problem, String fix) {
		ElectionNode election = node.getBean(ElectionNode.class);
		await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
			assertThat(election.isActive("rootCoord")).isFalse();
			assertThat(election.sessionProblem()).hasValueSatisfying((text) -> assertThat(text).contains(problem));
		});
		assertThat(election.sessionProblem().get()).contains(fix);
		assertThat(election.isActive("rootCoord")).isFalse();
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration({ SslAutoConfiguration.class, ActiveStandbyAutoConfiguration.class })
	static class Node {

	}

}
