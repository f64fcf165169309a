/**
 * Work that runs only on the active: {@link io.github.coordinatorha.ActiveOnly} calls and
 * {@link io.github.coordinatorha.RoleBound} lifecycles.
 */
@NullMarked
package io.github.coordinatorha.activeonly;

import org.jspecify.annotations.NullMarked;
