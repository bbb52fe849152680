package io.perfkit.pool.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Concurrent borrowers against a factory that fails and a validator that rejects at random: no
 * resource is ever lent twice, the pool never exceeds its maximum, every borrow either gets a
 * resource or times out (no deadlock), and no slot leaks.
 */
final class ResourcePoolStressTest {

  @Test
  void randomFailures_noDoubleLendingNoSlotLeakNoDeadlock() throws Exception {
    int maxSize = 3;
    Set<ResourcePoolTest.Res> inUse = ConcurrentHashMap.newKeySet();
    Set<ResourcePoolTest.Res> live = ConcurrentHashMap.newKeySet();
    AtomicInteger maxConcurrent = new AtomicInteger();
    AtomicInteger got = new AtomicInteger();
    AtomicInteger timedOut = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    ResourcePool<ResourcePoolTest.Res> pool = ResourcePool.<ResourcePoolTest.Res>newBuilder()
        .factory(() -> {
          if (ThreadLocalRandom.current().nextInt(5) == 0) {
            throw new IllegalStateException("injected create failure");
          }
          ResourcePoolTest.Res r = new ResourcePoolTest.Res();
          live.add(r);
          return r;
        })
        .destroyer(live::remove)
        .validator(r -> ThreadLocalRandom.current().nextInt(10) != 0)
        .createBackoff(Duration.ofNanos(1000))
        .maxSize(maxSize)
        .build();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 5_000; i++) {
            Lease<ResourcePoolTest.Res> lease;
            try {
              lease = pool.borrow(Duration.ofMillis(2));
            } catch (PoolExhaustedException e) {
              timedOut.incrementAndGet();
              continue;
            }
            got.incrementAndGet();
            ResourcePoolTest.Res r = lease.get();
            if (!inUse.add(r)) {
              throw new AssertionError("lent twice: " + r);
            }
            maxConcurrent.accumulateAndGet(inUse.size(), Math::max);
            if (ThreadLocalRandom.current().nextInt(4) == 0) {
              Thread.yield();
            }
            inUse.remove(r);
            if (ThreadLocalRandom.current().nextInt(10) == 0) {
              lease.invalidate();
            } else {
              lease.close();
            }
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread t : threads) {
      t.join(60_000);
      assertTrue(!t.isAlive(), "deadlock: a borrower is still running");
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(20_000, got.get() + timedOut.get());
    assertTrue(maxConcurrent.get() <= maxSize);
    ResourcePoolStats s = pool.stats();
    assertEquals(0, s.active());
    assertEquals(0, s.waiting());
    assertTrue(s.total() <= maxSize);
    assertEquals(s.idle(), s.total(), "slots leaked: " + s);
    assertEquals(s.created() - s.destroyed(), s.total());
    assertEquals(live.size(), s.total());
    assertTrue(s.createFailures() > 0 && got.get() > 1000, s.toString());
    pool.close();
    assertEquals(Set.of(), live);
  }
}
