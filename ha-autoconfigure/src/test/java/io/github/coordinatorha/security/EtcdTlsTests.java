package io.github.coordinatorha.security;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

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
 * keys from files or from PEM text in an SSL bundle, and certificates that must be
 * refused.
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
		List<String> properties = new ArrayList<>(List.of("ha.etcd.ssl.bundle=etcd",
				"spring.ssl.bundle.pem.etcd.truststore.certificate=" + ca));
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
			.untilAsserted(() -> assertThat(election.isActive("rootCoord")).as(() -> "active; session problem: "
					+ election.sessionProblem().orElse("none")).isTrue());
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
