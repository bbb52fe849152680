package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Two threads reading and writing 100-byte values under Zipf(0.99) popularity over 65,536 keys,
 * 3 reads to 1 write, at a total capacity of 16,384 entries: perfkit with L1 = 4,096 entries on heap
 * and L2 = 12,288 off heap (k = 3), all-on-heap Caffeine of 16,384 entries, and Ehcache 3 with a
 * 4,096-entry heap tier over an offheap tier sized for about 12,288 entries. Reads that miss return
 * null (no loader), so this measures the tiers' own costs and their contention: each thread draws its
 * keys from its own precomputed Zipf sequence.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCacheMixedBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Threads(2)
@Fork(3)
public class TieredCacheMixedBenchmark {
  static final int KEYS = 1 << 16;
  static final int REQUESTS = 1 << 20;
  static final int L1 = 4_096;
  static final int L2 = 3 * L1;

  /** The cache measured. */
  @Param({"perfkit", "caffeine", "ehcache"})
  public String impl;

  private final AtomicInteger seeds = new AtomicInteger();
  private CacheOps ops;

  /** A thread's own Zipf request sequence. */
  @State(Scope.Thread)
  public static class Requests {
    Long[] keys;
    int index;

    @Setup
    public void setUp(TieredCacheMixedBenchmark benchmark) {
      long[] sequence = Workloads.zipf(REQUESTS, KEYS, 0.99, 42 + benchmark.seeds.getAndIncrement());
      keys = new Long[REQUESTS];
      for (int i = 0; i < REQUESTS; i++) {
        keys[i] = sequence[i];
      }
    }
  }

  private final byte[] value = new byte[100];

  @Setup
  public void setUp() {
    switch (impl) {
      case "perfkit" -> {
        TieredCache<Long, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(L1)
            .offHeapMaximumSize(L2)
            .offHeapMaximumEntryBytes(128)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .build();
        ops = CacheOps.perfkit(cache);
      }
      case "caffeine" -> {
        Cache<Long, byte[]> cache = Caffeine.newBuilder().maximumSize(L1 + L2).build();
        ops = CacheOps.caffeine(cache);
      }
      case "ehcache" -> {
        CacheManager manager = CacheManagerBuilder.newCacheManagerBuilder().build(true);
        // ~12,288 entries of a 100-byte value and a Long key with Ehcache's offheap overhead.
        org.ehcache.Cache<Long, byte[]> cache = manager.createCache("mixed",
            CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, byte[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                    .heap(L1, EntryUnit.ENTRIES)
                    .offheap(3, MemoryUnit.MB)).build());
        ops = CacheOps.ehcache(cache, manager);
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    // Warm: fill the caches with the popular keys first.
    long[] warm = Workloads.zipf(4 * (L1 + L2), KEYS, 0.99, 7);
    for (long key : warm) {
      ops.put().accept(key, value);
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    ops.close().run();
  }

  @Benchmark
  public byte[] getPut(Requests requests) {
    int i = requests.index++;
    Long key = requests.keys[i & (REQUESTS - 1)];
    if ((i & 3) == 0) {
      ops.put().accept(key, value);
      return value;
    }
    return ops.get().apply(key);
  }
}
