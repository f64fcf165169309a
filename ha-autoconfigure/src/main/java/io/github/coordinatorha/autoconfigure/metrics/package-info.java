/**
 * Auto-configuration of the election's metrics.
 */
package io.github.coordinatorha.autoconfigure.metrics;
