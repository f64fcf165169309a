package io.github.coordinatorha.autoconfigure.health;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.ConfiguredRoles;
import io.github.coordinatorha.election.RoleDefinition;
import io.github.coordinatorha.health.RoleHealthEndpointGroupsPostProcessor;
import io.github.coordinatorha.health.RoleReadinessHealthIndicator;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroupsPostProcessor;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;

/**
 * Auto-configuration of a readiness probe per role: a health group named after each role
 * ({@code /actuator/health/rootCoord}) that is {@code UP} on the role's active and
 * {@code OUT_OF_SERVICE} elsewhere, so that a load balancer can route each role's traffic
 * to its active. The {@code roleReadiness} component behind it stays out of the whole
 * health. Off with {@code management.health.role-readiness.enabled=false}.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = ActiveStandbyAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, HealthEndpointGroupsPostProcessor.class })
@ConditionalOnBean(ActiveStandby.class)
@ConditionalOnEnabledHealthIndicator("role-readiness")
public final class RoleReadinessAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = "roleReadinessHealthContributor")
	CompositeHealthContributor roleReadinessHealthContributor(ActiveStandby activeStandby, ConfiguredRoles roles) {
		Map<String, HealthIndicator> indicators = new LinkedHashMap<>();
		for (String role : names(roles)) {
			indicators.put(role, new RoleReadinessHealthIndicator(activeStandby, role));
		}
		return CompositeHealthContributor.fromMap(indicators);
	}

	@Bean
	@ConditionalOnMissingBean
	RoleHealthEndpointGroupsPostProcessor roleHealthEndpointGroupsPostProcessor(ConfiguredRoles roles,
			Environment environment) {
		return new RoleHealthEndpointGroupsPostProcessor(names(roles), environment);
	}

	private static List<String> names(ConfiguredRoles roles) {
		return roles.roles().stream().map(RoleDefinition::name).toList();
	}

}
