package io.github.coordinatorha.sample.rootcoord;

import java.time.Duration;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.test.LocalEtcd;
import io.github.coordinatorha.test.etcd.EtcdCluster;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample elected on a real etcd that the test starts: a user's integration test.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = { "rootCoord.activeStandby.enabled=true", "ha.session.ttl=2s" })
@LocalEtcd
class RootCoordLocalEtcdTests {

	@Autowired
	ActiveStandby activeStandby;

	@Autowired
	RootCoord rootCoord;

	@Test
	void theNodeIsElectedAndPersistsItsIdBoundInEtcd(EtcdCluster etcd) throws Exception {
		await().atMost(Duration.ofSeconds(20)).until(() -> this.activeStandby.isActive("rootCoord"));
		await().atMost(Duration.ofSeconds(5)).ignoreExceptions().until(() -> this.rootCoord.allocateIds(3) != null);
		long bound = Long.parseLong(etcd.etcdctl("get", "--print-value-only", "by-dev/rootcoord/id-allocator").trim());
		assertThat(bound).isPositive();
	}

}
