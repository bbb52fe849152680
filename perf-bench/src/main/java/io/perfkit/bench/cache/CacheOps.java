package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.perfkit.cache.TieredCache;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.ehcache.CacheManager;

/**
 * The get/put pair the mixed and GC benchmarks drive, over perfkit's tiered cache, Caffeine and
 * Ehcache 3, with how to release the cache. Each benchmark fork loads one implementation, so the
 * calls through the functions stay monomorphic.
 *
 * @param get returns the value of a key, or null
 * @param put stores a value for a key
 * @param close releases the cache
 */
record CacheOps(Function<Long, byte[]> get, BiConsumer<Long, byte[]> put, Runnable close) {
  /** perfkit's {@code get}/{@code put}; closing closes the cache. */
  static CacheOps perfkit(TieredCache<Long, byte[]> cache) {
    return new CacheOps(cache::get, cache::put, cache::close);
  }

  /** Caffeine's {@code getIfPresent}/{@code put}; closing empties the cache. */
  static CacheOps caffeine(Cache<Long, byte[]> cache) {
    return new CacheOps(cache::getIfPresent, cache::put, cache::invalidateAll);
  }

  /** Ehcache's {@code get}/{@code put}; closing closes {@code manager}, which owns the cache. */
  static CacheOps ehcache(org.ehcache.Cache<Long, byte[]> cache, CacheManager manager) {
    return new CacheOps(cache::get, cache::put, manager::close);
  }
}
