package io.github.coordinatorha.autoconfigure.metrics;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.ConfiguredRoles;
import io.github.coordinatorha.election.RoleDefinition;
import io.github.coordinatorha.metrics.ActiveStandbyMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the election's Micrometer metrics. The meters bind to every
 * registry Spring Boot configures.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
@ConditionalOnClass(MeterRegistry.class)
public final class ActiveStandbyMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ActiveStandbyMetrics activeStandbyMetrics(ObjectProvider<ActiveStandby> activeStandby, ConfiguredRoles roles) {
		// The node asks for observers as it is created: look it up lazily to avoid a
		// cycle.
		return new ActiveStandbyMetrics(activeStandby::getObject,
				roles.roles().stream().map(RoleDefinition::name).toList());
	}

}
