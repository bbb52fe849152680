package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The per-thread buffer caches in front of the shared store, and their hand-offs. */
final class BufferPoolThreadCacheTest {

  @Test
  void hotEntry_servesExactlyItsClass_smallRequestsOfTheFirstClassToo_badInputFirst() {
    BufferPool pool = BufferPool.newBuilder().build(); // classes 256 .. 65536
    ByteBuffer b4k = pool.acquire(4096);
    pool.release(b4k); // the idle hot entry, class 4096
    assertNotSame(b4k, pool.acquire(2048), "2048 is the class below: not the hot buffer");
    ByteBuffer again = pool.acquire(2049);
    assertSame(b4k, again, "2049 maps to class 4096");
    assertEquals(2049, again.limit());
    pool.release(again);
    assertNotSame(b4k, pool.acquire(4097), "4097 maps to class 8192");
    ByteBuffer small = pool.acquire(256);
    pool.release(small);
    ByteBuffer tiny = pool.acquire(10); // below half the first class: found after the class check
    assertSame(small, tiny);
    assertEquals(10, tiny.limit());
    pool.release(tiny);
    assertThrows(IllegalArgumentException.class, () -> pool.acquire(0));
    assertThrows(IllegalArgumentException.class, () -> pool.acquire(-256));
    assertSame(small, pool.acquire(200), "a rejected request leaves the hot entry idle");
    pool.close();
    assertThrows(IllegalArgumentException.class, () -> pool.acquire(0), "bad input first");
    assertThrows(IllegalStateException.class, () -> pool.acquire(256));
  }

  @Test
  void sameThread_reusesOneBufferWithoutTheSharedStore() {
    BufferPool pool = BufferPool.newBuilder().direct(true).build();
    ByteBuffer first = pool.acquire(4096);
    pool.release(first);
    for (int i = 0; i < 1000; i++) {
      ByteBuffer b = pool.acquire(4000);
      assertSame(first, b);
      assertEquals(4000, b.limit());
      b.position(17);
      pool.release(b);
    }
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(1000, s.reused());
    assertEquals(1, s.retained());
    assertEquals(4096, s.retainedBytes());
    assertEquals(0, s.outstanding());
    assertEquals(1, pool.threadCacheCount());
  }

