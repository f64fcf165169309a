package io.github.coordinatorha.test.etcd;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

class EtcdBinariesTests {

	@TempDir
	Path dir;

	@Test
	void etcdShouldBeTheFileNamedByEtcdBin() throws IOException {
		Path etcd = script("a/etcd", "true");

		assertThat(EtcdBinaries.etcd(Map.of("ETCD_BIN", etcd.toString(), "PATH", ""))).isEqualTo(etcd);
	}

	@Test
	void etcdWhenEtcdBinIsNoExecutableFileShouldNameTheFix() throws IOException {
		Path notExecutable = Files.writeString(this.dir.resolve("etcd"), "");

		assertThatIllegalStateException()
			.isThrownBy(() -> EtcdBinaries.etcd(Map.of("ETCD_BIN", notExecutable.toString())))
			.withMessageContaining("ETCD_BIN=" + notExecutable + " is not an executable file")
			.withMessageContaining("unset it");
	}

	@Test
	void etcdWhenEtcdBinIsABareNameShouldLookItUpOnPath() throws IOException {
		Path etcd = script("bin/etcd-3.5", "true");

		assertThat(EtcdBinaries.etcd(Map.of("ETCD_BIN", "etcd-3.5", "PATH", etcd.getParent().toString())))
			.isEqualTo(etcd);
	}

	@Test
	void etcdctlShouldBeTheOneBesideEtcd() throws IOException {
		Path etcd = script("a/etcd", "true");
		Path etcdctl = script("a/etcdctl", "true");
		Path onPath = script("path/etcdctl", "true");

		assertThat(EtcdBinaries.etcdctl(Map.of("ETCD_BIN", etcd.toString(), "PATH", onPath.getParent().toString())))
			.isEqualTo(etcdctl);
	}

	@Test
	void etcdctlShouldBeTheFileNamedByEtcdctlBinBeforeTheOneBesideEtcd() throws IOException {
		Path etcd = script("a/etcd", "true");
		script("a/etcdctl", "true");
		Path configured = script("b/etcdctl", "true");

		assertThat(EtcdBinaries.etcdctl(Map.of("ETCD_BIN", etcd.toString(), "ETCDCTL_BIN", configured.toString())))
			.isEqualTo(configured);
	}

	@Test
	void etcdctlWithNoneBesideEtcdShouldBeTheOneOnPath() throws IOException {
		Path etcd = script("a/etcd", "true");
		Path onPath = script("path/etcdctl", "true");

		assertThat(EtcdBinaries.etcdctl(Map.of("ETCD_BIN", etcd.toString(), "PATH", onPath.getParent().toString())))
			.isEqualTo(onPath);
	}

	@Test
	void versionShouldBeReadFromEtcdsVersionLine() throws IOException {
		Path etcd = script("etcd", "printf 'etcd Version: 3.5.16\\nGit SHA: Not provided\\nGo Version: go1.24\\n'");

		assertThat(EtcdBinaries.version(etcd)).isEqualTo("3.5.16");
	}

	@Test
	void versionWhenEtcdPrintsNoVersionShouldSayWhatItPrinted() throws IOException {
		Path etcd = script("etcd", "echo 'flag provided but not defined: -version'; exit 2");

		assertThatIllegalStateException().isThrownBy(() -> EtcdBinaries.version(etcd))
			.withMessageContaining("printed no 'etcd Version: X.Y.Z' line")
			.withMessageContaining("flag provided but not defined");
	}

	@Test
	void versionOfTheEtcdTheTestsUseShouldBeThreeFourOrNewer() {
		String version = EtcdBinaries.version();

		assertThat(version).matches("3\\.\\d+\\.\\d+");
		assertThat(Integer.parseInt(version.split("\\.")[1])).isGreaterThanOrEqualTo(4);
	}

	private Path script(String name, String body) throws IOException {
		Path file = this.dir.resolve(name);
		Files.createDirectories(file.getParent());
		Files.writeString(file, "#!/bin/sh\n" + body + "\n");
		Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
		return file;
	}

}
