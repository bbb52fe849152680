package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Runs on JDK 21+ only (the JDK 25 CI pass): virtual threads must not get buffer caches. */
final class BufferPoolVirtualThreadTest {
  private static final int THREADS = 5_000;

  @Test
  void virtualThreads_getNoThreadCache() throws Exception {
    assumeTrue(Runtime.version().feature() >= 21, "virtual threads need JDK 21+");
    BufferPool pool = BufferPool.newBuilder().direct(true).maxRetainedBytes(64 * 1024).build();
    AtomicInteger sawVirtual = new AtomicInteger();
    List<Future<?>> futures = new ArrayList<>(THREADS);
    ExecutorService executor =
        (ExecutorService)
            Executors.class.getMethod("newVirtualThreadPerTaskExecutor").invoke(null);
    try {
      for (int i = 0; i < THREADS; i++) {
        futures.add(
            executor.submit(
                () -> {
                  if (VirtualThreads.isVirtual(Thread.currentThread())) {
                    sawVirtual.incrementAndGet();
                  }
                  ByteBuffer a = pool.acquire(1000);
                  ByteBuffer b = pool.acquire(4000);
                  pool.release(a);
                  pool.release(b);
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
    BufferPoolStats s = pool.stats();
    assertEquals(0, s.outstanding(), s.toString());
    assertTrue(s.retainedBytes() <= 64 * 1024, s.toString());
    assertEquals(2L * THREADS, s.created() + s.reused(), s.toString());
    assertEquals(s.created(), s.retained() + s.discarded(), s.toString());
  }
}
