/**
 * Spring Cloud on the role directory: a {@code DiscoveryClient} whose services are the
 * roles and whose instances are their sessions, and a LoadBalancer supplier that yields
 * only each role's active node.
 */
@NullMarked
package io.github.coordinatorha.cloud;

import org.jspecify.annotations.NullMarked;
