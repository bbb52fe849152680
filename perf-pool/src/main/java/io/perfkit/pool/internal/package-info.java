/**
 * perf-pool internals: not exported.
 */
package io.perfkit.pool.internal;
