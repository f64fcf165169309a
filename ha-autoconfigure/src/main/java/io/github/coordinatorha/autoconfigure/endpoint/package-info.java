/**
 * Auto-configuration of the {@code activestandby} actuator endpoint.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.endpoint;

import org.jspecify.annotations.NullMarked;
