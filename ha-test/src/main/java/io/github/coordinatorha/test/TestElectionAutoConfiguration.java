package io.github.coordinatorha.test;

import java.util.List;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.ConfiguredRoles;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a {@link TestElection} in place of the real election, imported by
 * {@link AutoConfigureTestElection} (or by name, in an {@code ApplicationContextRunner}).
 * Reads {@code coordinator-ha.test.election.active} and {@code ...standby}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(before = ActiveStandbyAutoConfiguration.class)
public final class TestElectionAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(ActiveStandby.class)
	TestElection testElection(ConfiguredRoles roles, Environment environment, ApplicationEventPublisher publisher) {
		Binder binder = Binder.get(environment);
		List<String> active = binder.bind("coordinator-ha.test.election.active", Bindable.listOf(String.class))
			.orElse(List.of());
		List<String> standby = binder.bind("coordinator-ha.test.election.standby", Bindable.listOf(String.class))
			.orElse(List.of());
		return new TestElection(roles, active, standby, environment.getProperty("ha.etcd.root-path", "by-dev"),
				environment.getProperty("ha.etcd.meta-sub-path", "meta"), publisher);
	}

}