  @Test
  void releaseTwice_onTheFastPath_rejectedAndCountsUnchanged() {
    BufferPool pool = BufferPool.newBuilder().build();
    ByteBuffer a = pool.acquire(100);
    pool.release(a);
    ByteBuffer again = pool.acquire(100);
    assertSame(a, again);
    pool.release(again);
    assertEquals("buffer released twice: heap buffer, capacity 256, @"
            + Integer.toHexString(System.identityHashCode(a)),
        assertThrows(IllegalStateException.class, () -> pool.release(a)).getMessage());
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.retained());
    assertEquals(0, s.outstanding());
    // The buffer is handed out once, not twice.
    ByteBuffer x = pool.acquire(100);
    ByteBuffer y = pool.acquire(100);
    assertSame(a, x);
    assertNotSame(x, y);
  }

  @Test
  void nonLifoReleases_allFindTheirSlots() {
    BufferPool pool = BufferPool.newBuilder().threadCacheSize(4).build();
    List<ByteBuffer> held = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      held.add(pool.acquire(1000));
    }
    for (int round = 0; round < 10; round++) {
      // Release in FIFO order, re-acquire, and check nobody gets a buffer twice.
      for (ByteBuffer b : held) {
        pool.release(b);
      }
      for (ByteBuffer b : held) {
        assertThrows(IllegalStateException.class, () -> pool.release(b));
      }
      Set<ByteBuffer> again = Collections.newSetFromMap(new IdentityHashMap<>());
      for (int i = 0; i < 4; i++) {
        assertTrue(again.add(pool.acquire(1000)));
      }
      Set<ByteBuffer> heldIds = Collections.newSetFromMap(new IdentityHashMap<>());
      heldIds.addAll(held);
      assertTrue(heldIds.containsAll(again), "a buffer nobody released was handed out");
      held = new ArrayList<>(again);
    }
    BufferPoolStats s = pool.stats();
    assertEquals(4, s.created());
    assertEquals(40, s.reused());
    assertEquals(4, s.outstanding());
  }

  @Test
  void overflow_goesToTheSharedStore_underflowComesBack() throws Exception {
    BufferPool pool = BufferPool.newBuilder().threadCacheSize(2).build();
    List<ByteBuffer> held = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      held.add(pool.acquire(4096));
    }
    // This thread keeps 3 (its hot entry and a stack of 2), the other 2 go to the shared store.
    held.forEach(pool::release);
    BufferPoolStats s = pool.stats();
    assertEquals(5, s.retained());
    assertEquals(5 * 4096, s.retainedBytes());
    // Another thread sees only the shared store: 2 reused, then a new one.
    Set<ByteBuffer> mine = Collections.newSetFromMap(new IdentityHashMap<>());
    mine.addAll(held);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread other =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 2; i++) {
                  assertTrue(mine.contains(pool.acquire(4096)));
                }
                assertTrue(!mine.contains(pool.acquire(4096)));
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    other.start();
    other.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    s = pool.stats();
    assertEquals(6, s.created());
    assertEquals(2, s.reused());
    assertEquals(3, s.outstanding());
    assertEquals(3, s.retained()); // this thread's cache
    // This thread's cache serves three, then the shared store is empty: a new buffer.
    for (int i = 0; i < 3; i++) {
      assertTrue(mine.contains(pool.acquire(4096)));
    }
    assertTrue(!mine.contains(pool.acquire(4096)));
    assertEquals(7, pool.stats().created());
  }

  @Test
  void hotEntry_mixedClassesAndStaleHot_countsExact() throws Exception {
    BufferPool pool = BufferPool.newBuilder().threadCacheSize(1).build();
    ByteBuffer small = pool.acquire(256);
    ByteBuffer big = pool.acquire(4096);
    pool.release(small); // becomes the hot entry
    pool.release(big); // hot is taken: the 4 KiB stack
    assertSame(big, pool.acquire(4096)); // from the stack, hot (256) untouched
    assertSame(small, pool.acquire(200)); // from the hot entry
    // Hand the hot buffer to another thread, which releases it there: our hot entry goes stale.
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread other =
        new Thread(
            () -> {
              try {
                pool.release(small);
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    other.start();
    other.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertThrows(IllegalStateException.class, () -> pool.release(small)); // stale hot: CAS fails
    pool.release(big); // the stale hot entry is replaced by this one
    assertSame(big, pool.acquire(4096));
    pool.release(big);
    assertThrows(IllegalStateException.class, () -> pool.release(big)); // idle in the hot entry
    BufferPoolStats s = pool.stats();
    assertEquals(2, s.created(), s.toString());
    assertEquals(3, s.reused(), s.toString());
    assertEquals(0, s.outstanding(), s.toString());
    assertEquals(2, s.retained(), s.toString()); // our hot entry, and the other thread's cache
  }

  @Test
  void crossThreadRelease_landsInTheReleasersCache_andStaleSecondReleaseRejected()
      throws Exception {
    BufferPool pool = BufferPool.newBuilder().build();
    ByteBuffer a = pool.acquire(2048);
    BlockingQueue<ByteBuffer> toOther = new ArrayBlockingQueue<>(1);
    BlockingQueue<ByteBuffer> back = new ArrayBlockingQueue<>(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread other =
        new Thread(
            () -> {
              try {
                ByteBuffer b = toOther.take();
                pool.release(b); // into the other thread's cache
                ByteBuffer again = pool.acquire(2048);
                assertSame(b, again);
                back.put(again);
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    other.start();
    toOther.put(a);
    ByteBuffer returned = back.take();
    other.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertSame(a, returned);
    pool.release(a); // legitimate: this thread holds it again
    assertThrows(IllegalStateException.class, () -> pool.release(a));
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(1, s.reused());
    assertEquals(0, s.outstanding());
    assertEquals(1, s.retained());
  }

  @Test
  void doubleRelease_fastPathThenOtherThread_andOtherThreadThenFastPath_bothRejected()
      throws Exception {
    BufferPool pool = BufferPool.newBuilder().build();
    ByteBuffer a = pool.acquire(1024); // recorded in this thread's cache: its release is plain
    ByteBuffer b = pool.acquire(1024);
    pool.release(a); // owner fast path (plain state change)
    // Another thread, ordered after that release by Thread.start(): its CAS sees IDLE.
    assertInstanceOf(IllegalStateException.class, onNewThread(() -> pool.release(a)));
    // The other order: another thread releases b first (CAS), then this thread's fast path,
    // ordered after it by Thread.join(), sees IDLE.
    assertNull(onNewThread(() -> pool.release(b)));
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(b));
    assertTrue(e.getMessage().startsWith("buffer released twice"), e.getMessage());
    BufferPoolStats s = pool.stats();
    assertEquals(2, s.created(), s.toString());
    assertEquals(0, s.outstanding(), s.toString());
    assertEquals(2, s.retained(), s.toString()); // ours (a), the other thread's (b; it died)
  }

  /** Runs {@code r} on a new thread and joins it; returns what it threw, or null. */
  private static Throwable onNewThread(Runnable r) throws InterruptedException {
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread t =
        new Thread(
            () -> {
              try {
                r.run();
              } catch (Throwable e) {
                thrown.set(e);
              }
            });
    t.start();
    t.join();
    return thrown.get();
  }

  @Test
  void close_drainsOwnCache_andOtherThreadsDrainOnTheirNextCall() throws Exception {
    BufferPool pool = BufferPool.newBuilder().direct(true).build();
    CountDownLatch cached = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<ByteBuffer> heldByOther = new AtomicReference<>();
    Thread other =
        new Thread(
            () -> {
              try {
                ByteBuffer x = pool.acquire(512);
                ByteBuffer y = pool.acquire(512);
                pool.release(x); // idle in this thread's cache
                heldByOther.set(y);
                cached.countDown();
                closed.await();
                assertThrows(IllegalStateException.class, () -> pool.acquire(512));
                pool.release(y); // accepted and dropped
              } catch (Throwable e) {
                failure.set(e);
              }
            });
    other.start();
    cached.await();
    ByteBuffer a = pool.acquire(512);
    ByteBuffer b = pool.acquire(512);
    pool.release(a);
    pool.release(b);
    assertEquals(3, pool.stats().retained());
    pool.close();
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.retained(), "only the other live thread's cached buffer is left");
    closed.countDown();
    other.join();
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    s = pool.stats();
    assertEquals(0, s.retained(), s.toString());
    assertEquals(0, s.retainedBytes(), s.toString());
    assertEquals(4, s.created());
    assertEquals(4, s.discarded());
    assertEquals(0, s.outstanding());
    assertThrows(IllegalStateException.class, () -> pool.release(heldByOther.get()));
  }

  @Test
  void deadThreadsCache_movesToTheSharedStore() throws Exception {
    BufferPool pool = BufferPool.newBuilder().build();
    Set<ByteBuffer> released = Collections.newSetFromMap(new IdentityHashMap<>());
    Thread worker =
        new Thread(
            () -> {
              ByteBuffer x = pool.acquire(300);
              ByteBuffer y = pool.acquire(300);
              synchronized (released) {
                released.add(x);
                released.add(y);
              }
              pool.release(x);
              pool.release(y);
            });
    worker.start();
    worker.join();
    worker = null;
    for (int i = 0; i < 50 && pool.threadCacheCount() > 0; i++) {
      System.gc();
      Thread.sleep(20); // bounded retry for the reference handler, not a timed assertion
    }
    assertEquals(0, pool.threadCacheCount(), "dead thread's cache was not collected");
    BufferPoolStats s = pool.stats();
    assertEquals(2, s.retained());
    assertEquals(1024, s.retainedBytes());
    synchronized (released) {
      assertTrue(released.contains(pool.acquire(300)));
      assertTrue(released.contains(pool.acquire(300)));
    }
    s = pool.stats();
    assertEquals(2, s.created());
    assertEquals(2, s.reused());
    assertEquals(2, s.outstanding());
  }

  @Test
  void leakWithThreadCache_countedOnceItsEntryIsReused() throws Exception {
    BufferPool pool = BufferPool.newBuilder().direct(true).threadCacheSize(1).build();
    acquireAndDrop(pool); // recorded in this thread's cache, which keeps it reachable
    ByteBuffer next = pool.acquire(1000); // a miss: its record replaces the dropped buffer's
    for (int i = 0; i < 50 && pool.stats().leaked() == 0; i++) {
      System.gc();
      Thread.sleep(20); // bounded retry; GC timing is not ours
    }
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.leaked());
    assertEquals(1, s.outstanding());
    pool.release(next);
    assertEquals(0, pool.stats().outstanding());
  }

  @Test
  void threadCacheSize_badInput() {
    assertEquals("threadCacheSize: -1 (expected: in [0, 64])",
        assertThrows(IllegalArgumentException.class,
            () -> BufferPool.newBuilder().threadCacheSize(-1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BufferPool.newBuilder().threadCacheSize(65));
    BufferPool.Builder b = BufferPool.newBuilder().threadCacheSize(0);
    assertThrows(IllegalStateException.class, () -> b.threadCacheSize(1));
    BufferPool noCache = b.build();
    noCache.release(noCache.acquire(10));
    assertEquals(0, noCache.threadCacheCount());
    assertEquals(1, noCache.stats().retained());
  }

  private static void acquireAndDrop(BufferPool pool) {
    pool.acquire(1000).put(0, (byte) 1);
  }
}
