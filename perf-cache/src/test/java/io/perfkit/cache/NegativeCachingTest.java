package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

final class NegativeCachingTest {
  private final FakeTicker ticker = new FakeTicker();
  private final AtomicInteger loads = new AtomicInteger();
  private final Function<Long, String> absent = key -> {
    loads.incrementAndGet();
    return null;
  };

  private TieredCache<Long, String> cache() {
    return TieredCache.newBuilder().maximumSize(100).ticker(ticker).executor(Runnable::run)
        .negativeExpireAfterWrite(Duration.ofSeconds(10)).build();
  }

  @Test
  void absentKey_isNotLoadedAgainUntilTheNegativeEntryExpires() {
    try (TieredCache<Long, String> cache = cache()) {
      assertNull(cache.get(1L, absent));
      assertNull(cache.get(1L, absent));
      assertEquals(1, loads.get());
      ticker.advance(Duration.ofSeconds(10));
      assertNull(cache.get(1L, absent));
      assertEquals(2, loads.get());
    }
  }

  @Test
  void putAndInvalidate_forgetTheAbsence() {
    try (TieredCache<Long, String> cache = cache()) {
      cache.get(1L, absent);
      cache.put(1L, "one");
      assertEquals("one", cache.get(1L, absent));
      cache.invalidate(1L);
      assertEquals("loaded", cache.get(1L, k -> "loaded"));
      cache.invalidate(1L);
      cache.get(2L, absent);
      cache.invalidateAll();
      assertEquals("two", cache.get(2L, k -> "two"));
      assertEquals(2, loads.get()); // keys 1 and 2, once each
    }
  }

  @Test
  void getAll_remembersKeysTheBulkLoaderDidNotReturn() {
    AtomicInteger bulkCalls = new AtomicInteger();
    try (TieredCache<Long, String> cache = cache()) {
      Map<Long, String> first = cache.getAll(List.of(1L, 2L), keys -> {
        bulkCalls.incrementAndGet();
        return Map.of(1L, "one");
      });
      assertEquals(Map.of(1L, "one"), first);
      Map<Long, String> second = cache.getAll(List.of(1L, 2L), keys -> {
        bulkCalls.incrementAndGet();
        return Map.of(2L, "two");
      });
      assertEquals(Map.of(1L, "one"), second);
      assertEquals(1, bulkCalls.get());
      assertNull(cache.get(2L, absent));
      assertEquals(0, loads.get());
    }
  }

  @Test
  void offByDefault() {
    try (TieredCache<Long, String> cache =
        TieredCache.newBuilder().maximumSize(10).executor(Runnable::run).build()) {
      cache.get(1L, absent);
      cache.get(1L, absent);
      assertEquals(2, loads.get());
    }
  }

  @Test
  void builder_badInput() {
    assertThrows(NullPointerException.class,
        () -> TieredCache.newBuilder().negativeExpireAfterWrite(null));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().negativeExpireAfterWrite(Duration.ZERO));
    assertEquals("negativeExpireAfterWrite: PT0S (expected: > 0)", zero.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().negativeExpireAfterWrite(Duration.ofSeconds(-1)));
    assertThrows(IllegalStateException.class, () -> TieredCache.newBuilder()
        .negativeExpireAfterWrite(Duration.ofSeconds(1))
        .negativeExpireAfterWrite(Duration.ofSeconds(1)));
  }
}
