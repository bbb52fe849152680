/**
 * perfkit cache: tiered caches with an on-heap Caffeine L1, an off-heap L2, a persistent mapped-file L3
 * and a remote Redis tier.
 */
module io.perfkit.cache {
  requires transitive io.perfkit.core;
  requires transitive io.perfkit.pool;
  requires com.github.benmanes.caffeine;
  requires lettuce.core;

  exports io.perfkit.cache;

  exports io.perfkit.cache.stats;
}
