/**
 * Health of the coordinators' roles: the {@code activeStandby} health component and the
 * readiness that routes traffic to the active only.
 */
@NullMarked
package io.github.coordinatorha.health;

import org.jspecify.annotations.NullMarked;
