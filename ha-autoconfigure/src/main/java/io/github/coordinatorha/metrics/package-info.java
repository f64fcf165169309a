/**
 * Micrometer metrics of the election.
 */
package io.github.coordinatorha.metrics;
