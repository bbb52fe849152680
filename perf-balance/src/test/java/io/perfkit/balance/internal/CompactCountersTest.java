package io.perfkit.balance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

final class CompactCountersTest {
  @Test
  void smallSetSharesOneChunkWithDistinctSlots_largeSetIsPadded() {
    CompactCounters counters = new CompactCounters();
    List<Load> loads = new ArrayList<>();
    for (int i = 0; i < CompactCounters.CHUNK; i++) {
      loads.add(counters.newLoad(0, 10));
    }
    int[] chunk = loads.get(0).cells();
    assertEquals(CompactCounters.CHUNK, chunk.length);
    for (int i = 0; i < loads.size(); i++) {
      assertSame(chunk, loads.get(i).cells());
      assertEquals(i, loads.get(i).cell());
    }
    // a full chunk is never reused: the next counter starts a new one
    Load next = counters.newLoad(0, 10);
    assertNotSame(chunk, next.cells());
    assertEquals(0, next.cell());
    // a set above the limit gets padded counters
    Load big = counters.newLoad(0, CompactCounters.SET_LIMIT + 1);
    assertNull(big.cells());
    assertNull(new Load(0).cells());
  }

  @Test
  void compactCountsTouchOnlyTheirOwnSlot() {
    CompactCounters counters = new CompactCounters();
    Load a = counters.newLoad(0, 2);
    Load b = counters.newLoad(0, 2);
    assertEquals(1, a.incrementPending());
    assertEquals(2, a.incrementPending());
    assertEquals(1, b.incrementPending());
    assertEquals(1, a.decrementPending());
    assertEquals(1, a.pending());
    assertEquals(1, b.pending());
    assertEquals(1, a.cells()[a.cell()]);
    assertEquals(1, b.cells()[b.cell()]);
    // bounded load's capped increment on a compact counter
    assertTrue(b.tryIncrementBelow(3));
    assertFalse(b.tryIncrementBelow(2));
    assertEquals(2, b.pending());
    assertEquals(1, a.pending());
  }

  @Test
  void concurrentIncrementsAndDecrementsOfNeighbouringSlotsAreExact() throws Exception {
    CompactCounters counters = new CompactCounters();
    Load[] loads = new Load[4];
    for (int i = 0; i < loads.length; i++) {
      loads[i] = counters.newLoad(0, loads.length);
    }
    int threads = 4;
    int rounds = 200_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> list = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (int i = 0; i < rounds; i++) {
                  Load load = loads[(id + i) % loads.length];
                  load.incrementPending();
                  if ((i & 1) == 1) {
                    loads[(id + i - 1) % loads.length].decrementPending();
                  }
                }
              });
      list.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread t : list) {
      t.join();
    }
    // each thread leaves one increment per two rounds on each of the slots it touched
    int total = 0;
    for (Load load : loads) {
      total += load.pending();
    }
    assertEquals(threads * rounds / 2, total);
  }
}
