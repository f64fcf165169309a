package io.github.coordinatorha.autoconfigure.health;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.autoconfigure.ActiveStandbyAutoConfiguration;
import io.github.coordinatorha.autoconfigure.ConfiguredRoles;
import io.github.coordinatorha.election.ElectionNode;
import io.github.coordinatorha.health.ActiveOnlyReadinessStateHealthIndicator;
import io.github.coordinatorha.health.ActiveStandbyHealthIndicator;
import io.github.coordinatorha.health.UnhealthyActiveResigner;
import io.github.coordinatorha.autoconfigure.ActiveStandbyProperties;
import io.github.coordinatorha.election.RoleDefinition;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.availability.ApplicationAvailabilityAutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code activeStandby} health component and, on request, of a
 * readiness that routes traffic to the active only.
 *
 * @since 0.1.0
 */
@AutoConfiguration(after = { ActiveStandbyAutoConfiguration.class, ApplicationAvailabilityAutoConfiguration.class },
		beforeName = {
				"org.springframework.boot.health.autoconfigure.application.AvailabilityHealthContributorAutoConfiguration",
				"org.springframework.boot.health.autoconfigure.actuate.endpoint.AvailabilityProbesAutoConfiguration" })
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnBean(ElectionNode.class)
public final class ActiveStandbyHealthAutoConfiguration {

	// The condition reads management.health.<value>.enabled as one literal key, so the
	// value is in lower case as the documented key is (Boot's relaxed forms reach that
	// spelling); the bean's name gives the component its name, activeStandby.
	@Bean
	@ConditionalOnEnabledHealthIndicator("activestandby")
	@ConditionalOnMissingBean(name = "activeStandbyHealthIndicator")
	ActiveStandbyHealthIndicator activeStandbyHealthIndicator(ElectionNode node) {
		return new ActiveStandbyHealthIndicator(node);
	}

	@Bean
	@ConditionalOnBooleanProperty("ha.health.resign-when-down")
	@ConditionalOnClass(HealthEndpoint.class)
	UnhealthyActiveResigner unhealthyActiveResigner(ObjectProvider<HealthEndpoint> healthEndpoint,
			ActiveStandby activeStandby, ConfiguredRoles roles, ActiveStandbyProperties properties) {
		return new UnhealthyActiveResigner(() -> healthEndpoint.getObject().health().getStatus(), activeStandby,
				roles.roles().stream().filter(RoleDefinition::activeStandby).map(RoleDefinition::name).toList(),
				properties.getHealth().getCheckInterval());
	}

	@Bean
	@ConditionalOnBooleanProperty("ha.health.readiness.standby-not-ready")
	@ConditionalOnBean(ApplicationAvailability.class)
	@ConditionalOnMissingBean(name = "readinessStateHealthIndicator")
	ActiveOnlyReadinessStateHealthIndicator readinessStateHealthIndicator(ApplicationAvailability availability,
			ActiveStandby activeStandby, ConfiguredRoles roles) {
		return new ActiveOnlyReadinessStateHealthIndicator(availability, activeStandby, roles.roles());
	}

}
