/**
 * Auto-configuration of work that runs only on the active.
 */
@NullMarked
package io.github.coordinatorha.autoconfigure.activeonly;

import org.jspecify.annotations.NullMarked;
