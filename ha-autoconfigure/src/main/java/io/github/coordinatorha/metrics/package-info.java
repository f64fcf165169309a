/**
 * Micrometer metrics of the election.
 */
@NullMarked
package io.github.coordinatorha.metrics;

import org.jspecify.annotations.NullMarked;
