package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The L1 gate follows L2's admission duel: closed on a loop, open once popularity shifts. */
final class AdaptiveAdmissionTest {
  private static final int L2 = 1_024;

  private static TieredCache<Long, Long> cache() {
    return TieredCache.newBuilder()
        .maximumSize(64)
        .offHeapMaximumSize(L2)
        .offHeapMaximumEntryBytes(16)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.longs())
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /** Replays one request: a get, and on a miss a put. */
  private static void request(TieredCache<Long, Long> cache, long key) {
    if (cache.get(key) == null) {
      cache.put(key, key);
    }
  }

  private static void loop(TieredCache<Long, Long> cache) {
    for (int round = 0; round < 20; round++) {
      for (long key = 0; key < 2L * L2; key++) {
        request(cache, key);
      }
    }
  }

  /** Each epoch a fresh hot set of half of L2, requested at random; the previous one never again. */
  private static void shifting(TieredCache<Long, Long> cache) {
    SplittableRandom random = new SplittableRandom(11);
    int hotSet = L2 / 2;
    for (int epoch = 0; epoch < 12; epoch++) {
      long base = 1_000_000L + (long) epoch * hotSet;
      for (int i = 0; i < 20 * hotSet; i++) {
        request(cache, base + random.nextInt(hotSet));
      }
    }
  }

  /** Puts a never-requested key into the full cache and reads it back; returns L1 hits it added. */
  private static long heapHitsOfANewKey(TieredCache<Long, Long> cache) {
    long before = cache.stats().heapHitCount();
    cache.put(-1L, -1L);
    cache.get(-1L);
    return cache.stats().heapHitCount() - before;
  }

  @Test
  void loop_gateTurnsANeverRequestedKeyAway() {
    try (TieredCache<Long, Long> cache = cache()) {
      loop(cache);
      assertEquals(0, heapHitsOfANewKey(cache));
    }
  }

  @Test
  void scanThenShift_gateOpensForRecency() {
    try (TieredCache<Long, Long> cache = cache()) {
      loop(cache);
      shifting(cache);
      assertEquals(1, heapHitsOfANewKey(cache));
      var stats = cache.stats();
      assertTrue(stats.hitRate() > 0.5, () -> "hit rate: " + stats.hitRate());
    }
  }
}
