package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WarmingTest {
  @TempDir
  Path dir;

  private static Map<Long, String> loadAll(Set<? extends Long> keys) {
    Map<Long, String> values = new HashMap<>();
    for (Long key : keys) {
      values.put(key, "v" + key);
    }
    return values;
  }

  @Test
  void warm_loadsMissingKeysInBatchesAndReportsProgress() {
    List<long[]> reports = new ArrayList<>();
    List<Integer> batchSizes = new ArrayList<>();
    try (TieredCache<Long, String> cache =
        TieredCache.newBuilder().maximumSize(2_000).executor(Runnable::run).build()) {
      cache.put(5L, "present");
      List<Long> keys = LongStream.range(0, 1_000).boxed().toList();
      long stored = cache.warm(keys, missing -> {
        batchSizes.add(missing.size());
        return loadAll(missing);
      }, (done, total) -> reports.add(new long[] {done, total}));
      assertEquals(999, stored);
      assertEquals(List.of(255, 256, 256, 232), batchSizes);
      assertEquals(4, reports.size());
      assertEquals(256, reports.get(0)[0]);
      assertEquals(1_000, reports.get(3)[0]);
      assertEquals(1_000, reports.get(3)[1]);
      assertEquals("present", cache.get(5L));
      assertEquals("v999", cache.get(999L));
    }
  }

  @Test
  void warm_unknownTotalForAnIterable() {
    List<Long> totals = new ArrayList<>();
    try (TieredCache<Long, String> cache =
        TieredCache.newBuilder().maximumSize(100).executor(Runnable::run).build()) {
      Iterable<Long> keys = () -> List.of(1L, 2L).iterator();
      cache.warm(keys, WarmingTest::loadAll, (done, total) -> totals.add(total));
      assertEquals(List.of(-1L), totals);
    }
  }

  @Test
  void hotKeys_savedAtCloseAndReadOnStart() {
    Path file = dir.resolve("hot-keys");
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(100)
        .keySerializer(Serializer.longs()).executor(Runnable::run).hotKeysFile(file, 10)
        .<Long, String>build()) {
      assertTrue(cache.persistedHotKeys().isEmpty());
      for (long k = 0; k < 50; k++) {
        cache.put(k, "v" + k);
      }
    }
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(100)
        .keySerializer(Serializer.longs()).executor(Runnable::run).hotKeysFile(file, 10)
        .<Long, String>build()) {
      List<Long> hot = cache.persistedHotKeys();
      assertEquals(10, hot.size());
      assertEquals(10, new HashSet<>(hot).size());
      assertTrue(hot.stream().allMatch(k -> k >= 0 && k < 50), hot.toString());
      assertEquals(10, cache.warm(hot, WarmingTest::loadAll, (done, total) -> { }));
      assertEquals("v" + hot.get(0), cache.get(hot.get(0)));
    }
  }

  @Test
  void hotKeys_corruptFileReadsAsEmpty() throws IOException {
    Path file = dir.resolve("hot-keys");
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(100)
        .keySerializer(Serializer.longs()).executor(Runnable::run).hotKeysFile(file, 10)
        .<Long, String>build()) {
      cache.put(1L, "one");
    }
    byte[] bytes = Files.readAllBytes(file);
    bytes[14] ^= 1;
    Files.write(file, bytes);
    try (TieredCache<Long, String> cache = TieredCache.newBuilder().maximumSize(100)
        .keySerializer(Serializer.longs()).executor(Runnable::run).hotKeysFile(file, 10)
        .<Long, String>build()) {
      assertTrue(cache.persistedHotKeys().isEmpty());
    }
  }

  @Test
  void badInput() {
    assertThrows(IllegalArgumentException.class,
        () -> TieredCache.newBuilder().hotKeysFile(dir.resolve("x"), 0));
    assertThrows(NullPointerException.class, () -> TieredCache.newBuilder().hotKeysFile(null, 1));
    assertThrows(IllegalStateException.class, () -> TieredCache.newBuilder().maximumSize(1)
        .hotKeysFile(dir.resolve("x"), 1).build());
    try (TieredCache<Long, String> cache =
        TieredCache.newBuilder().maximumSize(100).executor(Runnable::run).build()) {
      assertThrows(NullPointerException.class,
          () -> cache.warm(null, WarmingTest::loadAll, (d, t) -> { }));
      assertThrows(NullPointerException.class, () -> cache.warm(List.of(1L), null, (d, t) -> { }));
      assertThrows(NullPointerException.class,
          () -> cache.warm(List.of(1L), WarmingTest::loadAll, null));
      List<Long> withNull = new ArrayList<>();
      withNull.add(null);
      assertThrows(NullPointerException.class,
          () -> cache.warm(withNull, WarmingTest::loadAll, (d, t) -> { }));
      assertThrows(IllegalStateException.class, () -> cache.warm(List.of(1L), keys -> {
        throw new IllegalStateException("store down");
      }, (d, t) -> { }));
    }
  }
}
