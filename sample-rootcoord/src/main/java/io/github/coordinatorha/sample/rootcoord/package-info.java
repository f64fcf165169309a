/**
 * A RootCoord-like coordinator that runs in active-standby pairs with coordinator-ha.
 */
package io.github.coordinatorha.sample.rootcoord;
