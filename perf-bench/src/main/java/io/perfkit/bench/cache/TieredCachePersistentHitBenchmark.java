package io.perfkit.bench.cache;

import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ehcache.PersistentCacheManager;
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
 * A persistent-tier (L3) hit of a 100-byte value: perfkit's mapped-file tier (checksummed slot, CRC32C
 * verified on every read) against Ehcache 3's heap + persistent disk tiered cache, where nearly every
 * read of 4,096 cycled keys misses the 16-entry heap tier and is served by the disk tier. perfkit has
 * no L2 here and does not promote, so its reads are L3 hits. Both files live in a temporary directory
 * (the page cache serves them: this measures the tier's code path, not the device).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCachePersistentHitBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class TieredCachePersistentHitBenchmark {
  private static final int KEYS = 1 << 12;
  private static final int MASK = KEYS - 1;
  private static final int HEAP_ENTRIES = 16;

  /** The cache measured. */
  @Param({"perfkit", "ehcache-disk"})
  public String impl;

  private final Long[] keys = new Long[KEYS];
  private TieredCacheHeapHitBenchmark.Getter getter;
  private AutoCloseable closeable;
  private Path dir;
  private int index;

  @Setup
  public void setUp() throws IOException {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (long) i * 0x9E37_79B9L;
    }
    dir = Files.createTempDirectory("perfkit-l3-bench");
    switch (impl) {
      case "perfkit" -> {
        TieredCache<Long, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(HEAP_ENTRIES)
            .persistentTier(dir.resolve("cache.l3"), 2 * KEYS)
            .persistentMaximumEntryBytes(128)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .executor(Runnable::run)
            .build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        cache.cleanUp();
        getter = cache::get;
        closeable = cache;
      }
      case "ehcache-disk" -> {
        PersistentCacheManager manager = CacheManagerBuilder.newCacheManagerBuilder()
            .with(CacheManagerBuilder.persistence(dir.toFile()))
            .build(true);
        org.ehcache.Cache<Long, byte[]> cache = manager.createCache("disk",
            CacheConfigurationBuilder.newCacheConfigurationBuilder(Long.class, byte[].class,
                ResourcePoolsBuilder.newResourcePoolsBuilder()
                    .heap(HEAP_ENTRIES, EntryUnit.ENTRIES)
                    .disk(64, MemoryUnit.MB, true)).build());
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
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    }
  }

  @Benchmark
  public Object get() {
    return getter.get(keys[index++ & MASK]);
  }
}
