package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.cache.stats.TieredCacheStats;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TieredCachePersistentTest {
  private final FakeTicker ticker = new FakeTicker();
  private final MutableClock clock = new MutableClock();

  @TempDir
  Path dir;

  /** A wall clock the test advances by hand. */
  static final class MutableClock extends Clock {
    private final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
      return millis.get();
    }

    void advance(Duration duration) {
      millis.addAndGet(duration.toMillis());
    }
  }

  private TieredCache.Builder<Long, String> builder(int l1, int l3) {
    return TieredCache.newBuilder()
        .maximumSize(l1)
        .persistentTier(dir.resolve("cache.l3"), l3)
        .persistentMaximumEntryBytes(64)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .ticker(ticker)
        .clock(clock)
        .executor(Runnable::run)
        .recordStats();
  }

  @Test
  void restart_servesWhatEveryTierHeldAtClose() {
    try (TieredCache<Long, String> cache = builder(4, 256).offHeapMaximumSize(8).build()) {
      for (long k = 0; k < 100; k++) {
        cache.put(k, "v" + k);
      }
      cache.invalidate(5L);
      cache.cleanUp();
    }
    try (TieredCache<Long, String> cache = builder(4, 256).offHeapMaximumSize(8).build()) {
      for (long k = 0; k < 100; k++) {
        assertEquals(k == 5 ? null : "v" + k, cache.get(k), "key " + k);
      }
      TieredCacheStats stats = cache.stats();
      assertEquals(99, stats.persistentRecoveredCount());
      assertEquals(99, stats.persistentHitCount());
      assertEquals(0, stats.persistentCorruptDropCount());
    }
  }

  @Test
  void offHeapVictims_moveDownToPersistent() {
    try (TieredCache<Long, String> cache = builder(2, 1_000).offHeapMaximumSize(4).build()) {
      for (long k = 0; k < 200; k++) {
        cache.put(k, "v" + k);
      }
      cache.cleanUp();
      for (long k = 0; k < 200; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
      TieredCacheStats stats = cache.stats();
      assertEquals(200, stats.heapHitCount() + stats.offHeapHitCount()
          + stats.persistentHitCount(), stats.toString());
      assertTrue(stats.persistentHitCount() >= 190, stats.toString());
      assertEquals(0, stats.missCount());
    }
  }

  @Test
  void withoutOffHeap_l1VictimsGoToPersistent() {
    try (TieredCache<Long, String> cache = builder(2, 100).build()) {
      for (long k = 0; k < 50; k++) {
        cache.put(k, "v" + k);
      }
      cache.cleanUp();
      for (long k = 0; k < 50; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
      assertTrue(cache.stats().persistentHitCount() >= 48, cache.stats().toString());
    }
  }

  @Test
  void putAndInvalidate_removeThePersistentCopy() {
    try (TieredCache<Long, String> cache = builder(1, 100).build()) {
      cache.put(1L, "old");
      cache.put(2L, "two"); // 1 spills to L3
      cache.cleanUp();
      cache.put(1L, "new");
      cache.put(3L, "three");
      cache.put(4L, "four");
      cache.cleanUp();
      assertEquals("new", cache.get(1L));
      cache.invalidate(1L);
      assertNull(cache.get(1L));
      cache.invalidateAll();
      assertNull(cache.get(2L));
      assertEquals(0, cache.estimatedSize());
    }
  }

  @Test
  void expiry_persistentTtlCountsFromFirstWriteOnTheWallClock() {
    try (TieredCache<Long, String> cache = builder(1, 100)
        .persistentExpireAfterWrite(Duration.ofMinutes(10)).build()) {
      cache.put(1L, "one");
      clock.advance(Duration.ofMinutes(4));
      ticker.advance(Duration.ofMinutes(4));
      cache.put(2L, "two"); // 1 spills, written 4 minutes ago
      cache.cleanUp();
      clock.advance(Duration.ofMinutes(5));
      assertEquals("one", cache.get(1L));
      clock.advance(Duration.ofMinutes(1));
      assertNull(cache.get(1L));
    }
  }

  @Test
  void promoteAfterHits_movesPersistentHitsUpToL1() {
    try (TieredCache<Long, String> cache = builder(1, 100).promoteAfterHits(1).build()) {
      cache.put(1L, "one");
      cache.put(2L, "two");
      cache.cleanUp();
      assertEquals("one", cache.get(1L)); // L3 hit, moved up
      assertEquals("one", cache.get(1L));
      TieredCacheStats stats = cache.stats();
      assertEquals(1, stats.persistentHitCount());
      assertEquals(1, stats.promotionCount());
      assertEquals(1, stats.heapHitCount());
    }
  }

  @Test
  void oversize_skipsPersistentAndIsCounted() {
    try (TieredCache<Long, String> cache = builder(1, 100).build()) {
      cache.put(1L, "x".repeat(100));
      cache.put(2L, "two");
      cache.cleanUp();
      assertNull(cache.get(1L));
      assertEquals(1, cache.stats().oversizeSkipCount());
    }
  }

  @Test
  void builder_badInput() {
    TieredCache.Builder<Object, Object> b = TieredCache.newBuilder();
    assertThrows(NullPointerException.class, () -> b.persistentTier(null, 10));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> b.persistentTier(dir.resolve("x"), 0));
    assertTrue(zero.getMessage().startsWith("entries: 0 "), zero.getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.persistentMaximumEntryBytes(0));
    assertThrows(IllegalArgumentException.class,
        () -> b.persistentExpireAfterWrite(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> b.clock(null));
    b.persistentTier(dir.resolve("x"), 10);
    assertThrows(IllegalStateException.class, () -> b.persistentTier(dir.resolve("y"), 10));
    IllegalStateException noSerializers =
        assertThrows(IllegalStateException.class, () -> b.maximumSize(1).build());
    assertTrue(noSerializers.getMessage().contains("persistent"), noSerializers.getMessage());
  }

  @Test
  void twoCachesOnOneFile_secondIsRefused() {
    try (TieredCache<Long, String> cache = builder(2, 10).build()) {
      assertThrows(UncheckedIOException.class, () -> builder(2, 10).build());
      cache.put(1L, "one");
    }
  }

  @Test
  void closed_cacheThrowsAndFileIsReleased() {
    TieredCache<Long, String> cache = builder(2, 10).build();
    cache.put(1L, "one");
    cache.close();
    cache.close();
    assertThrows(IllegalStateException.class, () -> cache.get(1L));
    try (TieredCache<Long, String> again = builder(2, 10).build()) {
      assertEquals("one", again.get(1L));
    }
  }
}
