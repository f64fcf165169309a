package io.github.coordinatorha.test.etcd;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the etcd and etcdctl binaries: {@code ETCD_BIN}, then {@code PATH}, then the
 * usual folders.
 */
public final class EtcdBinaries {

	private EtcdBinaries() {
	}

	/**
	 * The etcd server binary.
	 * @return its path
	 * @throws IllegalStateException naming the fix when there is none
	 */
	public static Path etcd() {
		String configured = System.getenv("ETCD_BIN");
		if (configured != null && !configured.isBlank() && Files.isExecutable(Path.of(configured))) {
			return Path.of(configured).toAbsolutePath();
		}
		return find("etcd");
	}

	/**
	 * The etcdctl binary, beside etcd if possible.
	 * @return its path
	 */
	public static Path etcdctl() {
		Path beside = etcd().resolveSibling("etcdctl");
		return Files.isExecutable(beside) ? beside : find("etcdctl");
	}

	private static Path find(String name) {
		List<Path> candidates = new ArrayList<>();
		String path = System.getenv("PATH");
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
			.orElseThrow(() -> new IllegalStateException(name + " not found: install Debian's etcd-server and"
					+ " etcd-client packages (apt-get install etcd-server etcd-client) or set ETCD_BIN to the etcd"
					+ " binary; scripts/test.sh does this for you"));
	}

}
