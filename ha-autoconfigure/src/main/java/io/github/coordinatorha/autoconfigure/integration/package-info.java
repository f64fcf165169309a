/**
 * Auto-configuration of the Spring Integration leader events bridge.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.integration;

import org.jspecify.annotations.NullMarked;
