package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * L1 stores values without a write-time wrapper; the write time lives in Caffeine's expiry and is
 * read back when an entry spills, is promoted or is refreshed. These pin the lower tiers' ages on a
 * fake ticker: exact from the first write while L1 keeps write times (any L1 expire-after-write, or
 * refresh-ahead), from the spill when it does not.
 */
final class TieredCacheWriteTimeTest {
  private static final Duration SECOND = Duration.ofSeconds(1);

  private final FakeTicker ticker = new FakeTicker();

  private TieredCache.Builder<Long, String> builder(int l1) {
    return TieredCache.newBuilder()
        .maximumSize(l1)
        .offHeapMaximumSize(64)
        .offHeapMaximumEntryBytes(64)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .ticker(ticker)
        .executor(Runnable::run)
        .recordStats();
  }

  /** Keys 0-3 in L1 and 4-7 in L2, all written now; then 7 rewritten into L1 two minutes later. */
  private static void fillThenEvictOneBySize(TieredCache<Long, String> cache, FakeTicker ticker) {
    for (long k = 0; k < 8; k++) {
      cache.put(k, "v" + k);
    }
    ticker.advance(Duration.ofMinutes(2));
    for (int i = 0; i < 3; i++) {
      assertEquals("v7", cache.get(7L)); // counted in the shared sketch: the gate admits 7 below
    }
    cache.put(7L, "new");
    assertEquals(1, cache.stats().spillCount(), "one of keys 0-3 spilled by size");
  }

