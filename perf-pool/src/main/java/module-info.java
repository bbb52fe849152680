/**
 * perfkit pool: batchers, worker pools and resource pools, built on perf-core's queues and metrics.
 */
module io.perfkit.pool {
  requires transitive io.perfkit.core;

  exports io.perfkit.pool.batch;

  exports io.perfkit.pool.worker;

  exports io.perfkit.pool.resource;

  // exports io.perfkit.pool.internal to io.perfkit.cache;
}
