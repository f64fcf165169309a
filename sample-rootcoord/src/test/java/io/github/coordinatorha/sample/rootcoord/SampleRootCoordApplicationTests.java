package io.github.coordinatorha.sample.rootcoord;

import io.github.coordinatorha.ActiveStandby;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With active-standby disabled, as by default, the sample serves rootCoord with no etcd.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
		properties = "ha.etcd.endpoints=http://127.0.0.1:1")
class SampleRootCoordApplicationTests {

	@Autowired
	private ActiveStandby activeStandby;

	@Test
	void servesRootCoordWithoutEtcdWhenActiveStandbyIsDisabled() {
		assertThat(this.activeStandby.isActive("rootCoord")).isTrue();
	}

}
