package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The contract of {@link LocalHandle}: owner check, cross-thread release, close, misuse, stats. */
final class LocalHandleTest {
  private static final ExecutorService OTHER = Executors.newSingleThreadExecutor();

  @AfterAll
  static void shutdown() throws InterruptedException {
    OTHER.shutdown();
    assertTrue(OTHER.awaitTermination(10, TimeUnit.SECONDS));
  }

  private static <V> V onOtherThread(Callable<V> task) throws Exception {
    try {
      return OTHER.submit(task).get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof Exception) {
        throw (Exception) e.getCause();
      }
      throw e;
    }
  }

  private static ObjectPool<Item> newPool(List<Item> disposed) {
    return ObjectPool.newBuilder(Item::new)
        .reset(i -> i.resets.incrementAndGet())
        .disposer(disposed::add)
        .build();
  }

  private static void assertStats(
      ObjectPool<?> pool, long created, long reused, long discarded, long outstanding) {
    PoolStats s = pool.stats();
    assertEquals(created, s.created(), "created " + s);
    assertEquals(reused, s.reused(), "reused " + s);
    assertEquals(discarded, s.discarded(), "discarded " + s);
    assertEquals(outstanding, s.outstanding(), "outstanding " + s);
    assertEquals(s.created(), s.outstanding() + s.retained() + s.discarded(), "invariant " + s);
  }

  @Test
  void acquireRelease_reusesThroughTheThreadCache_statsExact() {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> handle = pool.localHandle();
    assertTrue(handle.isOwnedByCurrentThread());
    Item a = handle.acquire();
    handle.release(a);
    assertEquals(1, a.resets.get(), "reset once per release");
    assertSame(a, handle.acquire());
    assertStats(pool, 1, 1, 0, 1);
    handle.release(a);
    assertEquals(2, a.resets.get());
    assertStats(pool, 1, 1, 0, 0);
    assertEquals(1, pool.threadCacheCount());
  }

  @Test
  void handlesShareTheThreadCacheWithThePool() {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> h1 = pool.localHandle();
    LocalHandle<Item> h2 = pool.localHandle();
    assertSame(h1, h2, "one handle per platform thread and pool");
    Item a = h1.acquire();
    h1.release(a);
    assertSame(a, pool.acquire(), "the pool's acquire on this thread sees the handle's cache");
    pool.release(a);
    assertSame(a, h2.acquire(), "a second handle of this thread shares the cache");
    h2.release(a);
    assertEquals(1, pool.threadCacheCount());
    assertStats(pool, 1, 2, 0, 0);
  }

  @Test
  void otherThread_acquireAndReleaseThrow_objectUntouched() throws Exception {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> handle = pool.localHandle();
    Item a = handle.acquire();
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> onOtherThread(handle::acquire));
    assertTrue(e.getMessage().contains("belongs to thread " + Thread.currentThread().getId()),
        e.getMessage());
    assertThrows(
        IllegalStateException.class,
        () -> onOtherThread(() -> {
          handle.release(a);
          return null;
        }));
    assertFalse(onOtherThread(handle::isOwnedByCurrentThread));
    assertEquals(0, a.resets.get(), "a rejected release must not reset the object");
    assertStats(pool, 1, 0, 0, 1);
    handle.release(a); // still the caller's to release
    assertStats(pool, 1, 0, 0, 0);
  }

  @Test
  void crossThreadRelease_handleToPoolAndPoolToHandle() throws Exception {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> handle = pool.localHandle();
    // Acquired through our handle, released through the pool on another thread.
    Item a = handle.acquire();
    onOtherThread(() -> {
      pool.release(a);
      return null;
    });
    assertEquals(1, a.resets.get());
    // Acquired from the pool on another thread (its cache holds a), released through our handle.
    Item b = onOtherThread(pool::acquire);
    assertSame(a, b, "the other thread's cache held a");
    handle.release(b);
    assertEquals(2, a.resets.get());
    assertSame(a, handle.acquire(), "released into this thread's cache");
    // Acquired through another thread's handle, released through ours.
    LocalHandle<Item> otherHandle = onOtherThread(pool::localHandle);
    Item c = onOtherThread(otherHandle::acquire);
    assertNotSame(a, c);
    handle.release(c);
    handle.release(a);
    assertStats(pool, 2, 2, 0, 0);
    assertEquals(2, pool.threadCacheCount());
  }

  @Test
  void releaseNull_throwsNpe() {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> handle = pool.localHandle();
    NullPointerException e = assertThrows(NullPointerException.class, () -> handle.release(null));
    assertTrue(e.getMessage().contains("obj"), e.getMessage());
  }

  @Test
  void doubleRelease_inARow_isDetected_countsUnchanged() {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> handle = pool.localHandle();
    Item a = handle.acquire();
    handle.release(a);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> handle.release(a));
    assertTrue(e.getMessage().contains("released twice"), e.getMessage());
    // Also after a release through the pool on this thread (the same cache).
    Item b = pool.acquire();
    pool.release(b);
    assertThrows(IllegalStateException.class, () -> handle.release(b));
    assertSame(a, b);
    assertEquals(2, b.resets.get(), "the rejected second release must not reset");
    assertStats(pool, 1, 1, 0, 0);
  }

  @Test
  void closedPool_localHandleAndAcquireThrow_releaseDiscardsThenThrows() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool = newPool(disposed);
    LocalHandle<Item> handle = pool.localHandle();
    Item held = handle.acquire();
    Item cached = handle.acquire();
    handle.release(cached);
    pool.close();
    assertEquals(List.of(cached), disposed, "close drains the closing thread's cache");
    assertThrows(IllegalStateException.class, pool::localHandle);
    assertThrows(IllegalStateException.class, handle::acquire);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> handle.release(held));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertEquals(List.of(cached, held), disposed, "the object released after close is discarded");
    assertStats(pool, 2, 0, 2, 0);
  }

  @Test
  void closedPool_handleOfAnotherThread_drainsItsCacheOnNextUse() throws Exception {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool = newPool(disposed);
    LocalHandle<Item> other = onOtherThread(pool::localHandle);
    Item a = onOtherThread(other::acquire);
    onOtherThread(() -> {
      other.release(a);
      return null;
    });
    pool.close(); // on this thread: the other thread's cache still holds a
    assertStats(pool, 1, 0, 0, 0);
    assertEquals(1, pool.stats().retained());
    assertThrows(IllegalStateException.class, () -> onOtherThread(other::acquire));
    assertEquals(List.of(a), disposed);
    assertStats(pool, 1, 0, 1, 0);
  }

  @Test
  void closedPool_plainReleaseOnAnotherThread_drainsThatThreadsCache() throws Exception {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool = newPool(disposed);
    Item a = onOtherThread(pool::acquire);
    Item b = onOtherThread(pool::acquire);
    onOtherThread(() -> {
      pool.release(a);
      return null;
    });
    pool.close();
    assertEquals(1, pool.stats().retained(), "a is idle in the other thread's cache");
    onOtherThread(() -> {
      pool.release(b); // lenient after close: discarded, and the thread's cache with it
      return null;
    });
    assertEquals(List.of(b, a), disposed);
    assertStats(pool, 2, 0, 2, 0);
    assertEquals(0, pool.stats().retained());
  }

  @Test
  void boundedPool_handleUsesTheSharedStore_andExhausts() {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).maxTotal(2).build();
    LocalHandle<Item> handle = pool.localHandle();
    assertTrue(handle.toString().contains("shared store"), handle.toString());
    Item a = handle.acquire();
    Item b = handle.acquire();
    assertThrows(PoolExhaustedException.class, handle::acquire);
    handle.release(a);
    assertSame(a, handle.acquire());
    handle.release(a);
    pool.release(b);
    assertEquals(0, pool.threadCacheCount());
    assertStats(pool, 2, 1, 0, 0);
  }

  @Test
  void threadCachesDisabled_handleUsesTheSharedStore() {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).threadCacheSize(0).build();
    LocalHandle<Item> handle = pool.localHandle();
    Item a = handle.acquire();
    handle.release(a);
    assertSame(a, handle.acquire());
    handle.release(a);
    assertEquals(0, pool.threadCacheCount());
    assertStats(pool, 1, 1, 0, 0);
  }

  @Test
  void cacheOverflow_goesToTheSharedStore_thenDiscards() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .threadCacheSize(2)
            .maxRetained(1)
            .disposer(disposed::add)
            .build();
    LocalHandle<Item> handle = pool.localHandle();
    int capacity = 2 + 1 + pool.storeCapacity(); // cache, hot slot, store
    List<Item> items = new ArrayList<>();
    for (int i = 0; i < capacity + 3; i++) {
      items.add(handle.acquire());
    }
    for (Item i : items) {
      handle.release(i);
    }
    assertEquals(3, disposed.size());
    assertEquals(capacity, pool.stats().retained());
    for (int i = 0; i < capacity; i++) {
      handle.acquire(); // underflow of the cache: served by the shared store
    }
    assertStats(pool, capacity + 3, capacity, 3, capacity);
  }

  @Test
  void validatorAndResetFailures_discardAsThePoolDoes() {
    List<Item> disposed = new ArrayList<>();
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new)
            .reset(i -> {
              if (i.payload[0] == 1) {
                throw new IllegalArgumentException("boom");
              }
            })
            .validator(i -> i.payload[0] != 2)
            .disposer(disposed::add)
            .build();
    LocalHandle<Item> handle = pool.localHandle();
    Item a = handle.acquire();
    Item b = handle.acquire();
    a.payload[0] = 1;
    b.payload[0] = 2;
    assertThrows(IllegalArgumentException.class, () -> handle.release(a));
    handle.release(b);
    assertEquals(List.of(a, b), disposed);
    assertStats(pool, 2, 0, 2, 0);
  }

  @Test
  void hotObject_returnsToTheHotSlot_throughThePoolToo_secondReleaseDetected() {
    ObjectPool<Item> pool = newPool(new ArrayList<>());
    LocalHandle<Item> handle = pool.localHandle();
    Item a = handle.acquire();
    Item b = handle.acquire();
    handle.release(a); // a becomes the hot object
    handle.release(b); // the hot slot is busy: b goes to the thread cache
    assertSame(a, handle.acquire(), "the handle takes its hot object first");
    pool.release(a); // released through the pool on the owner thread: back to the hot slot
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(a));
    assertTrue(e.getMessage().contains("released twice"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> handle.release(a));
    assertEquals(2, a.resets.get(), "rejected releases must not reset");
    assertSame(a, pool.acquire(), "the pool takes the hot object first too");
    assertSame(b, pool.acquire(), "then its cache");
    assertStats(pool, 2, 3, 0, 2);
    pool.release(a);
    pool.release(b);
    assertStats(pool, 2, 3, 0, 0);
    assertEquals(2, pool.stats().retained(), "the hot object counts as retained");
  }

  @Test
  void leakDetectionOn_handleReusesThroughTheCache_doubleReleaseDetected() {
    ObjectPool<Item> pool =
        ObjectPool.newBuilder(Item::new).leakDetection(1.0, leak -> {}).build();
    LocalHandle<Item> handle = pool.localHandle();
    Item a = handle.acquire();
    handle.release(a);
    assertSame(a, handle.acquire(), "reused (through the thread cache: the hot slot is off)");
    handle.release(a);
    handle.release(handle.acquire());
    assertThrows(IllegalStateException.class, () -> handle.release(a));
    assertStats(pool, 1, 2, 0, 0);
  }
}
