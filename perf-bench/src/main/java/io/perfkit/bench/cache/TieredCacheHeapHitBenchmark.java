package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
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
 * An L1 (on-heap) hit: {@code TieredCache.get} against Caffeine's {@code getIfPresent} on the same keys
 * (target: perfkit within 1.1x of Caffeine). Both caches hold 1,024 keys out of a 10,000-entry bound;
 * the tiered cache also has an off-heap tier configured (unused by hits), neither records stats.
 * {@code caffeine-expiring} is Caffeine with the tiered cache's default L1 expiry (5 minutes after
 * write), which makes every read consult the clock: the like-for-like peer of {@code perfkit};
 * {@code perfkit-no-ttl} (L1 without expiry) is the like-for-like peer of plain {@code caffeine}.
 * perfkit's L1 keeps that expiry in Caffeine's variable expiry (a deadline per entry, so that spills
 * and promotions carry the first write time without a per-entry wrapper): {@code caffeine-variable}
 * is Caffeine with the same 5-minute deadline set through {@code expireAfter(Expiry.writing(...))}.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCacheHeapHitBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class TieredCacheHeapHitBenchmark {
  private static final int KEYS = 1 << 10;
  private static final int MASK = KEYS - 1;

  /** The cache measured. */
  @Param({"perfkit", "perfkit-no-ttl", "caffeine", "caffeine-expiring", "caffeine-variable"})
  public String impl;

  private final Long[] keys = new Long[KEYS];
  private Getter getter;
  private AutoCloseable closeable;
  private int index;

  /** One way to read a key; a single implementation is loaded per fork, so the call is inlined. */
  interface Getter {
    Object get(Long key);
  }

  @Setup
  public void setUp() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (long) i * 0x9E37_79B9L;
    }
    switch (impl) {
      case "perfkit" -> {
        TieredCache<Long, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(10_000)
            .offHeapMaximumSize(30_000)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::get;
        closeable = cache;
      }
      case "perfkit-no-ttl" -> {
        TieredCache<Long, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofNanos(Long.MAX_VALUE))
            .offHeapMaximumSize(30_000)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::get;
        closeable = cache;
      }
      case "caffeine" -> {
        Cache<Long, byte[]> cache = Caffeine.newBuilder().maximumSize(10_000).build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::getIfPresent;
        closeable = () -> { };
      }
      case "caffeine-expiring" -> {
        Cache<Long, byte[]> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::getIfPresent;
        closeable = () -> { };
      }
      case "caffeine-variable" -> {
        Cache<Long, byte[]> cache = Caffeine.newBuilder()
            .maximumSize(10_000)
            .expireAfter(Expiry.writing((Long key, byte[] value) -> Duration.ofMinutes(5)))
            .build();
        for (Long key : keys) {
          cache.put(key, new byte[100]);
        }
        getter = cache::getIfPresent;
        closeable = () -> { };
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
