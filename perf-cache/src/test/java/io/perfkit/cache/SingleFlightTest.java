package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Concurrent misses on one key call the loader once; the others get its result or its exception. */
final class SingleFlightTest {
  private static final int THREADS = 8;

  private static TieredCache<Long, String> cache() {
    return TieredCache.newBuilder()
        .maximumSize(16).offHeapMaximumSize(64)
        .keySerializer(Serializer.longs()).valueSerializer(Serializer.string())
        .recordStats().build();
  }

  @Test
  void get_concurrentMisses_loadOnce() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (TieredCache<Long, String> cache = cache()) {
      for (long key = 0; key < 50; key++) {
        AtomicInteger loads = new AtomicInteger();
        CountDownLatch loaderEntered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch start = new CountDownLatch(1);
        long k = key;
        List<Future<String>> results = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          results.add(pool.submit(() -> {
            start.await();
            return cache.get(k, x -> {
              loads.incrementAndGet();
              loaderEntered.countDown();
              try {
                release.await();
              } catch (InterruptedException e) {
                throw new IllegalStateException(e);
              }
              return "v" + x;
            });
          }));
        }
        start.countDown();
        assertTrue(loaderEntered.await(5, TimeUnit.SECONDS));
        release.countDown();
        for (Future<String> result : results) {
          assertEquals("v" + k, result.get(5, TimeUnit.SECONDS));
        }
        assertEquals(1, loads.get(), "loads of key " + k);
      }
      assertEquals(50, cache.stats().loadSuccessCount());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void get_concurrentMisses_loaderFailureReachesEveryWaiter() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    try (TieredCache<Long, String> cache = cache()) {
      IllegalStateException failure = new IllegalStateException("load failed");
      AtomicInteger loads = new AtomicInteger();
      CountDownLatch waiting = new CountDownLatch(THREADS - 1);
      List<Future<Throwable>> results = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        results.add(pool.submit(() -> {
          try {
            cache.get(7L, x -> {
              loads.incrementAndGet();
              try {
                // Hold the load open until the other callers have had time to join it.
                waiting.await(200, TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              throw failure;
            });
            return null;
          } catch (RuntimeException e) {
            return e;
          } finally {
            waiting.countDown();
          }
        }));
      }
      for (Future<Throwable> result : results) {
        assertSame(failure, result.get(5, TimeUnit.SECONDS));
      }
      assertTrue(loads.get() >= 1 && loads.get() <= THREADS);
      assertEquals(null, cache.get(7L));
    } finally {
      pool.shutdownNow();
    }
  }
}
