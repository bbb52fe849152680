package io.perfkit.core.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

final class PaddedAtomicLongTest {

  @Test
  void accessors_behaveLikeAtomicLong() {
    PaddedAtomicLong counter = new PaddedAtomicLong();
    assertEquals(0, counter.get());
    counter.set(5);
    assertEquals(5, counter.getAcquire());
    counter.setRelease(6);
    assertEquals(6, counter.getOpaque());
    counter.lazySet(7);
    assertEquals(7, counter.getPlain());
    counter.setOpaque(8);
    counter.setPlain(9);
    assertEquals(9, counter.getAndSet(10));
    assertEquals(10, counter.getAndAdd(5));
    assertEquals(20, counter.addAndGet(5));
    assertEquals(20, counter.getAndIncrement());
    assertEquals(22, counter.incrementAndGet());
    assertEquals(21, counter.decrementAndGet());
    assertFalse(counter.compareAndSet(0, 1));
    assertTrue(counter.compareAndSet(21, 30));
    while (!counter.weakCompareAndSet(30, 31)) {
      // spurious failure allowed
    }
    assertEquals(31, counter.get());
    assertEquals("31", counter.toString());
    assertEquals(-4, new PaddedAtomicLong(-4).get());
  }

  @Property(tries = 200)
  void addAndGet_matchesModel(@ForAll long initial, @ForAll List<Long> deltas) {
    PaddedAtomicLong counter = new PaddedAtomicLong(initial);
    long model = initial;
    for (long delta : deltas) {
      long previous = counter.getAndAdd(delta);
      assertEquals(model, previous);
      model += delta;
    }
    assertEquals(model, counter.get());
  }

  @Test
  void stress_concurrentIncrementsAndCas_noLostUpdates() throws InterruptedException {
    PaddedAtomicLong counter = new PaddedAtomicLong();
    int threads = 4;
    int perThread = 100_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      boolean useCas = (t & 1) == 1;
      Thread thread = new Thread(() -> {
        await(start);
        for (int i = 0; i < perThread; i++) {
          if (useCas) {
            long v;
            do {
              v = counter.get();
            } while (!counter.compareAndSet(v, v + 1));
          } else {
            counter.incrementAndGet();
          }
        }
      });
      workers.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : workers) {
      thread.join();
    }
    assertEquals((long) threads * perThread, counter.get());
  }

  static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
