/**
 * Calls that reach a role's active node: the {@code RestClient} interceptor that routes
 * {@code http://<role>/...} by the role directory and sends a call again after a
 * standby's refusal, and the refusal a standby answers with.
 */
@NullMarked
package io.github.coordinatorha.client;

import org.jspecify.annotations.NullMarked;
