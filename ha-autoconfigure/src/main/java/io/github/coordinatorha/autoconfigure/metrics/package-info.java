/**
 * Auto-configuration of the election's metrics.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.metrics;

import org.jspecify.annotations.NullMarked;
