package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class ObjectPoolTest {

  private static ObjectPool<Item> recycler() {
    return ObjectPool.newBuilder(Item::new).reset(i -> i.resets.incrementAndGet()).build();
  }

  private static void assertInvariant(PoolStats s) {
    assertEquals(s.created(), s.outstanding() + s.retained() + s.discarded(), s.toString());
  }

  @Test
  void acquire_sameThreadReusesReleasedObject() {
    ObjectPool<Item> pool = recycler();
    Item a = pool.acquire();
    pool.release(a);
    Item b = pool.acquire();
    assertSame(a, b);
    assertEquals(1, b.resets.get());
    PoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(1, s.reused());
    assertEquals(1, s.outstanding());
    assertEquals(0.5, s.hitRatio());
    assertInvariant(s);
  }

  @Test
  void acquire_emptyPoolCreatesDistinctObjects() {
    ObjectPool<Item> pool = recycler();
    Item a = pool.acquire();
    Item b = pool.acquire();
    assertNotSame(a, b);
    assertEquals(2, pool.stats().outstanding());
  }

  @Test
  void release_overflowsThreadCacheIntoSharedStoreThenDiscards() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .threadCacheSize(2)
            .maxRetained(2)
            .disposer(disposed::add)
            .build();
    int capacity = 2 + 1 + pool.storeCapacity(); // the cache, its hot slot, the store
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < capacity + 3; i++) {
      items.add(pool.acquire());
    }
    items.forEach(pool::release);
    PoolStats s = pool.stats();
    assertEquals(capacity, s.retained());
    assertEquals(3, s.discarded());
    assertEquals(3, disposed.size());
    assertInvariant(s);
  }

  @Test
  void release_validatorRejectionDiscards() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .validator(i -> i.id % 2 == 0)
            .disposer(disposed::add)
            .build();
    Item a = pool.acquire();
    Item b = pool.acquire();
    pool.release(a);
    pool.release(b);
    PoolStats s = pool.stats();
    assertEquals(1, s.discarded());
    assertEquals(1, s.retained());
    assertEquals(1, disposed.size());
    assertEquals(1, disposed.get(0).id % 2);
    assertInvariant(s);
  }

  @Test
  void release_resetThrowing_reachesCallerAndDiscards() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .reset(i -> {
              throw new IllegalStateException("boom");
            })
            .disposer(disposed::add)
            .build();
    Item a = pool.acquire();
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(a));
    assertEquals("boom", e.getMessage());
    assertEquals(List.of(a), disposed);
    PoolStats s = pool.stats();
    assertEquals(0, s.outstanding());
    assertEquals(1, s.discarded());
  }

  @Test
  void release_null() {
    ObjectPool<Item> pool = recycler();
    NullPointerException e = assertThrows(NullPointerException.class, () -> pool.release(null));
    assertEquals("obj must not be null", e.getMessage());
  }

  @Test
  void release_twiceInARow_detected() {
    ObjectPool<Item> pool = recycler();
    Item a = pool.acquire();
    pool.release(a);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(a));
    assertTrue(e.getMessage().startsWith("object released twice"), e.getMessage());
    assertEquals(1, a.resets.get(), "the rejected release must not reset the object");
    assertEquals(1, pool.stats().retained());
  }

  @Test
  void release_hotObjectTwice_detectedAfterOtherReleases() {
    ObjectPool<Item> pool = recycler();
    Item a = pool.acquire();
    Item b = pool.acquire();
    Item c = pool.acquire();
    pool.release(a); // the thread's hot slot is free: a becomes the hot object
    pool.release(b); // the hot slot is busy: b and c go to the thread's cache
    pool.release(c);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(a));
    assertTrue(e.getMessage().startsWith("object released twice"), e.getMessage());
    assertEquals(1, a.resets.get(), "the rejected release must not reset the object");
    assertSame(a, pool.acquire(), "the hot object is handed out first");
    assertSame(c, pool.acquire(), "then the cache's top");
    assertEquals(3, pool.stats().outstanding() + pool.stats().retained());
  }

  @Test
  void release_twice_detectedWithoutHooks() {
    // No reset hook, validator or leak detection: release takes the pool's plainest fast path.
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).build();
    Item a = pool.acquire();
    pool.release(a); // a becomes the idle hot object
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(a));
    assertTrue(e.getMessage().startsWith("object released twice"), e.getMessage());
    assertSame(a, pool.acquire(), "the hot object, lent out again");
    Item b = pool.acquire();
    pool.release(a); // the lent-out hot object returns to the hot slot
    assertThrows(IllegalStateException.class, () -> pool.release(a));
    pool.release(b); // the hot slot is busy: b goes on top of the thread's cache
    e = assertThrows(IllegalStateException.class, () -> pool.release(b));
    assertTrue(e.getMessage().startsWith("object released twice"), e.getMessage());
    PoolStats s = pool.stats();
    assertEquals(2, s.created());
    assertEquals(2, s.retained());
    assertEquals(0, s.outstanding());
    assertSame(a, pool.acquire());
    assertSame(b, pool.acquire());
    assertThrows(NullPointerException.class, () -> pool.release(null));
  }

  @Test
  void release_lentOutHotObjectAfterClose_isDiscardedWithoutHooks() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).disposer(disposed::add).build();
    Item a = pool.acquire();
    pool.release(a);
    assertSame(a, pool.acquire(), "the hot object is lent out");
    pool.close();
    pool.release(a); // the hot slot's own object, released after close: discarded, not kept
    assertEquals(List.of(a), disposed);
    PoolStats s = pool.stats();
    assertEquals(1, s.discarded());
    assertEquals(0, s.retained());
    assertEquals(0, s.outstanding());
    assertThrows(IllegalStateException.class, pool::acquire);
  }

  /**
   * The fast path reads the closed state plain: a close() that happens-before another thread's
   * calls (here through a latch) must still be seen by them, also once that thread's
   * acquire/release loop is warm (compiled, with the release's lookup reused from the acquire).
   */
  @Test
  void close_happensBeforeOtherThreadsWarmFastPath_isSeen() throws Exception {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).disposer(disposed::add).build();
    CountDownLatch warm = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<Throwable> acquireAfterClose = new AtomicReference<>();
    AtomicReference<Item> worked = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              Item first = pool.acquire();
              pool.release(first);
              for (int i = 0; i < 200_000; i++) { // the steady hot-slot pair, long enough for C2
                Item it = pool.acquire();
                if (it != first) {
                  throw new AssertionError("hot slot not reused: " + it);
                }
                pool.release(it);
              }
              Item held = pool.acquire();
              worked.set(held);
              warm.countDown();
              try {
                closed.await();
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
              pool.release(held); // after close: discarded, not kept in the hot slot
              try {
                pool.acquire();
              } catch (RuntimeException e) {
                acquireAfterClose.set(e);
              }
            },
            "pool-close-hb");
    worker.start();
    assertTrue(warm.await(30, TimeUnit.SECONDS));
    pool.close();
    closed.countDown();
    worker.join(30_000);
    assertFalse(worker.isAlive());
    assertTrue(
        acquireAfterClose.get() instanceof IllegalStateException,
        String.valueOf(acquireAfterClose.get()));
    assertEquals("pool is closed", acquireAfterClose.get().getMessage());
    assertEquals(List.of(worked.get()), disposed);
    PoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(1, s.discarded());
    assertEquals(0, s.retained());
    assertEquals(0, s.outstanding());
  }

  @Test
  void lease_closeReleasesAndDoubleCloseThrows() {
    ObjectPool<Item> pool = recycler();
    Lease<Item> lease = pool.lease();
    Item item = lease.get();
    lease.close();
    assertEquals(1, item.resets.get());
    assertThrows(IllegalStateException.class, lease::get);
    IllegalStateException e = assertThrows(IllegalStateException.class, lease::close);
    assertEquals("lease already closed", e.getMessage());
    assertEquals(1, item.resets.get());
    try (Lease<Item> again = pool.lease()) {
      assertSame(item, again.get());
    }
  }

  @Test
  void lease_doubleCloseDetectedEvenAfterObjectMovedOn() {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).threadCacheSize(0).build();
    Lease<Item> first = pool.lease();
    first.close();
    Lease<Item> second = pool.lease(); // the same object, now held by another lease
    assertThrows(IllegalStateException.class, first::close);
    assertEquals(1, pool.stats().outstanding());
    second.close();
  }

  @Test
  void factory_returningNull() {
    ObjectPool<Item> pool = ObjectPool.<Item>newBuilder(() -> null).build();
    NullPointerException e = assertThrows(NullPointerException.class, pool::acquire);
    assertEquals("factory returned null", e.getMessage());
    assertEquals(0, pool.stats().created());
  }

  @Test
  void factory_throwing_reachesCallerAndLeaksNoSlot() {
    AtomicInteger calls = new AtomicInteger();
    ObjectPool<Item> pool =
        ObjectPool.<Item>newBuilder(
                () -> {
                  if (calls.incrementAndGet() % 2 == 1) {
                    throw new IllegalArgumentException("factory failure " + calls.get());
                  }
                  return new Item();
                })
            .maxTotal(2)
            .build();
    assertThrows(IllegalArgumentException.class, pool::acquire);
    Item a = pool.acquire();
    assertThrows(IllegalArgumentException.class, pool::acquire);
    Item b = pool.acquire(); // both reservations of the failed calls were returned
    assertNotSame(a, b);
    assertThrows(PoolExhaustedException.class, pool::acquire);
    PoolStats s = pool.stats();
    assertEquals(2, s.created());
    assertEquals(2, s.outstanding());
  }

  @Test
  void bounded_exhaustedCarriesCounts() {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).maxTotal(2).build();
    pool.acquire();
    pool.acquire();
    PoolExhaustedException e = assertThrows(PoolExhaustedException.class, pool::acquire);
    assertEquals(2, e.maxTotal());
    assertEquals(2, e.outstanding());
    assertTrue(e.getMessage().contains("maxTotal: 2"), e.getMessage());
  }

  @Test
  void bounded_waiterGetsReleasedObject() throws Exception {
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new).maxTotal(1).maxWait(Duration.ofSeconds(30)).build();
    Item held = pool.acquire();
    AtomicReference<Item> got = new AtomicReference<>();
    Thread waiter = new Thread(() -> got.set(pool.acquire()));
    waiter.start();
    awaitWaiting(waiter);
    pool.release(held);
    waiter.join(10_000);
    assertSame(held, got.get());
    assertEquals(1, pool.stats().created());
  }

  @Test
  void bounded_discardFreesPlaceForWaiter() throws Exception {
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .maxTotal(1)
            .maxWait(Duration.ofSeconds(30))
            .validator(i -> false)
            .build();
    Item held = pool.acquire();
    AtomicReference<Item> got = new AtomicReference<>();
    Thread waiter = new Thread(() -> got.set(pool.acquire()));
    waiter.start();
    awaitWaiting(waiter);
    pool.release(held); // rejected: discarded, so the waiter may create a new one
    waiter.join(10_000);
    assertNotSame(held, got.get());
    assertEquals(2, pool.stats().created());
  }

  @Test
  void bounded_interruptedWaiter() throws Exception {
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new).maxTotal(1).maxWait(Duration.ofSeconds(30)).build();
    pool.acquire();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> interrupted = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                pool.acquire();
              } catch (RuntimeException e) {
                failure.set(e);
                interrupted.set(Thread.currentThread().isInterrupted());
              }
            });
    waiter.start();
    awaitWaiting(waiter);
    waiter.interrupt();
    waiter.join(10_000);
    assertTrue(failure.get() instanceof PoolExhaustedException, String.valueOf(failure.get()));
    assertTrue(failure.get().getMessage().contains("interrupted"));
    assertEquals(Boolean.TRUE, interrupted.get());
  }

  @Test
  void bounded_closeWakesWaiter() throws Exception {
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new).maxTotal(1).maxWait(Duration.ofSeconds(30)).build();
    pool.acquire();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread waiter =
        new Thread(
            () -> {
              try {
                pool.acquire();
              } catch (RuntimeException e) {
                failure.set(e);
              }
            });
    waiter.start();
    awaitWaiting(waiter);
    pool.close();
    waiter.join(10_000);
    assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
    assertEquals("pool is closed", failure.get().getMessage());
  }

  @Test
  void close_acquireThrowsAndIdleObjectsAreDisposed() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new).threadCacheSize(1).disposer(disposed::add).build();
    Item a = pool.acquire();
    Item b = pool.acquire();
    Item c = pool.acquire();
    pool.release(a); // thread cache
    pool.release(b); // shared store
    pool.close();
    assertTrue(pool.isClosed());
    assertEquals(List.of(a, b), disposed.stream().sorted((x, y) -> x.id - y.id).toList());
    IllegalStateException e = assertThrows(IllegalStateException.class, pool::acquire);
    assertEquals("pool is closed", e.getMessage());
    assertThrows(IllegalStateException.class, pool::lease);
    pool.release(c); // holders may outlive the pool: discarded, not an error
    assertEquals(3, disposed.size());
    PoolStats s = pool.stats();
    assertEquals(0, s.retained());
    assertEquals(0, s.outstanding());
    assertEquals(3, s.discarded());
    pool.close(); // idempotent
  }

  @Test
  void close_disposerFailureStillDisposesEverything() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .threadCacheSize(0)
            .disposer(
                i -> {
                  disposed.add(i);
                  throw new IllegalStateException("dispose " + i);
                })
            .build();
    Item a = pool.acquire();
    Item b = pool.acquire();
    pool.release(a);
    pool.release(b);
    IllegalStateException e = assertThrows(IllegalStateException.class, pool::close);
    assertEquals(2, disposed.size());
    assertEquals(1, e.getSuppressed().length);
    assertEquals(2, pool.stats().discarded());
  }

  @Test
  void crossThreadRelease_objectReturnsToPool() throws Exception {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).threadCacheSize(0).build();
    Item a = pool.acquire();
    Thread releaser = new Thread(() -> pool.release(a));
    releaser.start();
    releaser.join();
    assertSame(a, pool.acquire());
    PoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(1, s.reused());
  }

  @Test
  void deadThreadCache_isMovedToSharedStore() throws Exception {
    ObjectPool<Item> pool = recycler();
    AtomicReference<Item> released = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              Item item = pool.acquire();
              pool.release(item); // stays in this thread's cache
              released.set(item);
            });
    worker.start();
    worker.join();
    assertEquals(1, pool.stats().retained());
    worker = null;
    for (int i = 0; i < 50 && pool.threadCacheCount() > 0; i++) {
      System.gc();
      Thread.sleep(20); // gives the reference handler time; the loop is bounded, not timed
    }
    assertEquals(0, pool.threadCacheCount(), "dead thread's cache was not collected");
    PoolStats s = pool.stats();
    assertEquals(1, s.retained());
    assertEquals(0, s.reused());
    Item again = runOnNewThread(pool::acquire);
    assertSame(released.get(), again);
  }

  @Test
  void builder_badInput() {
    assertEquals(
        "factory must not be null",
        assertThrows(NullPointerException.class, () -> ObjectPool.newBuilder(null)).getMessage());
    ObjectPool.Builder<Item> b = ObjectPool.newBuilder(Item::new);
    assertEquals("reset must not be null",
        assertThrows(NullPointerException.class, () -> b.reset(null)).getMessage());
    assertThrows(NullPointerException.class, () -> b.validator(null));
    assertThrows(NullPointerException.class, () -> b.disposer(null));
    assertEquals("maxRetained: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> b.maxRetained(0)).getMessage());
    assertEquals("maxTotal: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> b.maxTotal(0)).getMessage());
    assertEquals("maxTotal: -3 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> b.maxTotal(-3)).getMessage());
    assertEquals("maxWait: PT-1S (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> b.maxWait(Duration.ofSeconds(-1)))
            .getMessage());
    assertThrows(NullPointerException.class, () -> b.maxWait(null));
    assertEquals("threadCacheSize: -1 (expected: in [0, 1024])",
        assertThrows(IllegalArgumentException.class, () -> b.threadCacheSize(-1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.leakDetection(Double.NaN, l -> {}));
    assertThrows(IllegalArgumentException.class, () -> b.leakDetection(0, l -> {}));
    assertThrows(IllegalArgumentException.class, () -> b.leakDetection(1.5, l -> {}));
    assertThrows(NullPointerException.class, () -> b.leakDetection(0.5, null));
    b.maxRetained(4);
    assertEquals("maxRetained was already set to 4",
        assertThrows(IllegalStateException.class, () -> b.maxRetained(5)).getMessage());
  }

  @Test
  void builder_conflicts() {
    assertEquals("maxWait requires maxTotal",
        assertThrows(IllegalStateException.class,
            () -> ObjectPool.newBuilder(Item::new).maxWait(Duration.ZERO).build()).getMessage());
    assertThrows(IllegalStateException.class,
        () -> ObjectPool.newBuilder(Item::new).maxTotal(2).threadCacheSize(4).build());
    // An explicit zero-size thread cache is compatible with a bounded pool.
    ObjectPool.newBuilder(Item::new).maxTotal(2).threadCacheSize(0).build().close();
  }

  private static <R> R runOnNewThread(java.util.function.Supplier<R> task) throws Exception {
    AtomicReference<R> result = new AtomicReference<>();
    Thread t = new Thread(() -> result.set(task.get()));
    t.start();
    t.join();
    return result.get();
  }

  /** Waits (bounded) until {@code t} is parked: it then sits in the pool's condition wait. */
  private static void awaitWaiting(Thread t) throws InterruptedException {
    CountDownLatch never = new CountDownLatch(1);
    for (int i = 0; i < 10_000; i++) {
      Thread.State state = t.getState();
      if (state == Thread.State.TIMED_WAITING || state == Thread.State.WAITING) {
        return;
      }
      never.await(1, TimeUnit.MILLISECONDS);
    }
    assertFalse(true, "thread never started waiting: " + t.getState());
  }
}
