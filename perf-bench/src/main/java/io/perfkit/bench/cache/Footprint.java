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
 * heap used after repeated full GCs (run with a fixed heap, e.g. {@code -Xms1g -Xmx1g}), and the direct
 * memory the tiered cache holds off the heap. The last columns are the floor, a Caffeine cache of S
 * entries alone (what L1 is) against the same baseline, and the tiered cache's bytes above that floor
 * (L1 stores values without a per-entry wrapper, so this is a fixed amount: the tiers' own objects).
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
    System.out.println("| expiry | entries | all-on-heap Caffeine | tiered on heap (S + 3S) | ratio "
        + "| tiered direct memory | Caffeine of S alone: ratio | tiered above that, bytes |");
    System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    // A discarded first pass of each configuration: the first measurement in a fresh JVM swings by
    // +-30 % (class loading, lazily created JDK and Caffeine structures, the linkage of each lambda
    // the configuration's code path meets first: one-time costs of the JVM, not of a cache, that a
    // second cache would not pay, so they must not land in one configuration's delta).
    java.io.PrintStream out = System.out;
    System.setOut(new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    measure(s, false);
    measure(s, true);
    System.setOut(out);
    for (boolean ttl : new boolean[] {false, true}) {
      measure(s, ttl);
    }
  }

  private static void measure(int s, boolean ttl) throws Exception {
    int total = 4 * s;
    Duration l1Ttl = ttl ? Duration.ofMinutes(5) : Duration.ofNanos(Long.MAX_VALUE);
    Duration l2Ttl = ttl ? Duration.ofMinutes(30) : Duration.ofNanos(Long.MAX_VALUE);
    long base = usedHeap();
    long directBase = usedDirect();
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

    // The floor: L1 alone, a Caffeine cache of S entries with the same expiry.
    base = usedHeap();
    Caffeine<Object, Object> l1Builder = Caffeine.newBuilder().maximumSize(s).executor(Runnable::run);
    if (ttl) {
      l1Builder.expireAfterWrite(l1Ttl);
    }
    Cache<Long, byte[]> l1Alone = l1Builder.build();
    for (long k = 0; k < s; k++) {
      l1Alone.put(k, new byte[100]);
    }
    l1Alone.cleanUp();
    long l1AloneBytes = usedHeap() - base;
    check(l1Alone.estimatedSize(), s);
    l1Alone.invalidateAll();
    l1Alone = null;

    base = usedHeap();
    directBase = usedDirect();
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
    long tieredDirect = usedDirect() - directBase;
    check(tiered.estimatedSize(), total);
    // Ratios to six places: the target is 0.25 and the fixed objects move it in the fifth.
    System.out.printf(Locale.US, "| %s | %,d | %,d (%.0f B/entry) | %,d | %.6f | %,d | %.6f | %,d |%n",
        ttl ? "L1 5 min, L2 30 min" : "none", total, caffeineBytes,
        (double) caffeineBytes / total, tieredBytes, (double) tieredBytes / caffeineBytes,
        tieredDirect, (double) l1AloneBytes / caffeineBytes, tieredBytes - l1AloneBytes);
    tiered.close();
  }

  private static void check(long size, long expected) {
    if (size != expected) {
      throw new IllegalStateException("size: " + size + " (expected: " + expected + ")");
    }
  }

  /** Bytes of direct buffers in use (L2's slabs, index, links and sketch). */
  private static long usedDirect() {
    return ManagementFactory.getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct"))
        .mapToLong(java.lang.management.BufferPoolMXBean::getMemoryUsed).sum();
  }

  private static long usedHeap() throws InterruptedException {
    for (int i = 0; i < 4; i++) {
      System.gc();
      Thread.sleep(50);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
