package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
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
 * What an off-heap (L2) hit of a 100-byte value saves against not having the tier: perfkit's
 * {@code get(key, loader)} served from L2 (16 entries on heap, 4,096 keys cycled, so nearly every read
 * misses L1 and hits L2) against a Caffeine cache of 16 entries whose {@code get(key, loader)} misses
 * and loads on nearly every read. Two loaders: {@code caffeine-load} builds the 100-byte value from
 * its stored bytes (a copy: what deserialising a value fetched from a local store costs at least), and
 * {@code caffeine-remote1us} first spins for 1 µs on {@code System.nanoTime()} to stand for a fast
 * remote read (a loopback Redis or memcached round trip is 20–100 µs, so this is a lower bound).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCacheMissLoadBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class TieredCacheMissLoadBenchmark {
  private static final int KEYS = 1 << 12;
  private static final int MASK = KEYS - 1;
  private static final int HEAP_ENTRIES = 16;
  private static final long REMOTE_NANOS = 1_000;

  /** The cache measured; the peers are Caffeine misses with two loader costs. */
  @Param({"perfkit", "caffeine-load", "caffeine-remote1us"})
  public String impl;

  private final Long[] keys = new Long[KEYS];
  /** The "store": each key's value bytes; a load copies them into a new value. */
  private final byte[][] stored = new byte[KEYS][];
  private Function<Long, byte[]> read;
  private AutoCloseable closeable;
  private int index;

  @Setup
  public void setUp() {
    for (int i = 0; i < KEYS; i++) {
      keys[i] = (long) i;
      stored[i] = new byte[100];
      Arrays.fill(stored[i], (byte) i);
    }
    Function<Long, byte[]> copyLoader = key -> stored[(int) (long) key].clone();
    Function<Long, byte[]> remoteLoader = key -> {
      long deadline = System.nanoTime() + REMOTE_NANOS;
      while (System.nanoTime() - deadline < 0) {
        Thread.onSpinWait();
      }
      return stored[(int) (long) key].clone();
    };
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
          cache.put(key, copyLoader.apply(key));
        }
        read = key -> cache.get(key, copyLoader);
        closeable = cache;
        long hits = Arrays.stream(keys).filter(key -> cache.get(key) != null).count();
        if (hits != KEYS) {
          throw new IllegalStateException("setup: " + hits + " of " + KEYS + " keys cached");
        }
      }
      case "caffeine-load", "caffeine-remote1us" -> {
        Cache<Long, byte[]> cache = Caffeine.newBuilder()
            .maximumSize(HEAP_ENTRIES)
            .executor(Runnable::run)
            .build();
        Function<Long, byte[]> loader = impl.equals("caffeine-load") ? copyLoader : remoteLoader;
        read = key -> cache.get(key, loader);
        closeable = cache::invalidateAll;
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @TearDown
  public void tearDown() throws Exception {
    closeable.close();
  }

  @Benchmark
  public byte[] getOrLoad() {
    return read.apply(keys[index++ & MASK]);
  }
}
