/**
 * Auto-configuration of Spring Cloud discovery and LoadBalancer on the role directory.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.cloud;

import org.jspecify.annotations.NullMarked;
