/**
 * Health of the coordinators' roles: the {@code activeStandby} health component and the
 * readiness that routes traffic to the active only.
 */
package io.github.coordinatorha.health;
