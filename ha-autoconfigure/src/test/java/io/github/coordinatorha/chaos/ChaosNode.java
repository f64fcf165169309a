package io.github.coordinatorha.chaos;

import java.nio.file.Path;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A node process for chaos tests: rootCoord in active-standby mode, a recorder of its
 * ACTIVE intervals and a writer of guarded increments, both journaled to
 * {@code chaos.journal}.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration(ActiveStandbyAutoConfiguration.class)
public class ChaosNode {

	static final String ROLE = "rootCoord";

	public static void main(String[] args) {
		new SpringApplicationBuilder(ChaosNode.class).web(WebApplicationType.NONE).run(args);
	}

	@Bean
	Journal journal(Environment environment) {
		return new Journal(Path.of(environment.getRequiredProperty("chaos.journal")));
	}

	@Bean
	ActivityRecorder activityRecorder(ActiveStandby activeStandby, Journal journal) {
		return new ActivityRecorder(activeStandby, journal, ROLE);
	}

	@Bean
	GuardedWriter guardedWriter(ActiveStandby activeStandby, Client client, Journal journal, Environment environment) {
		return new GuardedWriter(activeStandby, client, journal, ROLE,
				environment.getRequiredProperty("chaos.counter-key"));
	}

}
