/**
 * Batchers: size, time and adaptive flush triggers, keyed batching and request coalescing.
 */
package io.perfkit.pool.batch;
