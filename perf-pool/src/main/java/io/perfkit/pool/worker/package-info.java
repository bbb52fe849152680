/**
 * Worker pools over perf-core queues that implement {@code ExecutorService}.
 */
package io.perfkit.pool.worker;
