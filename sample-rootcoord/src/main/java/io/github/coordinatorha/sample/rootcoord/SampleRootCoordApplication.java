package io.github.coordinatorha.sample.rootcoord;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.scheduling.annotation.EnableScheduling;

/**
 * Starts the sample RootCoord. Run two with
 * {@code --rootCoord.activeStandby.enabled=true} against one etcd: one serves, the other
 * stands by and takes over when the first goes away.
 */
@SpringBootApplication
@EnableScheduling
public class SampleRootCoordApplication {

	public static void main(String[] args) {
		SpringApplication.run(SampleRootCoordApplication.class, args);
	}

}
