/**
 * Spring Integration interop: its leader events follow our election.
 */
@NullMarked
package io.github.coordinatorha.integration;

import org.jspecify.annotations.NullMarked;
