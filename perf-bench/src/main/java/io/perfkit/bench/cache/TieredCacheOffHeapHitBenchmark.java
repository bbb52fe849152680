package io.perfkit.bench.cache;

import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.util.concurrent.TimeUnit;
import org.ehcache.CacheManager;
import org.ehcache.config.builders.CacheConfigurationBuilder;
import org.ehcache.config.builders.CacheManagerBuilder;
import org.ehcache.config.builders.ResourcePoolsBuilder;
import org.ehcache.config.units.EntryUnit;
import org.ehcache.config.units.MemoryUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * An off-heap (L2) hit of a 100-byte value: perfkit's off-heap tier against Ehcache 3's heap + offheap
 * tiered cache, where nearly every read of 4,096 cycled keys misses Ehcache's 16-entry heap tier and is
 * served (and faulted into heap) by its offheap tier. perfkit's L1 holds 16 entries and does not promote
 * L2 hits, so its reads are L2 hits too (target: perfkit at least 5x faster). Ehcache is configured
 * programmatically (no XML, so no JAXB).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCacheOffHeapHitBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class TieredCacheOffHeapHitBenchmark {
  private static final int KEYS = 1 << 12;
  private static final int MASK = KEYS - 1;
  private static final int HEAP_ENTRIES = 16;

  /** The cache measured. */
  @Param({"perfkit", "ehcache"})
  public String impl;

  private final Long[] keys = new Long[KEYS];
  private TieredCacheHeapHitBenchmark.Getter getter;
  private AutoCloseable closeable;
  private int index;

  @Setup
  public void setUp() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (long) i * 0x9E37_79B9L;
    }
    switch (impl) {
      case "perfkit" -> {
        TieredCache<Long, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(HEAP_ENTRIES)
            .offHeapMaximumSize(2 * KEYS)
            .offHeapMaximumEntryBytes(128)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .executor(Runnable::run)
            .build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::get;
        closeable = cache;
      }
      case "ehcache" -> {
        CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);
        org.ehcache.Cache<Long, byte[]> cache = manager.createCache("offheap",
            CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, byte[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                    .heap(HEAP_ENTRIES, EntryUnit.ENTRIES)
                    .offheap(32, MemoryUnit.MB)).build());
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::get;
        closeable = manager;
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    for (Long key : keys) {
      if (getter.get(key) == null) {
        throw new IllegalStateException("setup: key " + key + " is not a hit");
      }
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    closeable.close();
  }

  @Benchmark
  public Object get() {
    return getter.get(keys[index++ & MASK]);
  }
}
