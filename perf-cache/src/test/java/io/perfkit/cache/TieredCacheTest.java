package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.cache.stats.TieredCacheStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class TieredCacheTest {
  private final FakeTicker ticker = new FakeTicker();

  private TieredCache<Long, String> cache(int l1, int l2, Serializer<String> values) {
    return TieredCache.newBuilder()
        .maximumSize(l1)
        .offHeapMaximumSize(l2)
        .offHeapMaximumEntryBytes(64)
        .keySerializer(Serializer.longs())
        .valueSerializer(values)
        .ticker(ticker)
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  @Test
  void get_missThenPutThenHit() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      assertNull(cache.get(1L));
      cache.put(1L, "one");
      assertEquals("one", cache.get(1L));
      TieredCacheStats stats = cache.stats();
      assertEquals(1, stats.heapHitCount());
      assertEquals(1, stats.missCount());
    }
  }

  @Test
  void put_beyondFullL1_goesOffHeapWhenNoMorePopularThanL1sColdest() {
    try (TieredCache<Long, String> cache = cache(4, 64, Serializer.string())) {
      for (long k = 0; k < 40; k++) {
        cache.put(k, "v" + k);
      }
      for (long k = 0; k < 40; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
      TieredCacheStats stats = cache.stats();
      // No key was ever requested before its put: the gate keeps L1's first four.
      assertEquals(4, stats.heapHitCount(), stats.toString());
      assertEquals(36, stats.offHeapHitCount(), stats.toString());
      assertEquals(0, stats.spillCount(), stats.toString());
    }
  }

  @Test
  void put_keyMorePopularThanL1sColdest_entersL1AndTheVictimSpills() {
    try (TieredCache<Long, String> cache = cache(4, 64, Serializer.string())) {
      for (long k = 0; k < 8; k++) {
        cache.put(k, "v" + k);
      }
      for (int i = 0; i < 3; i++) {
        assertEquals("v7", cache.get(7L)); // L2 hits: counted in the shared sketch
      }
      cache.put(7L, "new");
      TieredCacheStats before = cache.stats();
      assertEquals(1, before.spillCount(), before.toString());
      assertEquals("new", cache.get(7L));
      assertEquals(before.heapHitCount() + 1, cache.stats().heapHitCount());
      for (long k = 0; k < 7; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
    }
  }

  @Test
  void put_afterAnEviction_gateComparesWithL1sNewColdestNotTheEvictedKey() {
    try (TieredCache<Long, String> cache = cache(4, 64, Serializer.string())) {
      for (long k = 0; k < 8; k++) {
        cache.put(k, "v" + k); // 0-3 in L1, 4-7 turned away into L2
      }
      for (int i = 0; i < 3; i++) {
        assertEquals("v6", cache.get(6L));
        assertEquals("v7", cache.get(7L));
      }
      cache.put(6L, "n6"); // admitted: one of 0-3 (never requested) spills
      assertEquals(1, cache.stats().spillCount());
      // Only the spilled key misses L1, so only it gains in the sketch (5 > 7's 3).
      for (int i = 0; i < 5; i++) {
        for (long k = 0; k < 4; k++) {
          assertEquals("v" + k, cache.get(k), "key " + k);
        }
      }
      // The gate must ask for L1's coldest again (the evicted key would reject 7): admitted.
      cache.put(7L, "n7");
      assertEquals(2, cache.stats().spillCount(), cache.stats().toString());
      long heapHits = cache.stats().heapHitCount();
      assertEquals("n7", cache.get(7L));
      assertEquals(heapHits + 1, cache.stats().heapHitCount());
      assertEquals("n6", cache.get(6L));
      for (long k = 0; k < 6; k++) {
        assertEquals("v" + k, cache.get(k), "key " + k);
      }
    }
  }

  @Test
  void put_replacesValueHeldInOffHeapTier() {
    try (TieredCache<Long, String> cache = cache(2, 64, Serializer.string())) {
      for (long k = 0; k < 10; k++) {
        cache.put(k, "old" + k);
      }
      for (long k = 0; k < 10; k++) {
        cache.put(k, "new" + k);
      }
      for (long k = 0; k < 10; k++) {
        assertEquals("new" + k, cache.get(k));
      }
    }
  }

  @Test
  void invalidate_removesFromEveryTier() {
    try (TieredCache<Long, String> cache = cache(2, 64, Serializer.string())) {
      for (long k = 0; k < 10; k++) {
        cache.put(k, "v" + k);
      }
      cache.invalidate(0L);
      cache.invalidate(9L);
      assertNull(cache.get(0L));
      assertNull(cache.get(9L));
      assertEquals("v5", cache.get(5L));
      cache.invalidateAll();
      for (long k = 0; k < 10; k++) {
        assertNull(cache.get(k));
      }
      assertEquals(0, cache.estimatedSize());
    }
  }

  @Test
  void expiry_eachTierHasItsOwnLifetime() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      cache.put(1L, "one");
      ticker.advance(Duration.ofMinutes(6));
      // Gone from L1 (5 min), still in L2 (30 min from the write).
      assertEquals("one", cache.get(1L));
      assertEquals(1, cache.stats().offHeapHitCount());
      ticker.advance(Duration.ofMinutes(24));
      assertNull(cache.get(1L));
    }
  }

  @Test
  void getWithLoader_loaderThrows_reachesCallerAndCachesNothing() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      IllegalStateException failure = new IllegalStateException("boom");
      IllegalStateException thrown = assertThrows(IllegalStateException.class,
          () -> cache.get(1L, k -> {
            throw failure;
          }));
      assertSame(failure, thrown);
      assertNull(cache.get(1L));
      assertEquals("loaded", cache.get(1L, k -> "loaded"));
      assertEquals(1, cache.stats().loadFailureCount());
      assertEquals(1, cache.stats().loadSuccessCount());
    }
  }

  @Test
  void getWithLoader_recursiveLoadOfSameKey_throwsInsteadOfDeadlocking() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> cache.get(1L, k -> cache.get(k, k2 -> "inner")));
      assertTrue(e.getMessage().startsWith("recursive load of key 1"), e.getMessage());
      assertNull(cache.get(1L));
      assertEquals("two", cache.get(2L, k -> cache.get(3L, k3 -> "three").replace("three", "two")));
    }
  }

  @Test
  void getWithLoader_nullResult_cachesNothing() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      assertNull(cache.get(1L, k -> null));
      assertNull(cache.get(1L));
    }
  }

  @Test
  void getAll_loadsOnlyMissingKeysInOneCall() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      cache.put(2L, "two");
      AtomicInteger calls = new AtomicInteger();
      Map<Long, String> all = cache.getAll(List.of(1L, 2L, 3L), keys -> {
        calls.incrementAndGet();
        assertEquals(2, keys.size());
        return Map.of(1L, "one", 3L, "three", 4L, "four");
      });
      assertEquals(Map.of(1L, "one", 2L, "two", 3L, "three"), all);
      assertEquals(List.of(1L, 2L, 3L), List.copyOf(all.keySet()));
      assertEquals(1, calls.get());
      assertEquals("four", cache.get(4L));
    }
  }

  @Test
  void getAll_bulkLoaderThrows_cachesNothing() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      assertThrows(ArithmeticException.class, () -> cache.getAll(List.of(1L), keys -> {
        throw new ArithmeticException();
      }));
      assertNull(cache.get(1L));
      assertThrows(NullPointerException.class, () -> cache.getAll(List.of(1L), keys -> null));
    }
  }

  @Test
  void spill_valueLargerThanSlot_skipsOffHeapTierAndIsCounted() {
    try (TieredCache<Long, String> cache = cache(1, 16, Serializer.string())) {
      cache.put(1L, "x".repeat(100));
      for (int i = 0; i < 3; i++) {
        assertNull(cache.get(2L)); // makes key 2 more popular than L1's key 1
      }
      cache.put(2L, "small"); // enters L1; key 1 spills, is too large for L2 and is dropped
      assertNull(cache.get(1L));
      assertEquals(1, cache.stats().oversizeSkipCount());
      assertEquals("small", cache.get(2L));
      // Turned away by the L1 gate but too large for L2: stored in L1 after all, key 2 spills.
      cache.put(3L, "y".repeat(100));
      assertEquals("y".repeat(100), cache.get(3L));
      assertEquals("small", cache.get(2L));
      assertEquals(1, cache.stats().oversizeSkipCount());
    }
  }

  @Test
  void spill_serializerThrowsOrReturnsNull_entryDroppedAndCounted() {
    Serializer<String> broken = new Serializer<>() {
      @Override
      public byte[] serialize(String value) {
        if (value.equals("null")) {
          return null;
        }
        throw new IllegalArgumentException("cannot serialise " + value);
      }

      @Override
      public String deserialize(ByteBuffer bytes) {
        throw new AssertionError("never stored");
      }
    };
    try (TieredCache<Long, String> cache = cache(1, 16, broken)) {
      cache.put(1L, "a");
      cache.put(2L, "null"); // the L1 gate's L2 write fails (1): stored in L1; "a" spills and fails (2)
      cache.put(3L, "c"); // the same (3); "null" spills and fails (4)
      assertNull(cache.get(1L));
      assertNull(cache.get(2L));
      assertEquals("c", cache.get(3L));
      assertEquals(4, cache.stats().serializationFailureCount());
    }
  }

  @Test
  void get_deserializerThrows_reachesCallerAndEntryIsRemoved() {
    Serializer<String> unreadable = new Serializer<>() {
      @Override
      public byte[] serialize(String value) {
        return Serializer.string().serialize(value);
      }

      @Override
      public String deserialize(ByteBuffer bytes) {
        throw new UnsupportedOperationException("unreadable");
      }
    };
    try (TieredCache<Long, String> cache = cache(1, 16, unreadable)) {
      cache.put(1L, "a");
      cache.put(2L, "b"); // L1 is full and 2 is no more popular than 1: stored in L2
      assertThrows(UnsupportedOperationException.class, () -> cache.get(2L));
      assertNull(cache.get(2L));
      assertEquals("a", cache.get(1L));
    }
  }

  @Test
  void promoteAfterHits_movesEntryUpToHeapTier() {
    try (TieredCache<Long, String> cache = TieredCache.newBuilder()
        .maximumSize(1).offHeapMaximumSize(16).promoteAfterHits(2)
        .keySerializer(Serializer.longs()).valueSerializer(Serializer.string())
        .executor(Runnable::run).recordStats().build()) {
      cache.put(1L, "one");
      cache.put(2L, "two"); // turned away by the full L1: stored in L2
      assertEquals("two", cache.get(2L));
      assertEquals("two", cache.get(2L));
      assertEquals(1, cache.stats().promotionCount());
      assertEquals("two", cache.get(2L));
      assertEquals(1, cache.stats().heapHitCount());
      assertEquals("one", cache.get(1L)); // spilled to L2 by the promotion
    }
  }

  @Test
  void badInput_nullsThrowNamingTheParameter() {
    try (TieredCache<Long, String> cache = cache(4, 16, Serializer.string())) {
      assertEquals("key must not be null",
          assertThrows(NullPointerException.class, () -> cache.get(null)).getMessage());
      assertThrows(NullPointerException.class, () -> cache.put(null, "v"));
      assertEquals("value must not be null",
          assertThrows(NullPointerException.class, () -> cache.put(1L, null)).getMessage());
      assertThrows(NullPointerException.class, () -> cache.get(1L, null));
      assertThrows(NullPointerException.class, () -> cache.invalidate(null));
      assertThrows(NullPointerException.class, () -> cache.putAll(null));
      assertThrows(NullPointerException.class, () -> cache.getAll(null, k -> Map.of()));
    }
  }

  @Test
  void builder_rejectsBadSizesDurationsAndRepeats() {
    assertEquals("maximumSize: -1 (expected: > 0)", assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().maximumSize(-1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> TieredCache.newBuilder().maximumSize(0));
    assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().offHeapMaximumSize(-5));
    assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().offHeapMaximumEntryBytes(0));
    assertEquals("expireAfterWrite: PT-1S (expected: >= 0)",
        assertThrows(IllegalArgumentException.class,
            () -> TieredCache.newBuilder().expireAfterWrite(Duration.ofSeconds(-1))).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().offHeapExpireAfterAccess(Duration.ofNanos(-1)));
    assertThrows(IllegalArgumentException.class, () -> TieredCache.newBuilder().promoteAfterHits(-1));
    assertThrows(NullPointerException.class, () -> TieredCache.newBuilder().expireAfterWrite(null));
    assertThrows(IllegalStateException.class,
        () -> TieredCache.newBuilder().maximumSize(1).maximumSize(2));
    assertThrows(IllegalStateException.class, () -> TieredCache.newBuilder().build());
    assertThrows(IllegalStateException.class,
        () -> TieredCache.newBuilder().maximumSize(1).offHeapMaximumSize(1).build());
  }

  @Test
  void close_isIdempotentAndLaterCallsThrow() {
    TieredCache<Long, String> cache = cache(4, 16, Serializer.string());
    cache.put(1L, "one");
    cache.close();
    cache.close();
    assertThrows(IllegalStateException.class, () -> cache.get(1L));
    assertThrows(IllegalStateException.class, () -> cache.put(1L, "one"));
    assertThrows(IllegalStateException.class, () -> cache.invalidateAll());
  }

  @Test
  void builtInSerializers_roundTrip() {
    assertEquals("héllo", roundTrip(Serializer.string(), "héllo"));
    assertEquals(-7L, roundTrip(Serializer.longs(), -7L));
    assertEquals(42, roundTrip(Serializer.integers(), 42));
    assertEquals(List.of((byte) 1, (byte) 2),
        List.of(roundTrip(Serializer.byteArray(), new byte[] {1, 2})[0],
            roundTrip(Serializer.byteArray(), new byte[] {1, 2})[1]));
  }

  private static <T> T roundTrip(Serializer<T> serializer, T value) {
    return serializer.deserialize(ByteBuffer.wrap(serializer.serialize(value)));
  }
}
