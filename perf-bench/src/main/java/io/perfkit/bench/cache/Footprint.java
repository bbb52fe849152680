package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Locale;

/**
 * On-heap footprint of a full tiered cache (L1 = S entries, L2 = 3S entries) against an all-on-heap
 * Caffeine cache of 4S entries, both holding {@code Long} keys and {@code byte[100]} values. Measures
 * heap used after repeated full GCs (run with a fixed heap, e.g. {@code -Xms1g -Xmx1g}).
 *
 * <p>Usage: {@code java -Xms1g -Xmx1g -cp perf-bench/target/benchmarks.jar
 * io.perfkit.bench.cache.Footprint [S]} (default S = 25,000).
 */
public final class Footprint {
  private Footprint() {}

  /**
   * Runs the measurement.
   *
   * @param args optional L1 size S
   */
  public static void main(String[] args) throws Exception {
    int s = args.length > 0 ? Integer.parseInt(args[0]) : 25_000;
    for (boolean ttl : new boolean[] {false, true}) {
      measure(s, ttl);
    }
  }

  private static void measure(int s, boolean ttl) throws Exception {
    int total = 4 * s;
    Duration l1Ttl = ttl ? Duration.ofMinutes(5) : Duration.ofNanos(Long.MAX_VALUE);
    Duration l2Ttl = ttl ? Duration.ofMinutes(30) : Duration.ofNanos(Long.MAX_VALUE);
    long base = usedHeap();
    Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(total)
        .executor(Runnable::run);
    if (ttl) {
      builder.expireAfterWrite(l1Ttl);
    }
    Cache<Long, byte[]> caffeine = builder.build();
    for (long k = 0; k < total; k++) {
      caffeine.put(k, new byte[100]);
    }
    caffeine.cleanUp();
    long caffeineBytes = usedHeap() - base;
    check(caffeine.estimatedSize(), total);
    caffeine.invalidateAll();
    caffeine = null;

    base = usedHeap();
    TieredCache<Long, byte[]> tiered = TieredCache.newBuilder()
        .maximumSize(s)
        .expireAfterWrite(l1Ttl)
        .offHeapMaximumSize(3L * s)
        .offHeapExpireAfterWrite(l2Ttl)
        .offHeapMaximumEntryBytes(120)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.byteArray())
        .executor(Runnable::run)
        .build();
    for (long k = 0; k < total; k++) {
      tiered.put(k, new byte[100]);
    }
    long tieredBytes = usedHeap() - base;
    check(tiered.estimatedSize(), total);
    System.out.printf(Locale.US, "| %s | %,d | %,d (%.0f B/entry) | %,d | %.3f |%n",
        ttl ? "L1 5 min, L2 30 min" : "none", total, caffeineBytes,
        (double) caffeineBytes / total, tieredBytes, (double) tieredBytes / caffeineBytes);
    tiered.close();
  }

  private static void check(long size, long expected) {
    if (size != expected) {
      throw new IllegalStateException("size: " + size + " (expected: " + expected + ")");
    }
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
