package io.perfkit.cache.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.cache.internal.RedisTier;
import io.perfkit.cache.internal.RedisTierListener;
import io.perfkit.cache.internal.RedisTierStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Redis tier against a real redis-server (see {@link RedisServerExtension}). */
@ExtendWith(RedisServerExtension.class)
final class RedisTierTest {

  private static final AtomicInteger NAMES = new AtomicInteger();
  private final List<RedisTier> tiers = new ArrayList<>();

  @AfterEach
  void closeTiers() {
    tiers.forEach(RedisTier::close);
  }

  private RedisTier tier(RedisServerExtension.Server server, String name, RedisTierListener listener) {
    // A generous timeout: on a loaded machine a 500 ms write can time out, and these tests are not about
    // timeouts (hungServer_readsTimeOutAsMisses sets its own). A dead server fails calls at once anyway.
    RedisTier t = RedisTier.newBuilder(server.host(), server.port(), name)
        .timeout(Duration.ofSeconds(5))
        .reconnectInterval(Duration.ofMillis(100))
        .ioThreads(1)
        .listener(listener)
        .build();
    tiers.add(t);
    return t;
  }

  private static String uniqueName() {
    return "t" + NAMES.incrementAndGet();
  }

  private static byte[] b(String s) {
    return s.getBytes(UTF_8);
  }

