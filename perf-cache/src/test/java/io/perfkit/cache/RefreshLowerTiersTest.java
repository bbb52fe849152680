package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Refresh-ahead of entries served from the off-heap (L2) and persistent (L3) tiers. */
final class RefreshLowerTiersTest {
  @TempDir
  Path dir;

  private final FakeTicker ticker = new FakeTicker();
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor manual = tasks::add;
  private final AtomicInteger loads = new AtomicInteger();
  private final Function<Long, String> loader = key -> "v" + loads.incrementAndGet();

  /** A wall clock the test moves with the ticker (L3 ages entries on the wall clock). */
  private static final class ManualClock extends Clock {
    final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }
  }

  private final ManualClock clock = new ManualClock();

  private void advance(Duration d) {
    ticker.advance(d);
    clock.millis.addAndGet(d.toMillis());
  }

  private void runTasks() {
    for (Runnable task; (task = tasks.poll()) != null; ) {
      task.run();
    }
  }

  private TieredCache<Long, String> offHeap() {
    return TieredCache.newBuilder().maximumSize(1).offHeapMaximumSize(100)
        .offHeapMaximumEntryBytes(64).keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string()).ticker(ticker).executor(manual)
        .expireAfterWrite(Duration.ofMinutes(10)).refreshAfterWrite(Duration.ofMinutes(1))
        .recordStats().build();
  }

  /** Loads key 1, then pushes it down out of L1 by loading key 2. */
  private void loadAndPushDown(TieredCache<Long, String> cache) {
    assertEquals("v1", cache.get(1L, loader));
    cache.cleanUp();
    cache.get(2L, key -> "two");
    cache.cleanUp();
    runTasks();
  }

  @Test
  void offHeapHit_due_servesTheOldValueAndReloadsIntoL1() {
    try (TieredCache<Long, String> cache = offHeap()) {
      loadAndPushDown(cache);
      long l2HitsBefore = cache.stats().offHeapHitCount();
      assertEquals("v1", cache.get(1L, loader));
      assertEquals(l2HitsBefore + 1, cache.stats().offHeapHitCount(), "key 1 was served by L2");
      runTasks();
      assertEquals(1, loads.get(), "not due yet");
      advance(Duration.ofMinutes(2));
      assertEquals("v1", cache.get(1L, loader)); // old value, reload queued
      assertEquals("v1", cache.get(1L, loader)); // one refresh per key at a time
      runTasks();
      assertEquals(2, loads.get());
      assertEquals("v2", cache.get(1L));
      assertEquals("v2", cache.get(1L, loader));
    }
  }

  @Test
  void offHeapRefresh_doesNotOverwriteAConcurrentPut() {
    try (TieredCache<Long, String> cache = offHeap()) {
      loadAndPushDown(cache);
      advance(Duration.ofMinutes(2));
      cache.get(1L, loader);
      cache.put(1L, "put");
      runTasks();
      assertEquals(2, loads.get());
      assertEquals("put", cache.get(1L));
    }
  }

  @Test
  void plainGet_neverRefreshes() {
    try (TieredCache<Long, String> cache = offHeap()) {
      loadAndPushDown(cache);
      advance(Duration.ofMinutes(2));
      assertEquals("v1", cache.get(1L));
      runTasks();
      assertEquals(1, loads.get());
    }
  }

  @Test
  void failingOffHeapRefresh_keepsTheOldValue() {
    try (TieredCache<Long, String> cache = offHeap()) {
      loadAndPushDown(cache);
      advance(Duration.ofMinutes(2));
      assertEquals("v1", cache.get(1L, key -> {
        throw new IllegalStateException("store down");
      }));
      runTasks();
      assertEquals("v1", cache.get(1L));
      assertEquals(1, cache.stats().loadFailureCount());
    }
  }

  @Test
  void persistentHit_due_isReloaded() {
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(1)
        .persistentTier(dir.resolve("refresh.l3"), 100).clock(clock)
        .keySerializer(Serializer.longs()).valueSerializer(Serializer.string()).ticker(ticker)
        .executor(manual).expireAfterWrite(Duration.ofMinutes(10))
        .refreshAfterWrite(Duration.ofMinutes(1)).recordStats().build()) {
      loadAndPushDown(cache);
      long l3HitsBefore = cache.stats().persistentHitCount();
      assertEquals("v1", cache.get(1L, loader));
      assertEquals(l3HitsBefore + 1, cache.stats().persistentHitCount(), "key 1 was served by L3");
      runTasks();
      assertEquals(1, loads.get(), "not due yet");
      advance(Duration.ofMinutes(2));
      assertEquals("v1", cache.get(1L, loader));
      runTasks();
      assertEquals(2, loads.get());
      assertEquals("v2", cache.get(1L));
    }
  }
}
