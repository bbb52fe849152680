/**
 * Resource (connection-style) pools with leases, validation, eviction and leak detection.
 */
package io.perfkit.pool.resource;
