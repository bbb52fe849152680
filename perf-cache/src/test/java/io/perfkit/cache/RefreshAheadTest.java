package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

final class RefreshAheadTest {
  private final FakeTicker ticker = new FakeTicker();
  /** Runs nothing until the test says so: refreshes (and Caffeine's maintenance) wait here. */
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor manual = tasks::add;
  private final AtomicInteger loads = new AtomicInteger();
  private final Function<Long, String> loader = key -> "v" + loads.incrementAndGet();

  private TieredCache<Long, String> cache() {
    return TieredCache.newBuilder().maximumSize(100).ticker(ticker).executor(manual)
        .expireAfterWrite(Duration.ofMinutes(10)).refreshAfterWrite(Duration.ofMinutes(1))
        .recordStats().build();
  }

  private void runTasks() {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
  }

  @Test
  void staleHit_servesTheOldValueAndReloadsInTheBackground() {
    try (TieredCache<Long, String> cache = cache()) {
      assertEquals("v1", cache.get(1L, loader));
      ticker.advance(Duration.ofSeconds(59));
      assertEquals("v1", cache.get(1L, loader));
      runTasks();
      assertEquals(1, loads.get()); // not yet due
      ticker.advance(Duration.ofSeconds(1));
      assertEquals("v1", cache.get(1L, loader)); // due: old value, refresh queued
      assertEquals("v1", cache.get(1L, loader)); // one refresh per key at a time
      assertEquals(1, loads.get());
      runTasks();
      assertEquals(2, loads.get());
      assertEquals("v2", cache.get(1L, loader));
    }
  }

  @Test
  void refresh_doesNotOverwriteAConcurrentPut() {
    try (TieredCache<Long, String> cache = cache()) {
      cache.get(1L, loader);
      ticker.advance(Duration.ofMinutes(2));
      cache.get(1L, loader);
      cache.put(1L, "put");
      runTasks();
      assertEquals("put", cache.get(1L, loader));
    }
  }

  @Test
  void failingRefresh_keepsTheOldValueAndIsCounted() {
    try (TieredCache<Long, String> cache = cache()) {
      cache.get(1L, loader);
      ticker.advance(Duration.ofMinutes(2));
      assertEquals("v1", cache.get(1L, key -> {
        throw new IllegalStateException("store down");
      }));
      runTasks();
      assertEquals("v1", cache.get(1L, k -> "refreshed"));
      assertEquals(1, cache.stats().loadFailureCount());
      runTasks();
      assertEquals("refreshed", cache.get(1L, loader)); // the next hit refreshed it
    }
  }

  @Test
  void writeBehind_keyWithAPendingWriteIsNotRefreshedFromTheStaleStore() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    CacheWriter<Long, String> slowStore = new CacheWriter<>() {
      @Override
      public void write(Long key, String value) throws InterruptedException {
        release.await();
      }

      @Override
      public void delete(Long key) {}
    };
    TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(100).ticker(ticker)
        .executor(manual).refreshAfterWrite(Duration.ofMinutes(1)).writeBehind(slowStore).build();
    try {
      cache.put(1L, "written");
      ticker.advance(Duration.ofMinutes(2));
      assertEquals("written", cache.get(1L, loader));
      runTasks();
      assertEquals(0, loads.get());
      assertEquals("written", cache.get(1L, loader));
    } finally {
      release.countDown();
      cache.close();
    }
  }

  @Test
  void builder_badInput() {
    assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().refreshAfterWrite(Duration.ZERO));
    assertThrows(NullPointerException.class,
        () -> TieredCache.newBuilder().refreshAfterWrite(null));
    assertThrows(IllegalStateException.class, () -> TieredCache.newBuilder()
        .refreshAfterWrite(Duration.ofSeconds(1)).refreshAfterWrite(Duration.ofSeconds(1)));
  }
}
