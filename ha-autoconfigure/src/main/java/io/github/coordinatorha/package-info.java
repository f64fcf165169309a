/**
 * Public API of coordinator-ha: the {@link io.github.coordinatorha.ActiveStandby} bean,
 * the role transition events and the fencing token.
 */
package io.github.coordinatorha;
