/**
 * Auto-configuration of the roles' health.
 */
package io.github.coordinatorha.autoconfigure.health;
