package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** More live platform threads than the thread-cache table holds: the overflow uses the store. */
final class ObjectPoolThreadTableTest {
  private static final int THREADS = 300;

  @Test
  void manyLiveThreads_overflowToSharedStoreWithExactCounts() throws Exception {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).maxRetained(1024).build();
    CountDownLatch allDone = new CountDownLatch(THREADS);
    CountDownLatch exit = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < 10; i++) {
                    Item a = pool.acquire();
                    Item b = pool.acquire();
                    pool.release(a);
                    pool.release(b);
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                } finally {
                  allDone.countDown();
                }
                try {
                  exit.await(); // stay alive: every thread keeps its table slot meanwhile
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      threads.add(thread);
      thread.start();
    }
    allDone.await();
    int caches = pool.threadCacheCount();
    PoolStats whileAlive = pool.stats();
    exit.countDown();
    for (Thread t : threads) {
      t.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertTrue(caches > 0 && caches < THREADS, "caches: " + caches);
    assertEquals(0, whileAlive.outstanding(), whileAlive.toString());
    assertEquals(THREADS * 20L, whileAlive.created() + whileAlive.reused(), whileAlive.toString());
    assertEquals(whileAlive.created(), whileAlive.retained() + whileAlive.discarded());

    // Once the threads are collected, their slots and cached objects come back.
    threads = null;
    for (int i = 0; i < 50 && pool.threadCacheCount() > 0; i++) {
      System.gc();
      Thread.sleep(20); // bounded retry for the reference handler, not a timed assertion
    }
    assertEquals(0, pool.threadCacheCount());
    PoolStats after = pool.stats();
    assertEquals(whileAlive.created(), after.retained() + after.discarded(), after.toString());
    Thread late = new Thread(() -> pool.release(pool.acquire()));
    late.start();
    late.join();
    assertEquals(1, pool.threadCacheCount(), "a new thread reuses a freed slot");
  }

  @Test
  void deadThreadsHomeSlot_reusedByANewThread_withItsOwnHandle() throws Exception {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).build();
    int size = pool.cacheTableSize();
    AtomicReference<Item> deadsHot = new AtomicReference<>();
    Thread dead = new Thread(() -> {
      Item a = pool.acquire();
      pool.release(a); // a is now the dead thread's hot object
      deadsHot.set(a);
    });
    long deadId = dead.getId();
    dead.start();
    dead.join();
    dead = null;
    for (int i = 0; i < 50 && pool.threadCacheCount() > 0; i++) {
      System.gc();
      Thread.sleep(20); // bounded retry for the reference handler, not a timed assertion
    }
    assertEquals(0, pool.threadCacheCount(), "dead thread's cache was not collected");
    assertEquals(1, pool.stats().retained(), "its hot object went to the shared store");
    // A new thread with the same home slot (thread ids are sequential: try until one matches).
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable body = () -> {
      try {
        LocalHandle<Item> handle = pool.localHandle();
        assertTrue(handle.isOwnedByCurrentThread(), "got the dead thread's handle");
        Item b = pool.acquire();
        assertSame(deadsHot.get(), b, "the dead thread's object, from the shared store");
        pool.release(b);
        assertSame(b, handle.acquire(), "our own hot slot");
        handle.release(b);
        assertThrows(IllegalStateException.class, () -> pool.release(b));
      } catch (Throwable e) {
        failure.set(e);
      }
    };
    Thread twin = null;
    for (int i = 0; i < 100_000 && twin == null; i++) {
      Thread t = new Thread(body);
      if ((t.getId() & (size - 1)) == (deadId & (size - 1))) {
        twin = t;
      }
    }
    assertTrue(twin != null, "no thread with the same home slot");
    twin.start();
    twin.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(1, pool.stats().retained());
    assertEquals(1, pool.stats().created());
  }

  @Test
  void liveThreadOnAnotherLiveThreadsHomeSlot_neverUsesItsHandle() throws Exception {
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).build();
    int size = pool.cacheTableSize();
    CountDownLatch firstReady = new CountDownLatch(1);
    CountDownLatch secondDone = new CountDownLatch(1);
    AtomicReference<Item> firstsHot = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread first = new Thread(() -> {
      try {
        Item a = pool.acquire();
        pool.release(a); // the idle hot object of this thread's handle (at its home index)
        firstsHot.set(a);
        firstReady.countDown();
        secondDone.await();
        assertSame(a, pool.acquire(), "our hot object stayed ours");
        pool.release(a);
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
        firstReady.countDown();
      }
    });
    long firstId = first.getId();
    first.start();
    firstReady.await();
    // A second live thread whose home index is the first one's: its lookups find the first
    // thread's handle there and must not use it.
    Runnable body = () -> {
      try {
        Item b = pool.acquire();
        assertNotSame(firstsHot.get(), b, "took the other thread's idle hot object");
        pool.release(b);
        assertSame(b, pool.acquire(), "its own cache (in another slot) or the shared store");
        pool.release(b);
        assertThrows(IllegalStateException.class, () -> pool.release(b));
      } catch (Throwable e) {
        failure.compareAndSet(null, e);
      } finally {
        secondDone.countDown();
      }
    };
    Thread twin = null;
    for (int i = 0; i < 100_000 && twin == null; i++) {
      Thread t = new Thread(body);
      if ((t.getId() & (size - 1)) == (firstId & (size - 1))) {
        twin = t;
      }
    }
    assertTrue(twin != null, "no thread with the same home slot");
    twin.start();
    twin.join();
    first.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    PoolStats s = pool.stats();
    assertEquals(2, s.created(), s.toString());
    assertEquals(0, s.outstanding(), s.toString());
  }
}
