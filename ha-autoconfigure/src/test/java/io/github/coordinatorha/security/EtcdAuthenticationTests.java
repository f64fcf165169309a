package io.github.coordinatorha.security;

import java.time.Duration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.TestApplications;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * etcd with authentication enabled and a user limited to the root path's prefix.
 */
@ExtendWith(OutputCaptureExtension.class)
class EtcdAuthenticationTests {

	private static final String SECRET = "s3cr3t-Pa55";

	private static EtcdCluster etcd;

	@BeforeAll
	static void startEtcdWithAuthentication() {
		etcd = EtcdCluster.single();
		etcd.etcdctl("user", "add", "root:rootpw");
		etcd.etcdctl("role", "add", "coordinators");
		etcd.etcdctl("role", "grant-permission", "coordinators", "--prefix=true", "readwrite", "by-dev/");
		etcd.etcdctl("user", "add", "app:" + SECRET);
		etcd.etcdctl("user", "grant-role", "app", "coordinators");
		etcd.etcdctl("auth", "enable");
	}

	@AfterAll
	static void stopEtcd() {
		etcd.close();
	}

	private static ConfigurableApplicationContext node(String rootPath, String password) {
		return TestApplications.run(Node.class, etcd.endpoints(), rootPath, "ha.etcd.username=app",
				"ha.etcd.password=" + password);
	}

	@Test
	void aUserLimitedToTheRootPathElectsNormally() {
		try (ConfigurableApplicationContext node = node("by-dev", SECRET)) {
			await().atMost(Duration.ofSeconds(15)).until(() -> node.getBean(ActiveStandby.class).isActive("rootCoord"));
		}
	}

	@Test
	void aWrongPasswordNeverMakesTheNodeActiveAndIsNeverLogged(CapturedOutput output) {
		try (ConfigurableApplicationContext node = node("by-dev", "wrong-" + SECRET)) {
			ElectionNode election = node.getBean(ElectionNode.class);
			await().atMost(Duration.ofSeconds(15))
				.until(() -> election.sessionProblem().filter((problem) -> problem.contains("authentication")).isPresent());
			assertThat(election.sessionProblem().get()).containsIgnoringCase("authentication failed")
				.contains("ha.etcd.password");
			assertThat(election.isActive("rootCoord")).isFalse();
		}
		assertThat(output).doesNotContain(SECRET);
	}

	@Test
	void aPathOutsideTheUsersPermissionIsRefusedAndTheNodeNeverActive() {
		try (ConfigurableApplicationContext node = node("elsewhere", SECRET)) {
			ElectionNode election = node.getBean(ElectionNode.class);
			// the first attempt may also just time out while the client authenticates
			await().atMost(Duration.ofSeconds(15))
				.until(() -> election.sessionProblem().filter((problem) -> problem.contains("denied")).isPresent());
			assertThat(election.sessionProblem().get()).containsIgnoringCase("denied permission").contains("ha.etcd.root-path");
			assertThat(election.isActive("rootCoord")).isFalse();
		}
	}

	@SpringBootConfiguration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ActiveStandbyAutoConfiguration.class)
	static class Node {

	}

}
