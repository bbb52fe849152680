package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Threads mix get / load / put / invalidate on a small key set while L1 spills into L2 constantly:
 * every value read must belong to the key it was read for (an off-heap slot reused for another key
 * must never leak), and the counters must add up.
 */
final class TieredCacheStressTest {
  private static final int THREADS = 4;
  private static final int OPS = 50_000;
  private static final int KEYS = 256;

  @org.junit.jupiter.api.io.TempDir
  java.nio.file.Path dir;

  @Test
  void concurrentMix_valuesNeverCrossKeys() throws Exception {
    mix(TieredCache.newBuilder()
        .maximumSize(16)
        .offHeapMaximumSize(64)
        .offHeapMaximumEntryBytes(64)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .recordStats()
        .build(), 16 + 64);
  }

  /**
   * With promotion on every L2 hit, readers keep moving keys up while a writer invalidates each key in
   * turn, reads it back and puts it again: the read after the invalidation must miss. (Promotions that took
   * the entry out of L2 before, and put it into L1 after, an invalidation brought the old value back.)
   */
  @Test
  void invalidate_racingPromotions_neverComesBack() throws Exception {
    try (TieredCache<Long, String> cache = TieredCache.newBuilder()
        .maximumSize(4).offHeapMaximumSize(64).offHeapMaximumEntryBytes(64).promoteAfterHits(1)
        .keySerializer(Serializer.longs()).valueSerializer(Serializer.string())
        .executor(Runnable::run).recordStats().build()) {
      ExecutorService readers = Executors.newFixedThreadPool(2);
      java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
      try {
        List<Future<?>> reading = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
          reading.add(readers.submit(() -> {
            for (long i = 0; !stop.get(); i++) {
              String value = cache.get(i & 15);
              assertTrue(value == null || value.startsWith((i & 15) + "/"), value);
            }
          }));
        }
        for (long key = 0; key < 16; key++) {
          cache.put(key, key + "/start"); // 4 in L1, the rest below: the readers promote them
        }
        for (int round = 0; round < 20_000; round++) {
          long key = round & 15;
          cache.invalidate(key);
          String after = cache.get(key);
          assertEquals(null, after, "round " + round + ": the invalidated value came back");
          cache.put(key, key + "/" + round);
        }
        stop.set(true);
        for (Future<?> f : reading) {
          f.get(10, TimeUnit.SECONDS);
        }
        assertTrue(cache.stats().promotionCount() > 0, "promotions ran: " + cache.stats());
      } finally {
        stop.set(true);
        readers.shutdownNow();
      }
    }
  }

  /** The same over three tiers (L2 small, so L2 evicts into L3 all the time), then a reopen. */
  @Test
  void concurrentMix_withPersistentTier_valuesNeverCrossKeysAndSurviveReopen() throws Exception {
    java.util.function.Supplier<TieredCache<Long, String>> open = () -> TieredCache.newBuilder()
        .maximumSize(16)
        .offHeapMaximumSize(16)
        .offHeapMaximumEntryBytes(64)
        .persistentTier(dir.resolve("l3"), 128)
        .persistentMaximumEntryBytes(64)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .recordStats()
        .<Long, String>build();
    mix(open.get(), 16 + 16 + 128);
    try (TieredCache<Long, String> reopened = open.get()) {
      int found = 0;
      for (long key = 0; key < KEYS; key++) {
        String value = reopened.get(key);
        if (value != null) {
          checkBelongs(key, value);
          found++;
        }
      }
      assertEquals(0, reopened.stats().persistentCorruptDropCount());
      assertEquals(reopened.stats().persistentRecoveredCount(), found);
    }
  }

  private static void mix(TieredCache<Long, String> built, long capacity) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    AtomicLong loads = new AtomicLong();
    try (TieredCache<Long, String> cache = built) {
      CountDownLatch start = new CountDownLatch(1);
      List<Future<Long>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        long seed = t;
        results.add(pool.submit(() -> {
          SplittableRandom random = new SplittableRandom(seed);
          start.await();
          long reads = 0;
          for (int i = 0; i < OPS; i++) {
            long key = random.nextInt(KEYS);
            int op = random.nextInt(10);
            if (op < 5) {
              String value = cache.get(key);
              if (value != null) {
                checkBelongs(key, value);
              }
              reads++;
            } else if (op < 7) {
              String value = cache.get(key, k -> {
                loads.incrementAndGet();
                return k + ":loaded";
              });
              checkBelongs(key, value);
              reads++;
            } else if (op < 9) {
              cache.put(key, key + ":" + "x".repeat(random.nextInt(20)));
            } else {
              cache.invalidate(key);
            }
          }
          return reads;
        }));
      }
      start.countDown();
      long reads = 0;
      for (Future<Long> result : results) {
        reads += result.get(60, TimeUnit.SECONDS);
      }
      var stats = cache.stats();
      assertEquals(reads, stats.requestCount(), stats.toString());
      assertEquals(loads.get(), stats.loadSuccessCount());
      assertEquals(0, stats.serializationFailureCount());
      cache.cleanUp();
      assertTrue(cache.estimatedSize() <= capacity, "size " + cache.estimatedSize());
    } finally {
      pool.shutdownNow();
    }
  }

  private static void checkBelongs(long key, String value) {
    if (!value.startsWith(key + ":")) {
      throw new AssertionError("key " + key + " returned " + value);
    }
  }
}
