/**
 * A Milvus-proxy-like service that forwards ID and timestamp allocation to the active
 * RootCoord, which it finds through coordinator-ha's role directory.
 */
package io.github.coordinatorha.sample.proxy;
