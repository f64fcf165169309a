package io.github.coordinatorha.health;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.election.RoleDefinition;

import java.util.List;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.AvailabilityState;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.application.ReadinessStateHealthIndicator;

/**
 * Spring Boot's {@code readinessState} health contributor, which also refuses traffic
 * while this node is STANDBY for any role in active-standby mode, so that a Kubernetes
 * Service or a load balancer sends requests to the active only. Liveness is untouched: a
 * standby is never restarted for being a standby.
 *
 * @since 0.1.0
 */
public class ActiveOnlyReadinessStateHealthIndicator extends ReadinessStateHealthIndicator {

	private final ActiveStandby activeStandby;

	private final List<String> electedRoles;

	public ActiveOnlyReadinessStateHealthIndicator(ApplicationAvailability availability, ActiveStandby activeStandby,
			List<RoleDefinition> roles) {
		super(availability);
		this.activeStandby = activeStandby;
		this.electedRoles = roles.stream().filter(RoleDefinition::activeStandby).map(RoleDefinition::name).toList();
	}

	@Override
	protected AvailabilityState getState(ApplicationAvailability applicationAvailability) {
		AvailabilityState state = super.getState(applicationAvailability);
		if (state != ReadinessState.ACCEPTING_TRAFFIC) {
			return state;
		}
		boolean standby = this.electedRoles.stream().anyMatch((role) -> !this.activeStandby.isActive(role));
		return standby ? ReadinessState.REFUSING_TRAFFIC : state;
	}

}
