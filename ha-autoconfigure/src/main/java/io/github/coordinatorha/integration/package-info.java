/**
 * Spring Integration interop: its leader events follow our election.
 */
package io.github.coordinatorha.integration;
