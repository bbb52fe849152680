package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class ScheduledRefreshTest {
  /** A scheduler whose periodic tasks the test runs by hand (they are also scheduled a day out). */
  private static final class ManualScheduler extends ScheduledThreadPoolExecutor {
    final List<Runnable> periodic = new ArrayList<>();
    final List<Long> delays = new ArrayList<>();

    ManualScheduler() {
      super(1);
    }

    @Override
    public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay,
        long delay, TimeUnit unit) {
      periodic.add(command);
      delays.add(unit.toNanos(delay));
      return super.scheduleWithFixedDelay(command, 1, 1, TimeUnit.DAYS);
    }

    void runAll() {
      periodic.forEach(Runnable::run);
    }
  }

  private final ManualScheduler scheduler = new ManualScheduler();
  private final Map<Long, String> store = new HashMap<>();
  private final AtomicInteger bulkCalls = new AtomicInteger();
  private final Function<Set<? extends Long>, Map<Long, String>> bulkLoader = keys -> {
    bulkCalls.incrementAndGet();
    Map<Long, String> found = new HashMap<>();
    for (Long key : keys) {
      if (store.containsKey(key)) {
        found.put(key, store.get(key));
      }
    }
    return found;
  };

  @AfterEach
  void shutDown() {
    scheduler.shutdownNow();
  }

  private static TieredCache<Long, String> cache() {
    return TieredCache.newBuilder().maximumSize(1_000).executor(Runnable::run).build();
  }

  @Test
  void eachRun_reloadsEveryKey_andInvalidatesKeysTheStoreLost() {
    try (TieredCache<Long, String> cache = cache()) {
      List<Long> keys = new ArrayList<>();
      for (long k = 0; k < 600; k++) {
        keys.add(k);
        store.put(k, "a" + k);
      }
      cache.put(599L, "stale");
      ScheduledRefresh refresh =
          cache.scheduleRefresh(keys, bulkLoader, scheduler, Duration.ofSeconds(30));
      assertEquals(List.of(Duration.ofSeconds(30).toNanos()), scheduler.delays);
      assertNull(cache.get(0L), "nothing runs before the first period");
      scheduler.runAll();
      assertEquals(3, bulkCalls.get(), "batches of up to 256 keys");
      assertEquals(1, refresh.completedRuns());
      assertEquals(600, refresh.storedEntries());
      assertEquals("a0", cache.get(0L));
      assertEquals("a599", cache.get(599L));
      store.put(5L, "b5");
      store.remove(6L);
      scheduler.runAll();
      assertEquals("b5", cache.get(5L));
      assertNull(cache.get(6L), "the store no longer has it");
      assertEquals(2, refresh.completedRuns());
      assertEquals(0, refresh.failedRuns());
    }
  }

  @Test
  void failingRun_isCountedAndTheScheduleGoesOn() {
    try (TieredCache<Long, String> cache = cache()) {
      store.put(1L, "a");
      IllegalStateException down = new IllegalStateException("store down");
      AtomicInteger calls = new AtomicInteger();
      ScheduledRefresh refresh = cache.scheduleRefresh(List.of(1L), keys -> {
        if (calls.incrementAndGet() == 1) {
          throw down;
        }
        return bulkLoader.apply(keys);
      }, scheduler, Duration.ofMinutes(1));
      scheduler.runAll();
      assertEquals(1, refresh.failedRuns());
      assertSame(down, refresh.lastFailure());
      assertNull(cache.get(1L));
      scheduler.runAll();
      assertEquals(1, refresh.completedRuns());
      assertEquals("a", cache.get(1L));
    }
  }

  @Test
  void close_stopsTheSchedule_andClosingTheCacheEndsIt() {
    TieredCache<Long, String> cache = cache();
    store.put(1L, "a");
    ScheduledRefresh stopped = cache.scheduleRefresh(List.of(1L), bulkLoader, scheduler,
        Duration.ofMinutes(1));
    stopped.close();
    assertTrue(stopped.isClosed());
    scheduler.periodic.get(0).run();
    assertEquals(0, bulkCalls.get());
    ScheduledRefresh running = cache.scheduleRefresh(List.of(1L), bulkLoader, scheduler,
        Duration.ofMinutes(1));
    cache.close();
    scheduler.periodic.get(1).run();
    assertTrue(running.isClosed());
    assertEquals(0, running.failedRuns());
    assertEquals(0, bulkCalls.get());
  }

  @Test
  void writeBehind_keysWithPendingWritesAreNotReloaded() throws Exception {
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    CacheWriter<Long, String> slowStore = new CacheWriter<>() {
      @Override
      public void write(Long key, String value) throws InterruptedException {
        release.await();
      }

      @Override
      public void delete(Long key) {}
    };
    TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(100)
        .executor(Runnable::run).writeBehind(slowStore).build();
    try {
      store.put(1L, "stored");
      store.put(2L, "stored");
      cache.put(1L, "written");
      cache.scheduleRefresh(List.of(1L, 2L), bulkLoader, scheduler, Duration.ofMinutes(1));
      scheduler.runAll();
      assertEquals("written", cache.get(1L));
      assertEquals("stored", cache.get(2L));
    } finally {
      release.countDown();
      cache.close();
    }
  }

  @Test
  void badInput() {
    TieredCache<Long, String> cache = cache();
    {
      Duration p = Duration.ofSeconds(1);
      assertThrows(NullPointerException.class, () -> cache.scheduleRefresh(null, bulkLoader, scheduler, p));
      assertThrows(NullPointerException.class,
          () -> cache.scheduleRefresh(Arrays.asList(1L, null), bulkLoader, scheduler, p));
      assertThrows(NullPointerException.class, () -> cache.scheduleRefresh(List.of(1L), null, scheduler, p));
      assertThrows(NullPointerException.class, () -> cache.scheduleRefresh(List.of(1L), bulkLoader, null, p));
      assertThrows(NullPointerException.class,
          () -> cache.scheduleRefresh(List.of(1L), bulkLoader, scheduler, null));
      IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
          () -> cache.scheduleRefresh(List.of(1L), bulkLoader, scheduler, Duration.ZERO));
      assertTrue(zero.getMessage().startsWith("period: PT0S"), zero.getMessage());
      assertThrows(IllegalArgumentException.class,
          () -> cache.scheduleRefresh(List.of(1L), bulkLoader, scheduler, Duration.ofSeconds(-1)));
      assertFalse(scheduler.isShutdown());
      cache.close();
      assertThrows(IllegalStateException.class,
          () -> cache.scheduleRefresh(List.of(1L), bulkLoader, scheduler, p));
    }
  }
}