  @Test
  void sizeAndExpirySpills_carryTheFirstWriteIntoL2() {
    try (TieredCache<Long, String> cache = builder(4).<Long, String>build()) {
      fillThenEvictOneBySize(cache, ticker);
      // The size victim (at 2 min) and, at 5 min, the rest of 0-3 (expired in L1) live in L2 until
      // 30 min after their write at 0, not 30 min after leaving L1.
      ticker.advance(Duration.ofMinutes(28).minus(SECOND));
      for (long k = 0; k < 7; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
      assertEquals("new", cache.get(7L));
      assertTrue(cache.stats().spillCount() >= 4, cache.stats().toString());
      ticker.advance(SECOND);
      for (long k = 0; k < 7; k++) {
        assertNull(cache.get(k), "key " + k);
      }
      assertEquals("new", cache.get(7L)); // written at 2 min
      ticker.advance(Duration.ofMinutes(2).minus(SECOND));
      assertEquals("new", cache.get(7L));
      ticker.advance(SECOND);
      assertNull(cache.get(7L));
    }
  }

  @Test
  void expiredInL1AfterAnIdlePeriod_spillsWithItsFirstWrite() {
    // Caffeine notices L1's expiry only at its next maintenance, here 40 minutes late: the spill
    // still knows the write was at 0, so L2 (30 minutes) does not serve the values.
    try (TieredCache<Long, String> cache = builder(4).<Long, String>build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      ticker.advance(Duration.ofMinutes(40));
      cache.cleanUp();
      assertEquals(4, cache.stats().spillCount());
      for (long k = 0; k < 4; k++) {
        assertNull(cache.get(k), "key " + k);
      }
    }
    // 20 minutes late: L2 serves them for the remaining 10.
    try (TieredCache<Long, String> cache = builder(4).<Long, String>build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      ticker.advance(Duration.ofMinutes(20));
      cache.cleanUp();
      ticker.advance(Duration.ofMinutes(10).minus(SECOND));
      for (long k = 0; k < 4; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
      assertEquals(4, cache.stats().offHeapHitCount());
      ticker.advance(SECOND);
      for (long k = 0; k < 4; k++) {
        assertNull(cache.get(k), "key " + k);
      }
    }
  }

  @Test
  void promotion_keepsTheFirstWrite_andSkipsEntriesOlderThanL1sLifetime() {
    try (TieredCache<Long, String> cache = builder(1).promoteAfterHits(1)
        .<Long, String>build()) {
      cache.put(1L, "one"); // L1
      cache.put(2L, "two"); // the gate turns it away: L2, written at 0
      ticker.advance(Duration.ofMinutes(3));
      assertEquals("two", cache.get(2L)); // promoted (L1 deadline: 5 min after the write at 0)
      assertEquals(1, cache.stats().promotionCount());
      assertEquals("two", cache.get(2L));
      ticker.advance(Duration.ofMinutes(2));
      long heapHits = cache.stats().heapHitCount();
      assertEquals("two", cache.get(2L)); // expired in L1 at 5 min, served by L2
      assertEquals(heapHits, cache.stats().heapHitCount(), cache.stats().toString());
      // Older than L1's lifetime: stays in L2 rather than moving up.
      assertEquals("two", cache.get(2L));
      assertEquals(1, cache.stats().promotionCount(), cache.stats().toString());
      ticker.advance(Duration.ofMinutes(25).minus(SECOND));
      assertEquals("two", cache.get(2L));
      ticker.advance(SECOND);
      assertNull(cache.get(2L)); // 30 min after the first write, across two spills
    }
  }

  @Test
  void withoutL1Expiry_lowerTierAgeCountsFromTheSpill() {
    try (TieredCache<Long, String> cache = builder(4)
        .expireAfterWrite(Duration.ofNanos(Long.MAX_VALUE)).<Long, String>build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      ticker.advance(Duration.ofMinutes(20));
      fillThenEvictOneBySize(cache, ticker); // the victim was written at 0, spilled at 22 min
      ticker.advance(Duration.ofMinutes(30).minus(SECOND));
      int found = 0;
      for (long k = 0; k < 4; k++) {
        found += "v".concat(Long.toString(k)).equals(cache.get(k)) ? 1 : 0;
      }
      assertEquals(4, found, "L1 keeps three, L2 the victim until 30 min after its spill");
      ticker.advance(SECOND);
      found = 0;
      for (long k = 0; k < 4; k++) {
        found += cache.get(k) != null ? 1 : 0;
      }
      assertEquals(3, found, "the victim expired in L2");
    }
  }

  @Test
  void refreshAhead_withoutL1Expiry_countsFromTheWrite() {
    AtomicInteger loads = new AtomicInteger();
    try (TieredCache<Long, String> cache = builder(4)
        .expireAfterWrite(Duration.ofNanos(Long.MAX_VALUE))
        .refreshAfterWrite(Duration.ofMinutes(1)).<Long, String>build()) {
      cache.put(1L, "old");
      ticker.advance(Duration.ofMinutes(1).minus(SECOND));
      assertEquals("old", cache.get(1L, k -> "fresh" + loads.incrementAndGet()));
      assertEquals(0, loads.get());
      ticker.advance(SECOND);
      assertEquals("old", cache.get(1L, k -> "fresh" + loads.incrementAndGet()));
      assertEquals(1, loads.get()); // reloaded on the executor (the caller's thread here)
      assertEquals("fresh1", cache.get(1L));
      ticker.advance(Duration.ofDays(365)); // no L1 expiry: still served, and refreshed once more
      assertEquals("fresh1", cache.get(1L, k -> "fresh" + loads.incrementAndGet()));
      assertEquals("fresh2", cache.get(1L));
    }
  }

  @Test
  void withExpireAfterAccessToo_sizeSpillsCarryTheFirstWrite() {
    // Caffeine's fixed expiries (a variable one cannot also expire after access): the write time of
    // a size victim is Caffeine's ageOf, read while the entry is still mapped.
    try (TieredCache<Long, String> cache = builder(4)
        .expireAfterWrite(Duration.ofHours(1))
        .expireAfterAccess(Duration.ofHours(1)).<Long, String>build()) {
      fillThenEvictOneBySize(cache, ticker);
      ticker.advance(Duration.ofMinutes(28).minus(SECOND));
      for (long k = 0; k < 8; k++) {
        assertTrue(cache.get(k) != null, "key " + k);
      }
      ticker.advance(SECOND);
      int missing = 0;
      for (long k = 0; k < 8; k++) {
        missing += cache.get(k) == null ? 1 : 0;
      }
      // L2 entries written at 0 (4-6) and the victim are gone; L1's three remain (1 h lifetime).
      assertEquals(4, missing);
    }
  }

  @Test
  void withExpireAfterAccessToo_anEntryExpiredByAccessCarriesItsFirstWrite() {
    try (TieredCache<Long, String> cache = builder(4)
        .expireAfterWrite(Duration.ofHours(1))
        .expireAfterAccess(Duration.ofMinutes(10)).<Long, String>build()) {
      for (long k = 0; k < 4; k++) {
        cache.put(k, "v" + k);
      }
      ticker.advance(Duration.ofMinutes(15)); // idle: expired after access at 10 min
      cache.cleanUp();
      assertEquals(4, cache.stats().spillCount());
      ticker.advance(Duration.ofMinutes(15).minus(SECOND));
      for (long k = 0; k < 4; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
      ticker.advance(SECOND);
      for (long k = 0; k < 4; k++) {
        assertNull(cache.get(k), "key " + k); // 30 min after the write at 0
      }
    }
  }
}
