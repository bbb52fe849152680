package io.perfkit.cache.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;


import io.perfkit.cache.CacheWriter;
import io.perfkit.cache.RedisTierSpec;
import io.perfkit.cache.RemoteTierListener;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import io.perfkit.cache.stats.RemoteTierStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * TieredCache with a Redis remote tier: several instances on one real redis-server (see {@link
 * RedisServerExtension}), cross-instance invalidation, degradation and repair when Redis is down or
 * failing, and bad input.
 */
@ExtendWith(RedisServerExtension.class)
final class TieredCacheRedisTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private final List<TieredCache<String, String>> caches = new ArrayList<>();

  @AfterEach
  void closeCaches() {
    caches.forEach(TieredCache::close);
  }

  private static String uniqueName() {
    return "tc" + NAMES.incrementAndGet();
  }

  /** Records the listener's events in order. */
  private static final class Events implements RemoteTierListener {
    final BlockingQueue<String> connection = new LinkedBlockingQueue<>();
    final List<String> writeFailures = Collections.synchronizedList(new ArrayList<>());
    final List<String> unsyncedAtClose = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onDisconnected() {
      connection.add("down");
    }

    @Override
    public void onReconnected() {
      connection.add("up");
    }

    @Override
    public void onWriteFailure(String operation, Object key, Throwable cause) {
      writeFailures.add(operation + ":" + key);
    }

    @Override
    public void onUnsyncedAtClose(Collection<?> keys, boolean wholeNamespace) {
      unsyncedAtClose.add(keys + (wholeNamespace ? " all" : ""));
    }
  }

  /** Runs tasks only when told: makes the repair's timing part of the test. */
  private static final class ManualExecutor implements Executor {
    final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
    }

    void runAll() {
      Runnable task;
      while ((task = tasks.poll()) != null) {
        task.run();
      }
    }
  }

  private TieredCache<String, String> cache(RedisServerExtension.Server server, String name,
      RemoteTierListener listener, Executor executor, int maximumUnsyncedKeys) {
    // Generous: on a loaded machine a 500 ms write can time out, and these tests are not about timeouts.
    // A dead server (or a refused command) fails calls at once anyway.
    RedisTierSpec spec = RedisTierSpec.newBuilder(server.host(), server.port(), name)
        .timeout(Duration.ofSeconds(5))
        .reconnectInterval(Duration.ofMillis(50))
        .ioThreads(1)
        .maximumUnsyncedKeys(maximumUnsyncedKeys)
        .listener(listener)
        .build();
    TieredCache<String, String> cache = TieredCache.newBuilder()
        .maximumSize(1_000)
        .keySerializer(Serializer.string())
        .valueSerializer(Serializer.string())
        .executor(executor)
        .recordStats()
        .remoteTier(spec)
        .build();
    caches.add(cache);
    return cache;
  }

  private TieredCache<String, String> cache(RedisServerExtension.Server server, String name) {
    return cache(server, name, new Events(), ForkJoinPool.commonPool(), 10_000);
  }

  /** Polls a condition for at most 10 s (the condition, not the time, is what is asserted). */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    await(what, condition, () -> "");
  }

  private static void await(String what, BooleanSupplier condition, Supplier<String> state)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, () -> "timed out waiting for: " + what + " " + state.get());
      Thread.sleep(10);
    }
  }

  private static RemoteTierStats remote(TieredCache<?, ?> cache) {
    return cache.stats().remoteTier();
  }

  @Test
  void putOnA_isReadOnB_andLaterPutsReplaceBsCopy(RedisServerExtension.Server server)
      throws InterruptedException {
    String name = uniqueName();
    TieredCache<String, String> a = cache(server, name);
    TieredCache<String, String> b = cache(server, name);
    assertTrue(remote(a).connected());

    a.put("k", "v1");
    // Let A's message arrive first: a message that lands during B's Redis read (rightly) stops B from
    // copying the value into L1, and this test counts that copy.
    await("B to receive A's put", () -> remote(b).receivedCount() == 1);
    assertEquals("v1", b.get("k"), "a miss in B's local tiers reads Redis");
    assertEquals(1, remote(b).hitCount());
    assertEquals("v1", b.get("k"));
    assertEquals(1, b.stats().heapHitCount(), "the Redis hit was copied into B's L1");
    assertEquals(1.0, b.stats().hitRate());

    a.put("k", "v2"); // B's L1 copy is now stale until A's message arrives
    await("B to drop its copy and read v2", () -> "v2".equals(b.get("k")));
    await("B to count A's messages", () -> remote(b).receivedCount() == 2);
    assertEquals(0, remote(a).receivedCount(), "A ignores its own messages");
    assertEquals(2, remote(a).publishedCount());
    assertEquals("v2", a.get("k"));
    assertEquals(0, a.stats().missCount());
  }

  /**
   * A Redis hit is copied into L1 only if no invalidation of the key began since the read's stamp. The
   * reader is stopped after its GET (in the value serializer) while the key is invalidated; when it
   * goes on, L1's maintenance on its thread expires whatever it just put into L1 (the executor moves
   * the ticker past L1's lifetime first), which spills it into L2. Copying first and taking the copy
   * back after a failed check left that spilled, invalidated value in L2.
   */
  @Test
  void redisHitRacingAnInvalidation_isNotCopiedIntoAnyLocalTier(RedisServerExtension.Server server)
      throws Exception {
    String name = uniqueName();
    TieredCache<String, String> a = cache(server, name);
    AtomicLong nanos = new AtomicLong(1L << 40);
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch resume = new CountDownLatch(1);
    AtomicReference<Thread> stopInDeserialize = new AtomicReference<>();
    AtomicReference<Thread> expireInMaintenance = new AtomicReference<>();
    Serializer<String> strings = Serializer.string();
    Serializer<String> stoppingValues = new Serializer<>() {
      @Override
      public byte[] serialize(String value) {
        return strings.serialize(value);
      }

      @Override
      public String deserialize(ByteBuffer bytes) {
        if (stopInDeserialize.compareAndSet(Thread.currentThread(), null)) {
          stopped.countDown();
          try {
            assertTrue(resume.await(10, TimeUnit.SECONDS), "hang guard: the test never resumed");
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return strings.deserialize(bytes);
      }
    };
    Executor maintenance = task -> {
      if (expireInMaintenance.compareAndSet(Thread.currentThread(), null)) {
        nanos.addAndGet(TimeUnit.MINUTES.toNanos(2)); // every L1 entry is now past its lifetime
      }
      task.run();
    };
    RedisTierSpec spec = RedisTierSpec.newBuilder(server.host(), server.port(), name)
        .timeout(Duration.ofSeconds(5)).ioThreads(1).build();
    TieredCache<String, String> b = TieredCache.newBuilder()
        .maximumSize(100).expireAfterWrite(Duration.ofMinutes(1))
        .offHeapMaximumSize(100).offHeapMaximumEntryBytes(64)
        .keySerializer(Serializer.string()).valueSerializer(stoppingValues)
        .ticker(nanos::get).executor(maintenance).recordStats().remoteTier(spec).build();
    caches.add(b);
    ExecutorService reader = Executors.newSingleThreadExecutor();
    try {
      a.put("k", "v1");
      await("B to receive A's put", () -> remote(b).receivedCount() == 1);
      Future<String> read = reader.submit(() -> {
        stopInDeserialize.set(Thread.currentThread());
        expireInMaintenance.set(Thread.currentThread());
        return b.get("k"); // local miss, Redis hit: stops after the GET
      });
      assertTrue(stopped.await(10, TimeUnit.SECONDS), "hang guard: the read never reached Redis");
      b.invalidate("k"); // deletes k from Redis; the reader's stamp is now stale
      resume.countDown();
      assertEquals("v1", read.get(10, TimeUnit.SECONDS), "the read itself came before the invalidation");
      assertNull(b.get("k"), "the invalidated value stayed in a local tier");
      assertEquals(0, b.stats().spillCount(), b.stats().toString());
    } finally {
      resume.countDown();
      reader.shutdownNow();
    }
  }

  @Test
  void invalidations_reachEveryInstancesLocalTiers(RedisServerExtension.Server server)
      throws InterruptedException {
    String name = uniqueName();
    TieredCache<String, String> a = cache(server, name);
    TieredCache<String, String> b = cache(server, name);
    TieredCache<String, String> c = cache(server, name);
    for (String k : List.of("x", "tagged", "base", "derived", "other")) {
      a.put(k, k + "-v");
    }
    for (String k : List.of("x", "tagged", "base", "derived", "other")) {
      assertEquals(k + "-v", b.get(k)); // now in B's L1
      assertEquals(k + "-v", c.get(k)); // and C's
    }

    a.invalidate("x");
    await("B and C to drop x", () -> b.get("x") == null && c.get("x") == null);

    a.tag("tagged", "t");
    assertEquals(1, a.invalidateTag("t"));
    await("B and C to drop the tagged key", () -> b.get("tagged") == null && c.get("tagged") == null);

    // A dependency only B knows: B drops "derived" when A invalidates "base", and deletes B's
    // derived value from Redis so that C does not keep or re-read it.
    b.dependsOn("derived", "base");
    a.invalidate("base");
    await("B to drop base and derived",
        () -> b.get("base") == null && b.get("derived") == null);
    await("C to drop derived too", () -> c.get("derived") == null);
    assertEquals("other-v", c.get("other"));

    a.invalidateAll();
    await("B and C to drop everything", () -> b.get("other") == null && c.get("other") == null);
    assertEquals(0, remote(b).readFailureCount());
  }

  /**
   * A writes a key over and over while two threads on B read it (copying Redis hits into B's L1, racing
   * A's invalidation messages). Once A stops, B must converge to A's last value: a stale copy that
   * survived an invalidation would stay in B's L1 for its 5-minute TTL and fail the wait.
   */
  @Test
  void concurrentReadsOnB_neverKeepAValueAOverwrote(RedisServerExtension.Server server)
      throws Exception {
    String name = uniqueName();
    TieredCache<String, String> a = cache(server, name);
    TieredCache<String, String> b = cache(server, name);
    int writes = 400;
    java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
    AtomicReference<Throwable> failure =
        new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread reader = new Thread(() -> {
        try {
          while (!done.get()) {
            for (int k = 0; k < 4; k++) {
              b.get("k" + k);
            }
          }
        } catch (Throwable e) {
          failure.set(e);
        }
      }, "reader-" + t);
      reader.start();
      readers.add(reader);
    }
    try {
      for (int i = 0; i < writes; i++) {
        a.put("k" + (i % 4), "v" + i);
        if (i % 50 == 49) {
          a.invalidate("k" + (i % 4)); // deletes too, not only overwrites
          a.put("k" + (i % 4), "v" + i);
        }
      }
    } finally {
      done.set(true);
      for (Thread reader : readers) {
        reader.join(10_000);
      }
    }
    assertNull(failure.get());
    for (int k = 0; k < 4; k++) {
      String expected = "v" + (writes - 4 + k);
      String key = "k" + k;
      await("B to converge on " + key + "=" + expected, () -> expected.equals(b.get(key)),
          () -> "B has " + b.get(key) + ", " + remote(b));
    }
    assertEquals(0, remote(b).readFailureCount());
  }

  @Test
  void loadedValues_areSharedThroughRedis(RedisServerExtension.Server server)
      throws InterruptedException {
    String name = uniqueName();
    TieredCache<String, String> a = cache(server, name);
    TieredCache<String, String> b = cache(server, name);
    AtomicInteger loads = new AtomicInteger();
    assertEquals("loaded-k", a.get("k", key -> {
      loads.incrementAndGet();
      return "loaded-" + key;
    }));
    assertEquals("loaded-k", b.get("k", key -> {
      throw new AssertionError("B must read A's loaded value from Redis");
    }));
    Map<String, String> bulk = a.getAll(List.of("m1", "m2"), keys -> Map.of("m1", "b1", "m2", "b2"));
    assertEquals(Map.of("m1", "b1", "m2", "b2"), bulk);
    assertEquals("b1", b.get("m1"));
    assertEquals("b2", b.get("m2"));
    assertEquals(1, loads.get());
    // A later put is not overwritten by a load's SET NX on another instance.
    a.put("k", "written");
    await("B to read A's put", () -> "written".equals(b.get("k", key -> "reloaded")));
  }

  @Test
  void writeThrough_storeFailureLeavesRedisUnchanged(RedisServerExtension.Server server) {
    String name = uniqueName();
    List<String> store = Collections.synchronizedList(new ArrayList<>());
    CacheWriter<String, String> writer = new CacheWriter<>() {
      @Override
      public void write(String key, String value) {
        if (value.startsWith("bad")) {
          throw new IllegalStateException("store down");
        }
        store.add(key + "=" + value);
      }

      @Override
      public void delete(String key) {
        store.add(key + " deleted");
      }
    };
    TieredCache<String, String> a = TieredCache.newBuilder()
        .maximumSize(100)
        .keySerializer(Serializer.string())
        .valueSerializer(Serializer.string())
        .remoteTier(RedisTierSpec.newBuilder(server.host(), server.port(), name).ioThreads(1).build())
        .writeThrough(writer)
        .build();
    caches.add(a);
    TieredCache<String, String> b = cache(server, name);
    a.put("k", "good");
    assertEquals("good", b.get("k"));
    assertThrows(IllegalStateException.class, () -> a.put("k2", "bad"));
    assertNull(b.get("k2"), "a write the store refused reaches no tier, Redis included");
    a.delete("k");
    assertEquals(List.of("k=good", "k deleted"), store);
  }

  @Test
  void writeBehind_putReachesRedisAtOnce_storeLater(RedisServerExtension.Server server)
      throws InterruptedException {
    String name = uniqueName();
    List<String> store = Collections.synchronizedList(new ArrayList<>());
    CacheWriter<String, String> writer = new CacheWriter<>() {
      @Override
      public void write(String key, String value) {
        store.add(key + "=" + value);
      }

      @Override
      public void delete(String key) {
        store.add(key + " deleted");
      }
    };
    TieredCache<String, String> a = TieredCache.newBuilder()
        .maximumSize(100)
        .keySerializer(Serializer.string())
        .valueSerializer(Serializer.string())
        .remoteTier(RedisTierSpec.newBuilder(server.host(), server.port(), name).ioThreads(1).build())
        .writeBehind(writer)
        .build();
    caches.add(a);
    TieredCache<String, String> b = cache(server, name);
    a.put("k", "v");
    assertEquals("v", b.get("k"), "in Redis when put returns, whatever the store's queue does");
    a.delete("k");
    await("B to drop k: the delete reached Redis and B", () -> b.get("k") == null);
    assertTrue(a.flushWrites(Duration.ofSeconds(10)));
    assertEquals(List.of("k=v", "k deleted"), store);
  }

  @Test
  void redisError_writeIsRepaired_andNotReadMeanwhile(RedisServerExtension.Server server)
      throws InterruptedException {
    String name = uniqueName();
    Events events = new Events();
    ManualExecutor executor = new ManualExecutor();
    TieredCache<String, String> a = cache(server, name, events, executor, 10_000);
    TieredCache<String, String> b = cache(server, name);
    a.put("k", "v1");
    assertEquals("v1", b.get("k"));

    // Redis refuses writes (OOM) but stays connected: A's SET of v2 fails and Redis keeps v1.
    assertTrue(server.command("CONFIG SET maxmemory 1").startsWith("+OK"));
    try {
      a.put("k", "v2");
      assertEquals(List.of("put:k"), events.writeFailures);
      assertEquals(1, remote(a).unsyncedKeyCount());
      assertEquals("v2", a.get("k"), "the put succeeded locally");
      assertFalse(executor.tasks.isEmpty(), "the repair is queued on the cache's executor");
    } finally {
      assertTrue(server.command("CONFIG SET maxmemory 0").startsWith("+OK"));
    }
    assertEquals("$2", server.command("GET pk:" + name + ":k"), "Redis still holds the stale v1");
    // The repair runs on the cache's executor: it deletes the stale copy and tells B.
    executor.runAll();
    assertEquals(0, remote(a).unsyncedKeyCount());
    assertEquals(1, remote(a).repairCount());
    assertEquals("$-1", server.command("GET pk:" + name + ":k"));
    await("B to drop the stale copy", () -> b.get("k") == null);
  }

  @Test
  void redisDownAtStart_degrades_thenRecoversAndRepairs(RedisServerExtension.Server server)
      throws InterruptedException {
    String name = uniqueName();
    Events events = new Events();
    server.kill();
    TieredCache<String, String> a;
    try {
      a = cache(server, name, events, ForkJoinPool.commonPool(), 2);
      assertFalse(remote(a).connected());
      assertEquals("loaded", a.get("k", key -> "loaded"), "reads fall through to the loader");
      a.put("p1", "v");
      a.put("p2", "v");
      assertEquals(2, remote(a).unsyncedKeyCount());
      a.put("p3", "v"); // a third key overflows the bound of 2: the namespace is marked
      assertTrue(remote(a).namespaceUnsynced());
      assertEquals("v", a.get("p3"), "local tiers keep serving");
      assertTrue(remote(a).readFailureCount() >= 1);
      assertEquals(List.of("fill:k", "put:p1", "put:p2", "put:p3"), events.writeFailures);
    } finally {
      server.start();
    }
    TieredCache<String, String> started = a;
    await("A to connect and repair", () -> {
      started.get("probe"); // use retries the connection
      RemoteTierStats s = remote(started);
      return s.connected() && !s.namespaceUnsynced();
    }, () -> remote(started).toString());
    assertEquals("up", events.connection.poll(10, TimeUnit.SECONDS));
    TieredCache<String, String> b = cache(server, name);
    a.put("k", "after");
    assertEquals("after", b.get("k"));
  }

  @Test
  void redisKilledMidRun_degrades_reportsUnsyncedAtClose_andRecovers(
      RedisServerExtension.Server server) throws InterruptedException {
    String name = uniqueName();
    Events ea = new Events();
    Events eb = new Events();
    Events ec = new Events();
    TieredCache<String, String> a = cache(server, name, ea, ForkJoinPool.commonPool(), 10_000);
    TieredCache<String, String> b = cache(server, name, eb, ForkJoinPool.commonPool(), 10_000);
    TieredCache<String, String> c = cache(server, name, ec, ForkJoinPool.commonPool(), 10_000);
    a.put("k", "v1");
    assertEquals("v1", b.get("k"));

    server.kill();
    try {
      assertEquals("down", ea.connection.poll(10, TimeUnit.SECONDS));
      assertEquals("down", eb.connection.poll(10, TimeUnit.SECONDS));
      assertEquals("down", ec.connection.poll(10, TimeUnit.SECONDS));
      // The loss cleared the local tiers (invalidations can no longer arrive): reads load.
      assertEquals("from-loader", b.get("k", key -> "from-loader"));
      a.put("k", "v2");
      assertEquals("v2", a.get("k"));
      assertTrue(remote(a).writeFailureCount() >= 1);
      c.put("c-key", "v");
      c.close(); // cannot reach Redis: reports the key whose Redis copy it could not repair
      assertEquals(List.of("[c-key]"), ec.unsyncedAtClose);
    } finally {
      server.start();
    }
    assertEquals("up", ea.connection.poll(10, TimeUnit.SECONDS));
    assertEquals("up", eb.connection.poll(10, TimeUnit.SECONDS));
    await("A to repair k", () -> {
      a.get("probe");
      return remote(a).unsyncedKeyCount() == 0;
    });
    assertTrue(remote(b).resyncCount() >= 2, "cleared at the loss and at the reconnect");
    a.put("k", "v3");
    await("B to see v3", () -> "v3".equals(b.get("k")));
  }

  /**
   * A persistent L3 reopened after a restart has missed the invalidations published meanwhile: with a
   * remote tier it must not serve them.
   */
  @Test
  void persistentTier_isNotTrustedAfterRestart(RedisServerExtension.Server server,
      @org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    String name = uniqueName();
    java.nio.file.Path file = dir.resolve("l3.dat");
    java.util.function.Supplier<TieredCache<String, String>> open = () -> TieredCache.newBuilder()
        .maximumSize(100)
        .keySerializer(Serializer.string())
        .valueSerializer(Serializer.string())
        .persistentTier(file, 1_000)
        .remoteTier(RedisTierSpec.newBuilder(server.host(), server.port(), name).ioThreads(1).build())
        .build();
    TieredCache<String, String> a = open.get();
    a.put("k", "v1");
    a.put("kept", "same");
    a.close(); // copies L1 into L3
    TieredCache<String, String> b = cache(server, name);
    b.put("k", "v2"); // published while A is away: A never receives it
    TieredCache<String, String> reopened = open.get();
    caches.add(reopened);
    assertEquals("v2", reopened.get("k"), "never L3's v1");
    assertEquals("same", reopened.get("kept"), "read back from Redis");
    assertEquals(0, reopened.stats().persistentHitCount());
  }

  @Test
  void badInput(RedisServerExtension.Server server) {
    assertEquals("host must not be null", assertThrows(NullPointerException.class,
        () -> RedisTierSpec.newBuilder(null, 6379, "c")).getMessage());
    assertThrows(IllegalArgumentException.class, () -> RedisTierSpec.newBuilder("h", 0, "c"));
    assertThrows(IllegalArgumentException.class, () -> RedisTierSpec.newBuilder("h", 65_536, "c"));
    assertThrows(IllegalArgumentException.class, () -> RedisTierSpec.newBuilder("h", -1, "c"));
    assertEquals("cacheName: \"\" (expected: non-empty)", assertThrows(IllegalArgumentException.class,
        () -> RedisTierSpec.newBuilder("h", 1, "")).getMessage());
    assertThrows(NullPointerException.class, () -> RedisTierSpec.newBuilder("h", 1, null));
    assertThrows(NullPointerException.class, () -> RedisTierSpec.newBuilder(null, "c"));
    assertThrows(IllegalArgumentException.class, () -> RedisTierSpec.newBuilder("not a uri", "c"));
    RedisTierSpec.Builder spec = RedisTierSpec.newBuilder("redis://127.0.0.1:" + server.port(), "c");
    assertEquals("expireAfterWrite: PT-1S (expected: > 0)", assertThrows(
        IllegalArgumentException.class, () -> spec.expireAfterWrite(Duration.ofSeconds(-1)))
        .getMessage());
    assertThrows(IllegalArgumentException.class, () -> spec.expireAfterWrite(Duration.ZERO));
    assertThrows(NullPointerException.class, () -> spec.expireAfterWrite(null));
    assertThrows(IllegalArgumentException.class, () -> spec.timeout(Duration.ZERO));
    assertThrows(NullPointerException.class, () -> spec.timeout(null));
    assertThrows(IllegalArgumentException.class, () -> spec.reconnectInterval(Duration.ofMillis(-1)));
    assertEquals("ioThreads: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> spec.ioThreads(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> spec.maximumUnsyncedKeys(-1));
    assertThrows(NullPointerException.class, () -> spec.listener(null));
    spec.timeout(Duration.ofSeconds(1));
    assertThrows(IllegalStateException.class, () -> spec.timeout(Duration.ofSeconds(2)));

    RedisTierSpec built = spec.ioThreads(1).build();
    assertThrows(NullPointerException.class, () -> TieredCache.newBuilder().remoteTier(null));
    assertEquals("a remote tier needs keySerializer and valueSerializer",
        assertThrows(IllegalStateException.class,
            () -> TieredCache.newBuilder().maximumSize(10).remoteTier(built).build()).getMessage());
    assertThrows(IllegalStateException.class,
        () -> TieredCache.newBuilder().remoteTier(built).remoteTier(built));

    // Built from the URI form: works, and is closed with the cache.
    TieredCache<String, String> cache = TieredCache.newBuilder()
        .maximumSize(10)
        .keySerializer(Serializer.string())
        .valueSerializer(Serializer.string())
        .remoteTier(built)
        .build();
    cache.put("k", "v");
    assertTrue(remote(cache).connected());
    assertEquals(1, remote(cache).writeCount());
    assertThrows(NullPointerException.class, () -> cache.put(null, "v"));
    assertThrows(NullPointerException.class, () -> cache.put("k", null));
    cache.close();
    cache.close();
    assertFalse(remote(cache).connected(), "close() closed the Redis connections");
    assertThrows(IllegalStateException.class, () -> cache.get("k"));
    assertEquals("$1", server.command("GET pk:c:k"), "what was written stays in Redis");
  }

  @Test
  void withoutRemoteTier_statsAreEmpty() {
    TieredCache<String, String> cache = TieredCache.newBuilder().maximumSize(10).<String, String>build();
    caches.add(cache);
    assertEquals(RemoteTierStats.NONE, cache.stats().remoteTier());
  }
}
