/**
 * Auto-configuration of work that runs only on the active.
 */
package io.github.coordinatorha.autoconfigure.activeonly;
