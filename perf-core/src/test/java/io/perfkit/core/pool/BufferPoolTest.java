package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

final class BufferPoolTest {

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void acquire_roundsUpToSizeClassWithLimitAtRequest(boolean direct) {
    BufferPool pool = BufferPool.newBuilder().direct(direct).build();
    int[][] cases = {{1, 256}, {256, 256}, {257, 512}, {3000, 4096}, {4096, 4096}, {65536, 65536}};
    for (int[] c : cases) {
      ByteBuffer b = pool.acquire(c[0]);
      assertEquals(c[1], b.capacity(), "capacity for " + c[0]);
      assertEquals(c[1], pool.capacityFor(c[0]));
      assertEquals(0, b.position());
      assertEquals(c[0], b.limit());
      assertEquals(direct, b.isDirect());
      pool.release(b);
    }
  }

  @Test
  void acquire_reusesReleasedBufferCleared() {
    BufferPool pool = BufferPool.newBuilder().build();
    ByteBuffer a = pool.acquire(1000);
    a.order(ByteOrder.LITTLE_ENDIAN).putInt(42).position(10).limit(20);
    pool.release(a);
    ByteBuffer b = pool.acquire(700);
    assertSame(a, b);
    assertEquals(0, b.position());
    assertEquals(700, b.limit());
    assertEquals(ByteOrder.BIG_ENDIAN, b.order());
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(1, s.reused());
    assertEquals(1, s.outstanding());
    assertEquals(0.5, s.hitRatio());
  }

