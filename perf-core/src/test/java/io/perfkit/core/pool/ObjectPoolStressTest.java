package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several threads acquire, check exclusive ownership by identity, and release either themselves or
 * through another thread (cross-thread release). Counts are checked exactly at the end.
 */
final class ObjectPoolStressTest {
  private static final int THREADS = 4;
  private static final int OPS_PER_THREAD = 100_000;

  @ParameterizedTest
  @ValueSource(
      strings = {
        "recycler",
        "recycler-no-cache",
        "bounded",
        "recycler-handles",
        "recycler-no-cache-handles",
        "bounded-handles"
      })
  void concurrentAcquireRelease_identityAndCounts(String mode) throws Exception {
    ObjectPool.Builder<Item> builder =
        ObjectPool.newBuilder(Item::new).reset(i -> i.resets.incrementAndGet());
    int maxTotal = 3;
    // "-handles": each thread also has a LocalHandle and picks the handle or the pool at random
    // for every acquisition and release, so objects move between handles, the pool and threads.
    boolean handles = mode.endsWith("-handles");
    switch (mode.replace("-handles", "")) {
      case "recycler" -> builder.threadCacheSize(4).maxRetained(8);
      case "recycler-no-cache" -> builder.threadCacheSize(0).maxRetained(8);
      case "bounded" -> builder.maxTotal(maxTotal).maxWait(Duration.ofSeconds(30));
      default -> throw new AssertionError(mode);
    }
    ObjectPool<Item> pool = builder.build();
    Queue<Item> handoff = new ConcurrentLinkedQueue<>();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong acquires = new AtomicLong();
    AtomicLong releases = new AtomicLong();
    AtomicInteger held = new AtomicInteger();
    AtomicInteger maxHeld = new AtomicInteger();
    CyclicBarrier start = new CyclicBarrier(THREADS);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      int seed = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  LocalHandle<Item> handle = handles ? pool.localHandle() : null;
                  Object me = new Object();
                  int x = seed;
                  for (int i = 0; i < OPS_PER_THREAD && failure.get() == null; i++) {
                    Item h;
                    while ((h = handoff.poll()) != null) {
                      release(pool, handle, h, me, held, releases);
                    }
                    x = x * 1103515245 + 12345;
                    Item item =
                        handle != null && (x >>> 20) % 2 == 0 ? handle.acquire() : pool.acquire();
                    acquires.incrementAndGet();
                    int now = held.incrementAndGet();
                    maxHeld.accumulateAndGet(now, Math::max);
                    if (!item.holder.compareAndSet(null, me)) {
                      throw new AssertionError("handed to two holders: " + item);
                    }
                    item.payload[0]++;
                    x = x * 1103515245 + 12345;
                    if ((x >>> 16) % 3 == 0) {
                      // Cross-thread: another thread (or this one later) releases it.
                      item.holder.set(handoff);
                      held.decrementAndGet();
                      handoff.add(item);
                    } else {
                      x = x * 1103515245 + 12345;
                      release(
                          pool, (x >>> 20) % 2 == 0 ? handle : null, item, me, held, releases);
                    }
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "pool-stress-" + t);
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
    }
    if (failure.get() != null) {
      throw new AssertionError("worker failed", failure.get());
    }
    Item h;
    Object me = new Object();
    while ((h = handoff.poll()) != null) {
      release(pool, null, h, me, held, releases);
    }
    assertEquals((long) THREADS * OPS_PER_THREAD, acquires.get());
    assertEquals(acquires.get(), releases.get());
    PoolStats s = pool.stats();
    assertEquals(acquires.get(), s.created() + s.reused(), s.toString());
    assertEquals(0, s.outstanding(), s.toString());
    assertEquals(s.created(), s.retained() + s.discarded(), s.toString());
    if (mode.equals("bounded")) {
      assertTrue(maxHeld.get() <= maxTotal, "held at once: " + maxHeld.get());
      assertTrue(s.created() - s.discarded() <= maxTotal, s.toString());
    }
  }

  /** Releases through {@code handle} when it is non-null, else through the pool. */
  private static void release(
      ObjectPool<Item> pool,
      LocalHandle<Item> handle,
      Item item, Object me, AtomicInteger held, AtomicLong releases) {
    Object owner = item.holder.get();
    if (owner != me) {
      // A hand-off: the holder field names the hand-off queue; take it over first.
      held.incrementAndGet();
      if (!item.holder.compareAndSet(owner, me)) {
        throw new AssertionError("hand-off raced: " + item);
      }
    }
    if (!item.holder.compareAndSet(me, null)) {
      throw new AssertionError("lost ownership: " + item);
    }
    held.decrementAndGet();
    releases.incrementAndGet();
    if (handle != null) {
      handle.release(item);
    } else {
      pool.release(item);
    }
  }
}
