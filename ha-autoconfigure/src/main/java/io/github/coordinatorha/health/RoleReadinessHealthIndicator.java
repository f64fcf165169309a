package io.github.coordinatorha.health;

import io.github.coordinatorha.ActiveStandby;
import io.github.coordinatorha.RoleStatus;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The readiness of this node for one role's traffic: {@code UP} while ACTIVE for the
 * role, {@code OUT_OF_SERVICE} otherwise, so that a probe of the role's health group
 * ({@code /actuator/health/rootCoord}) answers 200 on the active and 503 elsewhere. A
 * role with active-standby disabled is always ready.
 *
 * @since 0.1.0
 */
public class RoleReadinessHealthIndicator implements HealthIndicator {

	private final ActiveStandby activeStandby;

	private final String role;

	public RoleReadinessHealthIndicator(ActiveStandby activeStandby, String role) {
		this.activeStandby = activeStandby;
		this.role = role;
	}

	@Override
	public Health health() {
		RoleStatus status = this.activeStandby.status(this.role);
		Health.Builder builder = status.isActive() ? Health.up() : Health.outOfService();
		builder.withDetail("state", status.state().name());
		if (status.activeAddress() != null && !status.isActive()) {
			builder.withDetail("activeAddress", status.activeAddress());
		}
		return builder.build();
	}

}
