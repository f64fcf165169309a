package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Finds the etcd and etcdctl binaries: {@code ETCD_BIN} (and {@code ETCDCTL_BIN}), then
 * {@code PATH}, then the usual folders. {@code scripts/ensure-etcd.sh} sets
 * {@code ETCD_BIN} to the etcd it chose (Debian 12's 3.4, or the 3.5 it fetched for
 * {@code ETCD_VERSION=3.5}), with etcdctl beside it.
 */
public final class EtcdBinaries {

	private static final Pattern VERSION = Pattern.compile("(?m)^etcd Version: *(\\d+\\.\\d+\\.\\d+)");

	private static final String FIX = "install Debian's etcd-server and etcd-client packages (apt-get install"
			+ " etcd-server etcd-client) or set ETCD_BIN to the etcd binary; scripts/test.sh does this for you";

	private EtcdBinaries() {
	}

	/**
	 * The etcd server binary.
	 * @return its path
	 * @throws IllegalStateException naming the fix when there is none, or when
	 * {@code ETCD_BIN} names no executable file
	 */
	public static Path etcd() {
		return etcd(System.getenv());
	}

	/**
	 * The etcdctl binary: {@code ETCDCTL_BIN} if set, else beside etcd if there is one
	 * there, else on {@code PATH}.
	 * @return its path
	 * @throws IllegalStateException naming the fix when there is none, or when
	 * {@code ETCDCTL_BIN} names no executable file
	 */
	public static Path etcdctl() {
		return etcdctl(System.getenv());
	}

	/**
	 * The version of the etcd server binary, from {@code etcd --version}.
	 * @return the version, such as {@code 3.5.16}
	 * @throws IllegalStateException when etcd does not run or prints no version
	 */
	public static String version() {
		return version(etcd());
	}

	static Path etcd(Map<String, String> env) {
		Path configured = configured(env, "ETCD_BIN");
		return (configured != null) ? configured : find(env, "etcd");
	}

	static Path etcdctl(Map<String, String> env) {
		Path configured = configured(env, "ETCDCTL_BIN");
		if (configured != null) {
			return configured;
		}
		Path beside = etcd(env).resolveSibling("etcdctl");
		return Files.isExecutable(beside) ? beside : find(env, "etcdctl");
	}

	static String version(Path etcd) {
		ProcessBuilder builder = new ProcessBuilder(etcd.toString(), "--version").redirectErrorStream(true);
		// etcd reads ETCD_* variables as flags: ETCD_VERSION=3.5 would even stop etcd
		// 3.4.
		builder.environment().keySet().removeIf((key) -> key.startsWith("ETCD"));
		try {
			Process process = builder.start();
			String output;
			try (InputStream in = process.getInputStream()) {
				output = new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
			}
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			Matcher matcher = VERSION.matcher(output);
			if (!matcher.find()) {
				throw new IllegalStateException(
						etcd + " --version printed no 'etcd Version: X.Y.Z' line: " + output.strip() + "; " + FIX);
			}
			return matcher.group(1);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Could not run " + etcd + " --version; " + FIX, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted while running " + etcd + " --version", ex);
		}
	}

	private static @Nullable Path configured(Map<String, String> env, String variable) {
		String configured = env.get(variable);
		if (configured == null || configured.isBlank()) {
			return null;
		}
		if (!configured.contains("/")) {
			return find(env, configured);
		}
		Path path = Path.of(configured);
		if (!Files.isRegularFile(path) || !Files.isExecutable(path)) {
			throw new IllegalStateException(variable + "=" + configured + " is not an executable file: point it at"
					+ " the binary, or unset it to use the one on PATH; scripts/test.sh sets it for you");
		}
		return path.toAbsolutePath();
	}

	private static Path find(Map<String, String> env, String name) {
		List<Path> candidates = new ArrayList<>();
		String path = env.get("PATH");
		if (path != null) {
			for (String dir : path.split(":")) {
				if (!dir.isBlank()) {
					candidates.add(Path.of(dir, name));
				}
			}
		}
		candidates.add(Path.of("/usr/bin", name));
		candidates.add(Path.of("/usr/local/bin", name));
		return candidates.stream()
			.filter(Files::isExecutable)
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(name + " not found: " + FIX));
	}

}
