/**
 * Auto-configuration of the {@code activestandby} actuator endpoint.
 */
package io.github.coordinatorha.autoconfigure.endpoint;
