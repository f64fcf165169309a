package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with {@code openssl} in a temporary folder: a CA, a
 * server certificate for {@code 127.0.0.1} and {@code localhost}, a client certificate,
 * and a second, unrelated CA with a client certificate of its own that no one trusts.
 * Keys are unencrypted PKCS#8 PEM on P-256; the client's key is also there in the other
 * PEM forms users bring ({@code client-sec1.key}: SEC1, {@code BEGIN EC PRIVATE KEY}), a
 * second client certificate has an RSA key in PKCS#1 ({@code rsa-client.pem},
 * {@code rsa-client-pkcs1.key}: {@code BEGIN RSA PRIVATE KEY}), and
 * {@link #keyStores(String, String)} writes Java key stores.
 */
public final class TestCertificates implements AutoCloseable {

	private final Path home;

	private TestCertificates(Path home) {
		this.home = home;
	}

	/**
	 * Makes every certificate.
	 * @return them
	 * @throws IllegalStateException naming the fix when {@code openssl} is missing
	 */
	public static TestCertificates create() {
		try {
			TestCertificates certificates = new TestCertificates(Files.createTempDirectory("etcd-certs-"));
			certificates.authority("ca");
			certificates.issue("server", "ca", "etcd",
					"subjectAltName=IP:127.0.0.1,DNS:localhost\n" + "extendedKeyUsage=serverAuth,clientAuth\n");
			certificates.issue("client", "ca", "coordinator", "extendedKeyUsage=clientAuth\n");
			certificates.openssl("ec", "-in", "client.key", "-out", "client-sec1.key");
			certificates.issueRsa("rsa-client", "ca", "coordinator", "extendedKeyUsage=clientAuth\n");
			certificates.authority("rogue-ca");
			certificates.issue("rogue-client", "rogue-ca", "coordinator", "extendedKeyUsage=clientAuth\n");
			certificates.issue("rogue-server", "rogue-ca", "etcd",
					"subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
			return certificates;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void authority(String name) {
		key(name);
		openssl("req", "-x509", "-new", "-key", name + ".key", "-out", name + ".pem", "-days", "2", "-subj",
				"/CN=" + name);
	}

	private void issue(String name, String issuer, String commonName, String extensions) throws IOException {
		key(name);
		sign(name, issuer, commonName, extensions);
	}

	/**
	 * Issues a certificate for an RSA key, also written in PKCS#1 as
	 * {@code <name>-pkcs1.key}.
	 */
	private void issueRsa(String name, String issuer, String commonName, String extensions) throws IOException {
		openssl("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", name + ".key");
		openssl("rsa", "-in", name + ".key", "-traditional", "-out", name + "-pkcs1.key");
		sign(name, issuer, commonName, extensions);
	}

	private void sign(String name, String issuer, String commonName, String extensions) throws IOException {
		Files.writeString(this.home.resolve(name + ".ext"), extensions);
		openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
		openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
				"-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
	}

	private void key(String name) {
		openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
	}

	/**
	 * Writes the CA and the client's certificate and key as Java key stores:
	 * {@code truststore.<type>} with the CA (alias {@code ca}) and
	 * {@code keystore.<type>} with the client's key and certificate chain (alias
	 * {@code client}), both protected by {@code password}.
	 * @param type the key store type, {@code JKS} or {@code PKCS12}
	 * @param password the store's and the key's password
	 * @return the folder that holds them
	 */
	public Path keyStores(String type, String password) {
		try {
			CertificateFactory x509 = CertificateFactory.getInstance("X.509");
			Certificate ca = certificate(x509, "ca.pem");
			Certificate client = certificate(x509, "client.pem");
			byte[] der = Base64.getMimeDecoder().decode(pem("client.key").replaceAll("-----[A-Z ]+-----", "").strip());
			PrivateKey key = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
			KeyStore trustStore = KeyStore.getInstance(type);
			trustStore.load(null, null);
			trustStore.setCertificateEntry("ca", ca);
			store(trustStore, "truststore." + type.toLowerCase(Locale.ROOT), password);
			KeyStore keyStore = KeyStore.getInstance(type);
			keyStore.load(null, null);
			keyStore.setKeyEntry("client", key, password.toCharArray(), new Certificate[] { client, ca });
			store(keyStore, "keystore." + type.toLowerCase(Locale.ROOT), password);
			return this.home;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Could not write " + type + " key stores", ex);
		}
	}

	private Certificate certificate(CertificateFactory x509, String name) throws IOException, CertificateException {
		try (InputStream in = Files.newInputStream(file(name))) {
			return x509.generateCertificate(in);
		}
	}

	private void store(KeyStore store, String name, String password) throws IOException, GeneralSecurityException {
		try (OutputStream out = Files.newOutputStream(file(name))) {
			store.store(out, password.toCharArray());
		}
	}

	private void openssl(String... args) {
		List<String> command = new ArrayList<>();
		command.add("openssl");
		command.addAll(List.of(args));
		try {
			Process process = new ProcessBuilder(command).directory(this.home.toFile())
				.redirectErrorStream(true)
				.start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
				throw new IllegalStateException("openssl " + String.join(" ", args) + " failed: " + output);
			}
		}
		catch (IOException ex) {
			throw new IllegalStateException(
					"TLS tests make their certificates with openssl, which is missing: install it (apt-get install openssl)",
					ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * A file of the set, for example {@code ca.pem}, {@code client.key}.
	 * @param name the file name
	 * @return its path
	 */
	public Path file(String name) {
		return this.home.resolve(name);
	}

	/**
	 * A file's content.
	 * @param name the file name
	 * @return its PEM text
	 */
	public String pem(String name) {
		try {
			return Files.readString(file(name));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The CA that signed the server and client certificates.
	 * @return {@code ca.pem}
	 */
	public Path ca() {
		return file("ca.pem");
	}

	/**
	 * Deletes the files.
	 */
	@Override
	public void close() {
		TempFiles.delete(this.home);
	}

}