  @Test
  void acquire_largerThanMaxIsUnpooled() {
    BufferPool pool = BufferPool.newBuilder().maxBufferSize(1024).build();
    ByteBuffer big = pool.acquire(5000);
    assertEquals(5000, big.capacity());
    assertEquals(5000, big.limit());
    assertEquals(5000, pool.capacityFor(5000));
    pool.release(big);
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.unpooled());
    assertEquals(1, s.discarded());
    assertEquals(0, s.retained());
    assertEquals(0, s.outstanding());
    assertNotSame(big, pool.acquire(5000));
    assertThrows(IllegalStateException.class, () -> pool.release(big));
  }

  @Test
  void release_foreignBufferRejected() {
    BufferPool pool = BufferPool.newBuilder().build();
    ByteBuffer foreign = ByteBuffer.allocate(4096);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> pool.release(foreign));
    assertTrue(e.getMessage().startsWith("buffer was not acquired from this pool"), e.getMessage());
    ByteBuffer mine = pool.acquire(4096);
    assertThrows(IllegalArgumentException.class, () -> pool.release(mine.slice()));
    assertThrows(IllegalArgumentException.class, () -> pool.release(mine.duplicate()));
    BufferPool other = BufferPool.newBuilder().build();
    assertThrows(IllegalArgumentException.class, () -> other.release(mine));
    pool.release(mine);
    assertEquals(1, pool.stats().retained());
  }

  @Test
  void release_twiceRejected() {
    BufferPool pool = BufferPool.newBuilder().maxRetainedBytes(256).threadCacheSize(0).build();
    ByteBuffer a = pool.acquire(100);
    pool.release(a);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.release(a));
    assertTrue(e.getMessage().startsWith("buffer released twice"), e.getMessage());
    // Also after the buffer was dropped because the cap was reached.
    ByteBuffer b = pool.acquire(100);
    ByteBuffer c = pool.acquire(100);
    pool.release(b);
    pool.release(c); // over the 256-byte cap: dropped
    assertThrows(IllegalStateException.class, () -> pool.release(c));
    assertEquals(1, pool.stats().retained());
  }

  @Test
  void release_null() {
    BufferPool pool = BufferPool.newBuilder().build();
    assertEquals("buffer must not be null",
        assertThrows(NullPointerException.class, () -> pool.release(null)).getMessage());
  }

  @Test
  void retainedBytes_capped() {
    BufferPool pool = BufferPool.newBuilder().maxRetainedBytes(10_000).threadCacheSize(0).build();
    List<ByteBuffer> buffers = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      buffers.add(pool.acquire(4096));
    }
    buffers.forEach(pool::release);
    BufferPoolStats s = pool.stats();
    assertEquals(2, s.retained());
    assertEquals(8192, s.retainedBytes());
    assertEquals(3, s.discarded());
    assertEquals(0, s.outstanding());
  }

  @Test
  void close_dropsIdleAndRejectsAcquire() {
    BufferPool pool = BufferPool.newBuilder().direct(true).build();
    ByteBuffer a = pool.acquire(512);
    ByteBuffer b = pool.acquire(512);
    pool.release(a);
    pool.close();
    assertEquals("buffer pool is closed",
        assertThrows(IllegalStateException.class, () -> pool.acquire(10)).getMessage());
    pool.release(b); // accepted and dropped
    BufferPoolStats s = pool.stats();
    assertEquals(0, s.retained());
    assertEquals(0, s.retainedBytes());
    assertEquals(2, s.discarded());
    assertEquals(0, s.outstanding());
    pool.close();
  }

  @Test
  void leakedBuffer_isCollectedAndCounted() throws Exception {
    BufferPool pool = BufferPool.newBuilder().direct(true).threadCacheSize(0).build();
    acquireAndDrop(pool);
    for (int i = 0; i < 50 && pool.stats().leaked() == 0; i++) {
      System.gc();
      Thread.sleep(20); // bounded retry; GC timing is not ours
    }
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.leaked());
    assertEquals(0, s.outstanding());
  }

  @Test
  void builder_badInput() {
    assertEquals("minCapacity: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class,
            () -> BufferPool.newBuilder().build().acquire(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BufferPool.newBuilder().build().acquire(-1));
    assertEquals("minBufferSize: 300 (expected: a power of two)",
        assertThrows(IllegalArgumentException.class,
            () -> BufferPool.newBuilder().minBufferSize(300)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> BufferPool.newBuilder().maxBufferSize(0));
    assertThrows(IllegalArgumentException.class,
        () -> BufferPool.newBuilder().maxBufferSize(Integer.MIN_VALUE));
    assertEquals("maxRetainedBytes: -1 (expected: > 0)",
        assertThrows(IllegalArgumentException.class,
            () -> BufferPool.newBuilder().maxRetainedBytes(-1)).getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> BufferPool.newBuilder().minBufferSize(1024).maxBufferSize(512).build());
    BufferPool.Builder b = BufferPool.newBuilder().direct(true);
    assertThrows(IllegalStateException.class, () -> b.direct(false));
    assertFalse(BufferPool.newBuilder().build().isDirect());
  }

  @Test
  void concurrent_crossThreadRelease_exactCounts() throws Exception {
    BufferPool pool = BufferPool.newBuilder().direct(true).maxRetainedBytes(64 * 1024).build();
    int threads = 4;
    int ops = 20_000;
    java.util.concurrent.ConcurrentLinkedQueue<ByteBuffer> handoff =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    java.util.Set<ByteBuffer> live =
        java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int seed = t;
      Thread w =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < ops; i++) {
                    ByteBuffer b = pool.acquire(100 + ((i * 31 + seed) % 8000));
                    synchronized (live) {
                      if (!live.add(b)) {
                        throw new AssertionError("buffer handed out twice");
                      }
                    }
                    b.put(0, (byte) seed);
                    synchronized (live) {
                      live.remove(b);
                    }
                    if (i % 3 == 0) {
                      handoff.add(b);
                    } else {
                      pool.release(b);
                    }
                    ByteBuffer other = handoff.poll();
                    if (other != null) {
                      pool.release(other);
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join(60_000);
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    ByteBuffer rest;
    while ((rest = handoff.poll()) != null) {
      pool.release(rest);
    }
    BufferPoolStats s = pool.stats();
    assertEquals((long) threads * ops, s.created() + s.reused(), s.toString());
    assertEquals(0, s.outstanding(), s.toString());
    assertEquals(s.created(), s.retained() + s.discarded(), s.toString());
    // The shared store keeps at most 64 KiB; each thread cache at most 2 buffers per class used
    // plus its hot entry.
    long perThreadCache = 2L * (256 + 512 + 1024 + 2048 + 4096 + 8192) + 8192;
    assertTrue(s.retainedBytes() <= 64 * 1024 + (threads + 1) * perThreadCache, s.toString());
  }

  private static void acquireAndDrop(BufferPool pool) {
    pool.acquire(1000).put(0, (byte) 1);
  }

  /**
   * The hot-entry paths read the closed state plain: a close() that happens-before another
   * thread's calls (here through a latch) must still be seen by them, also once that thread's
   * acquire/release loop is warm (compiled).
   */
  @Test
  void close_happensBeforeOtherThreadsWarmHotPath_isSeen() throws Exception {
    BufferPool pool = BufferPool.newBuilder().build();
    CountDownLatch warm = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    AtomicReference<Throwable> acquireAfterClose = new AtomicReference<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                ByteBuffer first = pool.acquire(4096);
                pool.release(first);
                for (int i = 0; i < 200_000; i++) { // the steady hot-entry pair, long enough for C2
                  ByteBuffer b = pool.acquire(4096);
                  if (b != first) {
                    throw new AssertionError("hot buffer not reused");
                  }
                  pool.release(b);
                }
                ByteBuffer held = pool.acquire(4096);
                warm.countDown();
                closed.await();
                pool.release(held); // after close: dropped, not kept in the hot entry
                try {
                  pool.acquire(4096);
                } catch (RuntimeException e) {
                  acquireAfterClose.set(e);
                }
              } catch (Throwable t) {
                failure.set(t);
                warm.countDown();
              }
            },
            "buffer-pool-close-hb");
    worker.start();
    assertTrue(warm.await(30, TimeUnit.SECONDS));
    pool.close();
    closed.countDown();
    worker.join(30_000);
    assertFalse(worker.isAlive());
    assertEquals(null, failure.get());
    assertTrue(
        acquireAfterClose.get() instanceof IllegalStateException,
        String.valueOf(acquireAfterClose.get()));
    assertEquals("buffer pool is closed", acquireAfterClose.get().getMessage());
    BufferPoolStats s = pool.stats();
    assertEquals(1, s.created());
    assertEquals(0, s.retained());
    assertEquals(0, s.outstanding());
  }
}
