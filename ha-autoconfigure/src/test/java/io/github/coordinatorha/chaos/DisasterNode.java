package io.github.coordinatorha.chaos;

import java.nio.file.Path;
import java.time.Duration;

import io.etcd.jetcd.Client;
import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.activeonly.ActiveOnlyAutoConfiguration;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * A node process for the disaster tests: a {@link ChaosNode} (ACTIVE intervals and
 * guarded increments journaled) with {@code @ActiveOnly} and {@code @RoleBound} support,
 * and what those tests look at, all journaled to {@code chaos.journal}: a
 * {@code @RoleBound} bean, a {@code BecameActiveEvent} listener that takes
 * {@code chaos.activation-delay}, a long {@code @ActiveOnly} call, commands read from
 * {@code chaos.control}, and optionally a writer to a fenced store outside etcd
 * ({@code chaos.fenced-store}) and a sampler of its own threads
 * ({@code chaos.sample-threads}).
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@ImportAutoConfiguration({ ActiveStandbyAutoConfiguration.class, ActiveOnlyAutoConfiguration.class })
public class DisasterNode {

	static final String ROLE = ChaosNode.ROLE;

	public static void main(String[] args) {
		new SpringApplicationBuilder(DisasterNode.class).web(WebApplicationType.NONE).run(args);
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

	@Bean
	RoleBoundRecorder roleBoundRecorder(Journal journal) {
		return new RoleBoundRecorder(journal);
	}

	@Bean
	SlowActivation slowActivation(Journal journal, Environment environment) {
		return new SlowActivation(journal,
				environment.getProperty("chaos.activation-delay", Duration.class, Duration.ZERO));
	}

	@Bean
	LongCall longCall(ActiveStandby activeStandby, Client client, Journal journal, Environment environment) {
		return new LongCall(activeStandby, client, journal,
				environment.getRequiredProperty("ha.etcd.root-path") + "/chaos/long-call");
	}

	@Bean
	ControlFile controlFile(ActiveStandby activeStandby, LongCall longCall, Journal journal, Environment environment) {
		return new ControlFile(Path.of(environment.getRequiredProperty("chaos.control")), activeStandby, longCall,
				journal);
	}

	@Bean
	@ConditionalOnProperty("chaos.fenced-store")
	FencedStoreWriter fencedStoreWriter(ActiveStandby activeStandby, Journal journal, Environment environment) {
		return new FencedStoreWriter(activeStandby,
				new FencedFile(Path.of(environment.getRequiredProperty("chaos.fenced-store"))), journal, ROLE);
	}

	@Bean
	@ConditionalOnProperty("chaos.sample-threads")
	ThreadSampler threadSampler(Journal journal) {
		return new ThreadSampler(journal);
	}

}