  /** Polls a condition for at most 10 s (the condition, not the time, is what is asserted). */
  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting for: " + what);
      Thread.sleep(10);
    }
  }

  @Test
  void putGet_roundTripsAndCounts(RedisServerExtension.Server server) {
    RedisTier t = tier(server, uniqueName(), RedisTierListener.NONE);
    assertTrue(t.isConnected());
    assertNull(t.get(b("k")));
    assertTrue(t.put(b("k"), b("v1")));
    assertArrayEquals(b("v1"), t.get(b("k")));
    assertTrue(t.put(b("k"), new byte[0]));
    assertArrayEquals(new byte[0], t.get(b("k")));
    assertTrue(t.invalidate(b("k")));
    assertNull(t.get(b("k")));
    RedisTierStats s = t.stats();
    assertEquals(2, s.hits());
    assertEquals(2, s.misses());
    assertEquals(0, s.readFailures());
    assertEquals(3, s.writes());
    assertEquals(3, s.published());
    assertEquals(0, s.writeFailures());
  }

  @Test
  void ttl_expiresEntry(RedisServerExtension.Server server) throws InterruptedException {
    RedisTier t = tier(server, uniqueName(), RedisTierListener.NONE);
    assertTrue(t.put(b("short"), b("v"), Duration.ofMillis(50)));
    assertTrue(t.put(b("long"), b("v"), Duration.ofMinutes(5)));
    await("the 50 ms entry to expire", () -> t.get(b("short")) == null);
    assertArrayEquals(b("v"), t.get(b("long")));
    String name = t.cacheName();
    long pttl = Long.parseLong(server.command("PTTL pk:" + name + ":long").substring(1));
    assertTrue(pttl > 60_000 && pttl <= 300_000, "PTTL " + pttl);
  }

  @Test
  void defaultTtl_appliesToPutWithoutTtl(RedisServerExtension.Server server) throws InterruptedException {
    RedisTier t = RedisTier.newBuilder(server.host(), server.port(), uniqueName())
        .defaultTtl(Duration.ofMillis(50)).ioThreads(1).build();
    tiers.add(t);
    assertTrue(t.put(b("k"), b("v")));
    await("default-TTL entry to expire", () -> t.get(b("k")) == null);
  }

  @Test
  void namespaces_areIsolated_andInvalidateAllIsScoped(RedisServerExtension.Server server) {
    // '*' in the name must not turn the SCAN pattern into a wildcard over other caches.
    RedisTier a = tier(server, "ns*", RedisTierListener.NONE);
    RedisTier b = tier(server, "ns-other", RedisTierListener.NONE);
    assertTrue(server.command("SET foreign-key x").startsWith("+OK"));
    for (int i = 0; i < 1500; i++) { // more than one SCAN batch
      assertTrue(a.put(b("k" + i), b("a" + i)));
    }
    assertTrue(b.put(b("k1"), b("b1")));
    assertArrayEquals(b("a1"), a.get(b("k1")));
    assertArrayEquals(b("b1"), b.get(b("k1")));

    assertTrue(a.invalidateAll());
    for (int i = 0; i < 1500; i++) {
      assertNull(a.get(b("k" + i)), "k" + i);
    }
    assertArrayEquals(b("b1"), b.get(b("k1")));
    assertEquals("$1", server.command("GET foreign-key"));
    assertEquals(":0", server.command("EXISTS pk:ns*:k0 pk:ns*:k700 pk:ns*:k1499"));
    assertEquals(":1", server.command("EXISTS pk:ns-other:k1"));
  }

  /** Records every callback in order. */
  private static final class Recorder implements RedisTierListener {
    final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    final List<String> failures = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onRemoteInvalidate(byte[] key) {
      events.add("inv:" + new String(key, UTF_8));
    }

    @Override
    public void onRemoteInvalidateAll() {
      events.add("all");
    }

    @Override
    public void onResync() {
      events.add("resync");
    }

    @Override
    public void onWriteFailure(String operation, byte[] key, Throwable cause) {
      failures.add(operation + ":" + (key == null ? "*" : new String(key, UTF_8)));
    }
  }

  @Test
  void twoInstances_seeEachOthersInvalidationsExactly(RedisServerExtension.Server server) throws Exception {
    String name = uniqueName();
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    RedisTier a = tier(server, name, ra);
    RedisTier b = tier(server, name, rb);
    RedisTier other = tier(server, name + "-x", RedisTierListener.NONE); // another cache: not delivered

    int n = 200;
    for (int i = 0; i < n; i++) {
      assertTrue(a.put(b("a" + i), b("v")));
      assertTrue(b.invalidate(b("b" + i)));
      assertTrue(other.put(b("a" + i), b("v")));
    }
    assertTrue(a.invalidateAll());
    assertTrue(b.put(b("last"), b("v")));

    // b receives a's n puts then the invalidateAll (one publisher: in order); a receives b's n + 1 events.
    List<String> atB = drain(rb.events, n + 1);
    List<String> atA = drain(ra.events, n + 1);
    for (int i = 0; i < n; i++) {
      assertEquals("inv:a" + i, atB.get(i));
      assertEquals("inv:b" + i, atA.get(i));
    }
    assertEquals("all", atB.get(n));
    assertEquals("inv:last", atA.get(n));
    // Nothing more arrives: own messages are ignored. A marker published after everything proves it.
    assertTrue(a.invalidate(b("marker")));
    assertEquals("inv:marker", rb.events.poll(10, TimeUnit.SECONDS));
    assertTrue(b.invalidate(b("marker")));
    assertEquals("inv:marker", ra.events.poll(10, TimeUnit.SECONDS));
    assertTrue(ra.events.isEmpty(), ra.events.toString());
    assertTrue(rb.events.isEmpty(), rb.events.toString());
    // a message is counted once its listener call returned, just after the marker reached us
    await("a to count " + (n + 2), () -> a.stats().received() == n + 2);
    await("b to count " + (n + 2), () -> b.stats().received() == n + 2);
    assertEquals(n + 2, a.stats().received());
    assertEquals(n + 2, b.stats().received());
    assertEquals(n + 2, a.stats().published());
    assertEquals(n + 2, b.stats().published());
    assertEquals(0, other.stats().received());
  }

  @Test
  void receivedCount_countsAMessageOnlyOnceItsListenerRan(RedisServerExtension.Server server)
      throws Exception {
    String name = uniqueName();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    RedisTier a = tier(server, name, RedisTierListener.NONE);
    RedisTier b = tier(server, name, new RedisTierListener() {
      @Override
      public void onRemoteInvalidate(byte[] key) {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    });
    try {
      assertTrue(a.invalidate(b("k")));
      assertTrue(entered.await(10, TimeUnit.SECONDS), "b's listener was not called");
      // the listener is still applying the message: a reader of the count must not see it yet
      // (TieredCache relies on this: receivedCount is "applied to the local tiers")
      assertEquals(0, b.stats().received());
    } finally {
      release.countDown(); // never leave b's delivery thread blocked (closing b waits for it)
    }
    await("b to count the applied message", () -> b.stats().received() == 1);
  }

  private static List<String> drain(BlockingQueue<String> q, int count) throws InterruptedException {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String e = q.poll(10, TimeUnit.SECONDS);
      assertTrue(e != null, "only " + out.size() + " of " + count + " events arrived: " + out);
      out.add(e);
    }
    return out;
  }

  @Test
  void fill_neverOverwrites_andPublishesNothing(RedisServerExtension.Server server) throws Exception {
    String name = uniqueName();
    RedisTier a = RedisTier.newBuilder("redis://127.0.0.1:" + server.port() + "/0", name)
        .ioThreads(1).defaultTtl(Duration.ofMinutes(5)).build();
    tiers.add(a);
    Recorder rb = new Recorder();
    RedisTier b = tier(server, name, rb);
    assertTrue(a.isConnected(), "built from a URI");
    assertTrue(a.fill(b("k"), b("loaded")));
    assertArrayEquals(b("loaded"), b.get(b("k")));
    long pttl = Long.parseLong(server.command("PTTL pk:" + name + ":k").substring(1));
    assertTrue(pttl > 60_000 && pttl <= 300_000, "a fill carries the default TTL: " + pttl);
    assertTrue(a.put(b("k"), b("written")));
    assertEquals("inv:k", rb.events.poll(10, TimeUnit.SECONDS));
    assertTrue(a.fill(b("k"), b("stale load")), "answered, though not stored");
    assertArrayEquals(b("written"), b.get(b("k")), "a fill never overwrites a written value");
    assertTrue(a.invalidate(b("marker")));
    assertEquals("inv:marker", rb.events.poll(10, TimeUnit.SECONDS), "fills published nothing");
    assertTrue(rb.events.isEmpty(), rb.events.toString());
    assertThrows(IllegalArgumentException.class, () -> RedisTier.newBuilder("not a uri", name));
    assertThrows(NullPointerException.class, () -> RedisTier.newBuilder(null, name));
    assertThrows(NullPointerException.class, () -> a.fill(null, b("v")));
    assertThrows(NullPointerException.class, () -> a.fill(b("k"), null));
  }

  @Test
  void serverKilled_readsDegrade_thenRecover(RedisServerExtension.Server server) throws Exception {
    String name = uniqueName();
    Recorder ra = new Recorder();
    Recorder rb = new Recorder();
    RedisTier a = tier(server, name, ra);
    RedisTier b = tier(server, name, rb);
    assertTrue(a.put(b("k"), b("v")));
    assertEquals("inv:k", rb.events.poll(10, TimeUnit.SECONDS));

    server.kill();
    await("both tiers to notice the lost connection", () -> !a.isConnected() && !b.isConnected());
    assertEquals("resync", ra.events.poll(10, TimeUnit.SECONDS));
    assertEquals("resync", rb.events.poll(10, TimeUnit.SECONDS));

    long failuresBefore = a.stats().readFailures();
    for (int i = 0; i < 10; i++) {
      assertNull(a.get(b("k")), "a read while Redis is down is a miss");
    }
    assertEquals(failuresBefore + 10, a.stats().readFailures());
    assertFalse(a.put(b("k2"), b("v")));
    assertFalse(a.invalidate(b("k2")));
    assertFalse(a.invalidateAll());
    assertEquals(3, a.stats().writeFailures());
    assertEquals(List.of("put:k2", "invalidate:k2", "invalidateAll:*"), ra.failures);

    server.start(); // same port, empty (no persistence)
    await("tier a to reconnect", a::isConnected);
    await("tier b to reconnect", b::isConnected);
    // After the SUBSCRIBE is confirmed again, each listener is told to resync once more.
    assertEquals("resync", ra.events.poll(10, TimeUnit.SECONDS));
    assertEquals("resync", rb.events.poll(10, TimeUnit.SECONDS));
    assertEquals(2, a.stats().resyncs());

    await("writes to succeed again", () -> a.put(b("k"), b("v2")));
    assertArrayEquals(b("v2"), b.get(b("k")));
    assertEquals("inv:k", rb.events.poll(10, TimeUnit.SECONDS));
  }

  @Test
  void hungServer_readsTimeOutAsMisses(RedisServerExtension.Server server) throws Exception {
    RedisTier t = RedisTier.newBuilder(server.host(), server.port(), uniqueName())
        .timeout(Duration.ofMillis(200)).ioThreads(1).build();
    tiers.add(t);
    assertTrue(t.put(b("k"), b("v")));
    server.freeze(true);
    try {
      assertNull(t.get(b("k")), "a read the server does not answer within the timeout is a miss");
      assertFalse(t.put(b("k"), b("v2")), "an unanswered write is reported, not thrown");
      assertEquals(1, t.stats().readFailures());
      assertEquals(1, t.stats().writeFailures());
    } finally {
      server.freeze(false);
    }
    await("the thawed server to answer", () -> t.get(b("k")) != null);
    assertEquals(1, t.stats().hits());
  }

  @Test
  void unavailableAtStart_degrades_thenConnects(RedisServerExtension.Server server) throws Exception {
    server.kill();
    Recorder r = new Recorder();
    RedisTier t;
    try {
      t = tier(server, uniqueName(), r);
      assertFalse(t.isConnected());
      assertNull(t.get(b("k")));
      assertEquals(1, t.stats().readFailures());
      assertFalse(t.put(b("k"), b("v")));
      assertEquals(1, t.stats().writeFailures());
    } finally {
      server.start();
    }
    await("a degraded tier to connect once Redis is up", () -> {
      t.get(b("probe")); // use triggers the (non-blocking) retry
      return t.isConnected();
    });
    assertEquals("resync", r.events.poll(10, TimeUnit.SECONDS));
    assertTrue(t.put(b("k"), b("v")));
    assertArrayEquals(b("v"), t.get(b("k")));
  }

  /** Random get/put/invalidate/invalidateAll through two instances agree with a map model, op by op. */
  @Test
  void randomOps_agreeWithMapModel(RedisServerExtension.Server server) {
    String name = uniqueName();
    RedisTier[] both = {tier(server, name, RedisTierListener.NONE), tier(server, name, RedisTierListener.NONE)};
    java.util.Map<String, String> model = new java.util.HashMap<>();
    java.util.Random random = new java.util.Random(42);
    for (int i = 0; i < 3000; i++) {
      RedisTier t = both[random.nextInt(2)];
      String key = "k" + random.nextInt(32);
      int op = random.nextInt(100);
      if (op < 50) {
        byte[] v = t.get(b(key));
        assertEquals(model.get(key), v == null ? null : new String(v, UTF_8), "op " + i + " get " + key);
      } else if (op < 85) {
        String v = "v" + i;
        assertTrue(t.put(b(key), b(v)));
        model.put(key, v);
      } else if (op < 99) {
        assertTrue(t.invalidate(b(key)));
        model.remove(key);
      } else {
        assertTrue(t.invalidateAll());
        model.clear();
      }
    }
    assertEquals(0, both[0].stats().readFailures() + both[1].stats().readFailures());
  }

  @Test
  void badInput(RedisServerExtension.Server server) {
    RedisTier t = tier(server, uniqueName(), RedisTierListener.NONE);
    assertEquals("key must not be null", assertThrows(NullPointerException.class, () -> t.get(null)).getMessage());
    assertThrows(NullPointerException.class, () -> t.put(null, b("v")));
    assertEquals("value must not be null", assertThrows(NullPointerException.class, () -> t.put(b("k"), null)).getMessage());
    assertThrows(NullPointerException.class, () -> t.put(b("k"), b("v"), null));
    assertEquals("ttl: PT-1S (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> t.put(b("k"), b("v"), Duration.ofSeconds(-1)))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> t.put(b("k"), b("v"), Duration.ZERO));
    assertThrows(NullPointerException.class, () -> t.invalidate(null));
    assertThrows(IllegalArgumentException.class, () -> RedisTier.newBuilder("h", 0, "c"));
    assertThrows(IllegalArgumentException.class, () -> RedisTier.newBuilder("h", 1, ""));
    assertThrows(NullPointerException.class, () -> RedisTier.newBuilder(null, 1, "c"));
    assertThrows(IllegalArgumentException.class,
        () -> RedisTier.newBuilder("h", 1, "c").timeout(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> RedisTier.newBuilder("h", 1, "c").ioThreads(0));
    assertNull(t.get(b("k")), "nothing was written by the rejected calls");

    t.close();
    t.close(); // idempotent
    assertThrows(IllegalStateException.class, () -> t.get(b("k")));
    assertThrows(IllegalStateException.class, () -> t.put(b("k"), b("v")));
    assertThrows(IllegalStateException.class, () -> t.invalidate(b("k")));
    assertThrows(IllegalStateException.class, t::invalidateAll);
  }
}
