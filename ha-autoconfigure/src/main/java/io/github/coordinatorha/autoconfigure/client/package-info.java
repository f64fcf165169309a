/**
 * Auto-configuration of the routing of {@code RestClient} calls to the roles' active
 * nodes.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.client;

import org.jspecify.annotations.NullMarked;
