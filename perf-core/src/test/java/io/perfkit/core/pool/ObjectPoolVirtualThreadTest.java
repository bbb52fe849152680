package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Runs on JDK 21+ only (the JDK 25 CI pass): virtual threads must not get thread caches. */
final class ObjectPoolVirtualThreadTest {
  private static final int THREADS = 10_000;

  @Test
  void virtualThreads_getNoThreadCache() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    assertTrue(VirtualThreads.supported());
    assertEquals(false, VirtualThreads.isVirtual(Thread.currentThread()));
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).maxRetained(64).build();
    AtomicInteger sawVirtual = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>(THREADS);
    ExecutorService executor = newVirtualThreadPerTaskExecutor();
    try {
      for (int i = 0; i < THREADS; i++) {
        futures.add(
            executor.submit(
                () -> {
                  if (VirtualThreads.isVirtual(Thread.currentThread())) {
                    sawVirtual.incrementAndGet();
                  }
                  Item a = pool.acquire();
                  Item b = pool.acquire();
                  pool.release(a);
                  pool.release(b);
                  try (Lease<Item> lease = pool.lease()) {
                    lease.get().payload[0]++;
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdown(); // ExecutorService is AutoCloseable only from JDK 19
      assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
    }
    assertEquals(THREADS, sawVirtual.get());
    assertEquals(0, pool.threadCacheCount(), "a virtual thread got a thread cache");
    PoolStats s = pool.stats();
    assertEquals(0, s.outstanding());
    assertTrue(s.retained() <= pool.storeCapacity(), s.toString());
    assertEquals(3L * THREADS, s.created() + s.reused());
    assertEquals(s.created(), s.retained() + s.discarded());
  }

  @Test
  void virtualThreadHandles_useTheSharedStore_andAreThreadBound() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    ObjectPool<Item> pool = ObjectPool.newBuilder(Item::new).maxRetained(64).build();
    LocalHandle<Item> platformHandle = pool.localHandle(); // this (platform) thread's
    AtomicInteger wrongThreadRejected = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>(THREADS);
    ExecutorService executor = newVirtualThreadPerTaskExecutor();
    try {
      for (int i = 0; i < THREADS; i++) {
        futures.add(
            executor.submit(
                () -> {
                  assertTrue(VirtualThreads.isVirtual(Thread.currentThread()));
                  LocalHandle<Item> handle = pool.localHandle();
                  assertTrue(handle.toString().contains("shared store"), handle.toString());
                  Item a = handle.acquire();
                  Item b = pool.acquire();
                  handle.release(b); // acquired from the pool, released through the handle
                  pool.release(a); // and the other way round
                  handle.release(handle.acquire());
                  try {
                    platformHandle.acquire();
                  } catch (IllegalStateException expected) {
                    wrongThreadRejected.incrementAndGet();
                  }
                }));
      }
      for (Future<?> f : futures) {
        f.get(60, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdown();
      assertTrue(executor.awaitTermination(60, TimeUnit.SECONDS));
    }
    assertEquals(THREADS, wrongThreadRejected.get());
    assertEquals(1, pool.threadCacheCount(), "only the platform test thread has a cache");
    PoolStats s = pool.stats();
    assertEquals(0, s.outstanding());
    assertEquals(3L * THREADS, s.created() + s.reused());
    assertEquals(s.created(), s.retained() + s.discarded());
  }

  private static ExecutorService newVirtualThreadPerTaskExecutor() throws Exception {
    // Reflective: the code base compiles against Java 17.
    return (ExecutorService) Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
  }
}
