package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.lang.management.ManagementFactory;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * GC pressure of a large cache: 1,000,000 entries (Long key, 100-byte value) held off heap in perfkit's
 * L2 (L1 = 10,000 entries on heap) against all on heap in one Caffeine cache of 1,010,000 entries, under
 * a steady 1 write : 3 reads of uniformly drawn keys over 1,200,000 (so the caches stay full and keep
 * evicting). Run with {@code -prof gc} on a pre-touched fixed 2 GB heap (G1, the default) and read the
 * allocation rate, the GC count and time; the {@code heapUsedMB} counter is the heap used after a full
 * GC once the cache was filled (the cache's resident on-heap cost, sampled once per iteration).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TieredCacheGcBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class TieredCacheGcBenchmark {
  static final int ENTRIES = 1_000_000;
  static final int L1 = 10_000;
  static final int KEYS = 1_200_000;
  static final int MASK = (1 << 20) - 1;

  /** The cache measured. */
  @Param({"perfkit", "caffeine"})
  public String impl;

  private CacheOps ops;
  private final Long[] keys = new Long[MASK + 1];
  private int index;
  private long heapUsedBytes;

  /** The heap used after the fill, reported per iteration (JMH sums EVENTS, so it is set once). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class Heap {
    public long heapUsedMB;
    boolean reported;

    @Setup(Level.Iteration)
    public void reset() {
      heapUsedMB = 0;
      reported = false;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i <= MASK; i++) {
      keys[i] = (long) random.nextInt(KEYS);
    }
    switch (impl) {
      case "perfkit" -> {
        TieredCache<Long, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(L1)
            .offHeapMaximumSize(ENTRIES)
            .offHeapMaximumEntryBytes(112)
            .keySerializer(Serializer.longs())
            .valueSerializer(Serializer.byteArray())
            .build();
        ops = CacheOps.perfkit(cache);
      }
      case "caffeine" -> {
        Cache<Long, byte[]> cache = Caffeine.newBuilder().maximumSize(L1 + ENTRIES).build();
        ops = CacheOps.caffeine(cache);
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    for (long key = 0; key < L1 + ENTRIES; key++) {
      ops.put().accept(key, new byte[100]);
    }
    System.gc();
    heapUsedBytes = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    ops.close().run();
  }

  @Benchmark
  public byte[] getPut(Heap heap) {
    if (!heap.reported) {
      heap.reported = true;
      heap.heapUsedMB = heapUsedBytes >> 20;
    }
    int i = index++;
    Long key = keys[i & MASK];
    if ((i & 3) == 0) {
      byte[] value = new byte[100];
      ops.put().accept(key, value);
      return value;
    }
    return ops.get().apply(key);
  }
}
