package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

/**
 * An L1 hit, paired: {@code TieredCache.get} against Caffeine's {@code getIfPresent} in one JVM, in
 * short alternating batches, for a machine too loaded for {@link TieredCacheHeapHitBenchmark} to
 * resolve a difference under a nanosecond (there, each implementation runs in its own forks, minutes
 * apart, and the load drifts between them). Both caches hold the same 1,024 {@code Long} keys out of a
 * 10,000-entry bound (the tiered cache also has an off-heap tier, unused by hits), built alike: both
 * are Caffeine's same generated class, so neither pollutes the other's profile; each batch loop is its
 * own method, so its call site is monomorphic. Batches alternate which goes first; the report is each
 * implementation's fastest and 10th-percentile batch (the batches least disturbed by other processes)
 * and their ratio. Not a JMH benchmark: use it for A/B comparisons of builds on a shared machine.
 *
 * <p>Usage: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.cache.L1HitPaired
 * [--ttl] [batches] [gets per batch]} (defaults: no expiry on either, 5,000 batches of 20,000 gets;
 * {@code --ttl}: the tiered cache's default 5-minute L1 expiry against Caffeine's
 * {@code expireAfterWrite} of the same).
 */
public final class L1HitPaired {
  private static final int KEYS = 1 << 10;
  private static final int MASK = KEYS - 1;
  private static final Long[] SAMPLE = new Long[KEYS];
  /** Keeps the loops' sums alive. */
  private static long sink;

  private L1HitPaired() {}

  /**
   * Runs the comparison and prints one line.
   *
   * @param args {@code [--ttl] [batches] [gets per batch]}
   */
  public static void main(String[] args) {
    int at = 0;
    boolean ttl = args.length > at && args[at].equals("--ttl");
    if (ttl) {
      at++;
    }
    int batches = args.length > at ? Integer.parseInt(args[at++]) : 5_000;
    int gets = args.length > at ? Integer.parseInt(args[at]) : 20_000;
    for (int i = 0; i < KEYS; i++) {
      SAMPLE[i] = (long) i * 0x9E37_79B9L;
    }
    try (TieredCache<Long, byte[]> tiered = TieredCache.newBuilder()
        .maximumSize(10_000)
        .expireAfterWrite(ttl ? Duration.ofMinutes(5) : Duration.ofNanos(Long.MAX_VALUE))
        .offHeapMaximumSize(30_000)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.byteArray())
        .build()) {
      Caffeine<Object, Object> builder = Caffeine.newBuilder().maximumSize(10_000);
      if (ttl) {
        builder.expireAfterWrite(Duration.ofMinutes(5));
      }
      Cache<Long, byte[]> caffeine = builder.build();
      for (Long key : SAMPLE) {
        tiered.put(key, new byte[100]);
        caffeine.put(key, new byte[100]);
      }
      for (Long key : SAMPLE) {
        if (tiered.get(key) == null || caffeine.getIfPresent(key) == null) {
          throw new IllegalStateException("setup: key " + key + " is not a hit");
        }
      }
      for (int i = 0; i < 600; i++) { // warm-up: both loops compiled by C2
        tiered(tiered, gets);
        caffeine(caffeine, gets);
      }
      long[] ours = new long[batches];
      long[] theirs = new long[batches];
      for (int i = 0; i < batches; i++) {
        if ((i & 1) == 0) {
          ours[i] = tiered(tiered, gets);
          theirs[i] = caffeine(caffeine, gets);
        } else {
          theirs[i] = caffeine(caffeine, gets);
          ours[i] = tiered(tiered, gets);
        }
      }
      Arrays.sort(ours);
      Arrays.sort(theirs);
      int p10 = batches / 10;
      System.out.printf(Locale.US, "%s: fastest batch %.3f vs %.3f ns/get (ratio %.3f); 10th percentile "
              + "%.3f vs %.3f (ratio %.3f) [perfkit vs caffeine, %d batches of %d, checksum %d]%n",
          ttl ? "L1 5 min expiry" : "no expiry",
          (double) ours[0] / gets, (double) theirs[0] / gets, (double) ours[0] / theirs[0],
          (double) ours[p10] / gets, (double) theirs[p10] / gets, (double) ours[p10] / theirs[p10],
          batches, gets, sink);
    }
  }

  private static long tiered(TieredCache<Long, byte[]> cache, int gets) {
    long start = System.nanoTime();
    long sum = 0;
    for (int i = 0; i < gets; i++) {
      sum += cache.get(SAMPLE[i & MASK]).length;
    }
    long elapsed = System.nanoTime() - start;
    sink += sum;
    return elapsed;
  }

  private static long caffeine(Cache<Long, byte[]> cache, int gets) {
    long start = System.nanoTime();
    long sum = 0;
    for (int i = 0; i < gets; i++) {
      sum += cache.getIfPresent(SAMPLE[i & MASK]).length;
    }
    long elapsed = System.nanoTime() - start;
    sink += sum;
    return elapsed;
  }
}
