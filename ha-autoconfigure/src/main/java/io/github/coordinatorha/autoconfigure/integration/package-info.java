/**
 * Auto-configuration of the Spring Integration leader events bridge.
 */
package io.github.coordinatorha.autoconfigure.integration;
