/**
 * The {@code activestandby} actuator endpoint: sessions per role, and handover.
 */
package io.github.coordinatorha.actuate.endpoint;
