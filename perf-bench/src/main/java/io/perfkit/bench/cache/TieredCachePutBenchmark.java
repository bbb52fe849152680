package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Policy;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
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
 * The write path of keys new to a full cache, one thread: {@code put} of 100-byte values cycling over
 * 8 S keys. {@code perfkit}: L1 = S, L2 = 3 S, so nearly every put meets the L1 admission gate (a
 * {@code coldest(1)} query to Caffeine and two sketch estimates) and is stored off-heap or rejected;
 * {@code caffeine}: an all-on-heap Caffeine cache of 4 S; {@code caffeine-coldest}: the gate's query
 * alone on a full Caffeine cache of S. Maintenance runs on the caller thread in all three.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCachePutBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class TieredCachePutBenchmark {
  private static final int S = 1 << 12;
  private static final int KEYS = 8 * S;
  private static final int MASK = KEYS - 1;

  /** The write path measured. */
  @Param({"perfkit", "caffeine", "caffeine-coldest"})
  public String impl;

  private final Long[] keys = new Long[KEYS];
  private final byte[] value = new byte[100];
  private TieredCache<Long, byte[]> tiered;
  private Cache<Long, byte[]> caffeine;
  private Policy.Eviction<Long, byte[]> eviction;
  private int index;

  @Setup
  public void setUp() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (long) i * 0x9E37_79B9L;
    }
    switch (impl) {
      case "perfkit" -> {
        tiered = TieredCache.newBuilder()
            .maximumSize(S)
            .offHeapMaximumSize(3L * S)
            .offHeapMaximumEntryBytes(128)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .executor(Runnable::run)
            .build();
        for (int i = 0; i < KEYS; i++) {
          tiered.put(keys[i], value);
        }
      }
      case "caffeine", "caffeine-coldest" -> {
        int size = impl.equals("caffeine") ? 4 * S : S;
        caffeine = Caffeine.newBuilder().maximumSize(size).executor(Runnable::run).build();
        for (int i = 0; i < KEYS; i++) {
          caffeine.put(keys[i], value);
        }
        eviction = caffeine.policy().eviction().orElseThrow();
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @TearDown
  public void tearDown() {
    if (tiered != null) {
      tiered.close();
    }
  }

  @Benchmark
  public Object put() {
    Long key = keys[index++ & MASK];
    if (tiered != null) {
      tiered.put(key, value);
      return key;
    }
    if (eviction != null && impl.equals("caffeine-coldest")) {
      return eviction.coldest(1);
    }
    caffeine.put(key, value);
    return key;
  }
}
