/**
 * Auto-configuration of the roles' health.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.health;

import org.jspecify.annotations.NullMarked;
