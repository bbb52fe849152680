package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MappedLog;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class WritePolicyTest {
  @TempDir
  Path dir;

  /** A store that records what it was given and can be told to fail. */
  static class Store implements CacheWriter<Long, String> {
    final Map<Long, String> data = new ConcurrentHashMap<>();
    final List<WriteOperation<Long, String>> applied = new CopyOnWriteArrayList<>();
    volatile Exception failure;
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public void write(Long key, String value) throws Exception {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      data.put(key, value);
    }

    @Override
    public void delete(Long key) throws Exception {
      calls.incrementAndGet();
      if (failure != null) {
        throw failure;
      }
      data.remove(key);
    }
  }

  private static TieredCache.Builder<Object, Object> base(int l1) {
    return TieredCache.newBuilder().maximumSize(l1).executor(Runnable::run);
  }

  // --------------- cache-aside ---------------

  @Test
  void cacheAside_isTheDefaultAndNeverWrites() {
    try (TieredCache<Long, String> cache = base(4).build()) {
      assertEquals(WritePolicy.CACHE_ASIDE, cache.writePolicy());
      cache.put(1L, "one");
      cache.delete(1L);
      assertNull(cache.get(1L));
    }
  }

  // --------------- write-through ---------------

  @Test
  void writeThrough_writesTheStoreThenTheCache() {
    Store store = new Store();
    try (TieredCache<Long, String> cache = base(4).writeThrough(store).build()) {
      cache.put(1L, "one");
      assertEquals("one", store.data.get(1L));
      assertEquals("one", cache.get(1L));
      cache.delete(1L);
      assertNull(store.data.get(1L));
      assertNull(cache.get(1L));
    }
  }

  @Test
  void writeThrough_failureLeavesTheCacheUnchangedAndSurfaces() {
    Store store = new Store();
    try (TieredCache<Long, String> cache = base(4).writeThrough(store).build()) {
      cache.put(1L, "one");
      IllegalStateException unchecked = new IllegalStateException("store down");
      store.failure = unchecked;
      assertSame(unchecked, assertThrows(IllegalStateException.class, () -> cache.put(1L, "uno")));
      assertThrows(IllegalStateException.class, () -> cache.put(2L, "two"));
      assertThrows(IllegalStateException.class, () -> cache.delete(1L));
      assertEquals("one", cache.get(1L));
      assertNull(cache.get(2L));

      IOException checked = new IOException("disk full");
      store.failure = checked;
      CacheWriterException wrapped =
          assertThrows(CacheWriterException.class, () -> cache.put(1L, "eins"));
      assertSame(checked, wrapped.getCause());
      assertTrue(wrapped.unwritten().isEmpty());
      assertEquals("one", cache.get(1L));
      assertEquals(Map.of(1L, "one"), store.data);
    }
  }

  @Test
  void writeThrough_loadedValuesAreNotWrittenBack() {
    Store store = new Store();
    try (TieredCache<Long, String> cache = base(4).writeThrough(store).build()) {
      assertEquals("v1", cache.get(1L, k -> "v" + k));
      cache.getAll(List.of(2L, 3L), keys -> Map.of(2L, "v2", 3L, "v3"));
      assertEquals(0, store.calls.get());
    }
  }

  // --------------- write-behind ---------------

  /**
   * Four threads put distinct writes while the writer fails every third batch once; after close,
   * every accepted write was stored exactly once (by identity) and nothing else was.
   */
  @Test
  void writeBehind_everyAcceptedWriteStoredExactlyOnceAcrossClose() throws Exception {
    List<WriteOperation<Long, String>> stored = Collections.synchronizedList(new ArrayList<>());
    AtomicInteger batches = new AtomicInteger();
    CacheWriter<Long, String> writer = new CacheWriter<>() {
      @Override
      public void write(Long key, String value) {
        throw new AssertionError("writeAll is overridden");
      }

      @Override
      public void delete(Long key) {
        throw new AssertionError("writeAll is overridden");
      }

      @Override
      public void writeAll(List<WriteOperation<Long, String>> batch) throws IOException {
        if (batches.incrementAndGet() % 3 == 0) {
          throw new IOException("transient"); // retried with the same batch
        }
        stored.addAll(batch);
      }
    };
    int threads = 4;
    int perThread = 2_000;
    TieredCache<Long, String> cache = base(64).writeBehind(writer).writeBehindBatchSize(100)
        .writeBehindRetries(5).build();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> producers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      long base = t * 1_000_000L;
      Thread producer = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          throw new AssertionError(e);
        }
        for (int i = 0; i < perThread; i++) {
          long key = base + i % 500; // repeated keys: each write still counts
          cache.put(key, key + ":" + i);
        }
      });
      producer.start();
      producers.add(producer);
    }
    start.countDown();
    for (Thread producer : producers) {
      producer.join(TimeUnit.SECONDS.toMillis(20));
      assertFalse(producer.isAlive());
    }
    cache.close();
    assertEquals(threads * perThread, stored.size());
    Map<WriteOperation<Long, String>, Boolean> distinct = new IdentityHashMap<>();
    for (WriteOperation<Long, String> operation : stored) {
      assertNull(distinct.put(operation, Boolean.TRUE), "stored twice: " + operation);
    }
    // Every (key, i) pair, i.e. every put, appears exactly once.
    Map<String, Integer> values = new ConcurrentHashMap<>();
    for (WriteOperation<Long, String> operation : stored) {
      values.merge(operation.value(), 1, Integer::sum);
    }
    assertEquals(threads * perThread, values.size());
  }

  @Test
  void writeBehind_queueServesEntriesEvictedBeforeTheyAreStored() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    Store store = new Store() {
      @Override
      public void writeAll(List<WriteOperation<Long, String>> batch) throws Exception {
        assertTrue(release.await(10, TimeUnit.SECONDS));
        super.writeAll(batch);
      }
    };
    try (TieredCache<Long, String> cache = base(2).writeBehind(store).build()) {
      for (long k = 0; k < 50; k++) {
        cache.put(k, "v" + k);
      }
      cache.cleanUp();
      for (long k = 0; k < 50; k++) {
        assertEquals("v" + k, cache.get(k, key -> "stale"), "key " + k);
      }
      release.countDown();
      assertTrue(cache.flushWrites(Duration.ofSeconds(10)));
      assertEquals(50, store.data.size());
    }
  }

  @Test
  void writeBehind_pendingDeleteIsNotUndoneByALoad() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger loads = new AtomicInteger();
    Store store = new Store() {
      @Override
      public void writeAll(List<WriteOperation<Long, String>> batch) throws Exception {
        assertTrue(release.await(10, TimeUnit.SECONDS));
        super.writeAll(batch);
      }
    };
    try (TieredCache<Long, String> cache = base(4).writeBehind(store).build()) {
      cache.delete(1L);
      assertNull(cache.get(1L, k -> {
        loads.incrementAndGet();
        return "old";
      }));
      assertEquals(0, loads.get());
      release.countDown();
      assertTrue(cache.flushWrites(Duration.ofSeconds(10)));
      assertEquals("new", cache.get(1L, k -> "new"));
    }
  }

  @Test
  void writeBehind_failuresGoToTheDeadLetterHandler() {
    Store store = new Store();
    store.failure = new IOException("store down");
    List<WriteOperation<Long, String>> dead = new CopyOnWriteArrayList<>();
    TieredCache<Long, String> cache = base(4).writeBehind(store).writeBehindRetries(1)
        .writeBehindDeadLetterHandler((batch, cause) -> dead.addAll(batch)).build();
    cache.put(1L, "one");
    cache.put(2L, "two");
    cache.close();
    assertEquals(2, dead.size());
    assertEquals(List.of(1L, 2L), dead.stream().map(WriteOperation::key).sorted().toList());
  }

  @Test
  void writeBehind_unstoredWritesWithoutHandlerAreReportedByClose() {
    Store store = new Store();
    store.failure = new IOException("store down");
    TieredCache<Long, String> cache = base(4).writeBehind(store).writeBehindRetries(0).build();
    cache.put(1L, "one");
    cache.delete(2L);
    CacheWriterException e = assertThrows(CacheWriterException.class, cache::close);
    assertEquals(2, e.unwritten().size());
    assertTrue(e.getMessage().contains("2 writes not stored"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> cache.get(1L));
  }

  @Test
  void writeBehind_journalDoesNotReplayStoredWrites() throws Exception {
    Store store = new Store();
    try (MappedLog log = MappedLog.newBuilder(dir.resolve("journal")).open()) {
      try (TieredCache<Long, String> cache = base(4).keySerializer(Serializer.longs())
          .valueSerializer(Serializer.string()).writeBehind(store).writeBehindJournal(log)
          .build()) {
        cache.put(1L, "one");
        cache.delete(2L);
      }
    }
    assertEquals(2, store.calls.get());
    Store second = new Store();
    try (MappedLog log = MappedLog.newBuilder(dir.resolve("journal")).open();
        TieredCache<Long, String> cache = base(4).keySerializer(Serializer.longs())
            .valueSerializer(Serializer.string()).writeBehind(second).writeBehindJournal(log)
            .build()) {
      assertTrue(cache.flushWrites(Duration.ofSeconds(10)));
      assertEquals(0, second.calls.get());
    }
  }

  // --------------- bad input ---------------

  @Test
  void builder_badInput() {
    assertThrows(NullPointerException.class, () -> base(4).writeThrough(null));
    assertThrows(NullPointerException.class, () -> base(4).writeBehind(null));
    Store store = new Store();
    assertThrows(IllegalStateException.class,
        () -> base(4).writeThrough(store).writeBehind(store));
    IllegalArgumentException zero = assertThrows(IllegalArgumentException.class,
        () -> base(4).writeBehind(store).writeBehindBatchSize(0));
    assertEquals("writeBehindBatchSize: 0 (expected: > 0)", zero.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> base(4).writeBehind(store).writeBehindRetries(-1));
    assertThrows(IllegalArgumentException.class,
        () -> base(4).writeBehind(store).writeBehindLinger(Duration.ofMillis(-1)));
    assertThrows(IllegalStateException.class, () -> base(4).writeBehindBatchSize(8).build());
    assertThrows(NullPointerException.class,
        () -> base(4).writeBehind(store).writeBehindJournal(null));
  }

  @Test
  void put_nullArguments() {
    try (TieredCache<Long, String> cache = base(4).writeThrough(new Store()).build()) {
      assertThrows(NullPointerException.class, () -> cache.put(null, "x"));
      assertThrows(NullPointerException.class, () -> cache.put(1L, null));
      assertThrows(NullPointerException.class, () -> cache.delete(null));
      assertThrows(NullPointerException.class, () -> cache.flushWrites(null));
    }
  }
}
