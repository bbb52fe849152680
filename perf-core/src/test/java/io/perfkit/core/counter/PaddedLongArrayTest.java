package io.perfkit.core.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

final class PaddedLongArrayTest {

  @Test
  void accessors_areIndependentPerSlot() {
    PaddedLongArray array = new PaddedLongArray(3);
    assertEquals(3, array.length());
    array.set(0, 1);
    array.setRelease(1, 2);
    array.setOpaque(2, 3);
    assertEquals(1, array.get(0));
    assertEquals(2, array.getAcquire(1));
    assertEquals(3, array.getOpaque(2));
    assertEquals(3, array.getPlain(2));
    assertEquals(2, array.getAndAdd(1, 10));
    assertEquals(22, array.addAndGet(1, 10));
    assertEquals(4, array.incrementAndGet(2));
    assertFalse(array.compareAndSet(0, 7, 8));
    assertTrue(array.compareAndSet(0, 1, 8));
    assertEquals(8 + 22 + 4, array.sum());
    assertEquals("[8, 22, 4]", array.toString());
  }

  @Test
  void badInput_throws() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new PaddedLongArray(0));
    assertEquals("length: 0 (expected: in [1, " + ((Integer.MAX_VALUE - 32) / 17) + "])", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new PaddedLongArray(-1));
    PaddedLongArray array = new PaddedLongArray(2);
    IndexOutOfBoundsException oob =
        assertThrows(IndexOutOfBoundsException.class, () -> array.get(2));
    assertEquals("index: 2 (expected: in [0, 2))", oob.getMessage());
    assertThrows(IndexOutOfBoundsException.class, () -> array.set(-1, 0));
    assertThrows(IndexOutOfBoundsException.class, () -> array.incrementAndGet(5));
  }

  @Property(tries = 200)
  void writes_matchArrayModel(@ForAll @IntRange(min = 1, max = 8) int length,
      @ForAll List<@IntRange(min = 0, max = 1000) Integer> ops) {
    PaddedLongArray array = new PaddedLongArray(length);
    long[] model = new long[length];
    for (int op : ops) {
      int index = op % length;
      long delta = op - 500;
      assertEquals(model[index], array.getAndAdd(index, delta));
      model[index] += delta;
    }
    long sum = 0;
    for (int i = 0; i < length; i++) {
      assertEquals(model[i], array.get(i));
      sum += model[i];
    }
    assertEquals(sum, array.sum());
  }

  @Test
  void stress_threadPerSlotAndSharedSlot_exactCounts() throws InterruptedException {
    int threads = 4;
    int perThread = 100_000;
    PaddedLongArray array = new PaddedLongArray(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int slot = t;
      Thread thread = new Thread(() -> {
        PaddedAtomicLongTest.await(start);
        for (int i = 0; i < perThread; i++) {
          array.incrementAndGet(slot);
          array.getAndAdd(threads, 1);
        }
      });
      workers.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : workers) {
      thread.join();
    }
    for (int t = 0; t < threads; t++) {
      assertEquals(perThread, array.get(t));
    }
    assertEquals((long) threads * perThread, array.get(threads));
  }
}
