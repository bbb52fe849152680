package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import io.perfkit.cache.TieredCache;
import org.ehcache.CacheManager;

/**
 * The get/put pair the mixed and GC benchmarks drive, over perfkit's tiered cache, Caffeine and
 * Ehcache 3. Each benchmark fork loads one implementation, so the calls stay monomorphic.
 */
interface CacheOps extends AutoCloseable {
  /** Returns the value of {@code key}, or null. */
  byte[] get(Long key);

  /** Stores {@code value} for {@code key}. */
  void put(Long key, byte[] value);

  /** Releases the cache (perfkit: close; Caffeine: empty it; Ehcache: close its manager). */
  @Override
  void close();

  /** perfkit's {@code get}/{@code put}; closing closes the cache. */
  static CacheOps perfkit(TieredCache<Long, byte[]> cache) {
    return new CacheOps() {
      @Override
      public byte[] get(Long key) {
        return cache.get(key);
      }

      @Override
      public void put(Long key, byte[] value) {
        cache.put(key, value);
      }

      @Override
      public void close() {
        cache.close();
      }
    };
  }

  /** Caffeine's {@code getIfPresent}/{@code put}; closing empties the cache. */
  static CacheOps caffeine(Cache<Long, byte[]> cache) {
    return new CacheOps() {
      @Override
      public byte[] get(Long key) {
        return cache.getIfPresent(key);
      }

      @Override
      public void put(Long key, byte[] value) {
        cache.put(key, value);
      }

      @Override
      public void close() {
        cache.invalidateAll();
      }
    };
  }

  /** Ehcache's {@code get}/{@code put}; closing closes {@code manager}, which owns the cache. */
  static CacheOps ehcache(org.ehcache.Cache<Long, byte[]> cache, CacheManager manager) {
    return new CacheOps() {
      @Override
      public byte[] get(Long key) {
        return cache.get(key);
      }

      @Override
      public void put(Long key, byte[] value) {
        cache.put(key, value);
      }

      @Override
      public void close() {
        manager.close();
      }
    };
  }
}
