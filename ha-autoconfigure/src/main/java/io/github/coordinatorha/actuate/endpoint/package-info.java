/**
 * The {@code activestandby} actuator endpoint: sessions per role, and handover.
 */
@NullMarked
package io.github.coordinatorha.actuate.endpoint;

import org.jspecify.annotations.NullMarked;
