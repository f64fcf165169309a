/**
 * Public API of coordinator-ha: the {@link io.github.coordinatorha.ActiveStandby} bean,
 * the role transition events and the fencing token.
 */
@NullMarked
package io.github.coordinatorha;

import org.jspecify.annotations.NullMarked;
