package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Certificates for TLS tests, made with {@code openssl} in a temporary folder: a CA, a
 * server certificate for {@code 127.0.0.1} and {@code localhost}, a client certificate,
 * and a second, unrelated CA with a client certificate of its own that no one trusts.
 * Keys are unencrypted PKCS#8 PEM on P-256.
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
			certificates.issue("server", "ca", "etcd", "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
					+ "extendedKeyUsage=serverAuth,clientAuth\n");
			certificates.issue("client", "ca", "coordinator", "extendedKeyUsage=clientAuth\n");
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
		Files.writeString(this.home.resolve(name + ".ext"), extensions);
		openssl("req", "-new", "-key", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + commonName);
		openssl("x509", "-req", "-in", name + ".csr", "-CA", issuer + ".pem", "-CAkey", issuer + ".key",
				"-CAcreateserial", "-out", name + ".pem", "-days", "2", "-extfile", name + ".ext");
	}

	private void key(String name) {
		openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name + ".key");
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
