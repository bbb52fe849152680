package io.perfkit.balance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;

final class CountingLeaseTest {
  private static final Endpoint E = Endpoint.of("e");

  private static CountingLease open(Load load) {
    load.incrementPending();
    return new CountingLease(E, load);
  }

  @Test
  void everyCompletionKindDecrementsOnce_secondThrows() {
    List<Consumer<CountingLease>> kinds =
        List.of(l -> l.complete(5, true), l -> l.complete(false), CountingLease::cancel, l -> l.fail(7));
    for (Consumer<CountingLease> first : kinds) {
      for (Consumer<CountingLease> second : kinds) {
        Load load = new Load(0);
        CountingLease lease = open(load);
        assertFalse(lease.isDone());
        assertEquals(1, load.pending());
        first.accept(lease);
        assertTrue(lease.isDone());
        assertEquals(0, load.pending());
        IllegalStateException e =
            assertThrows(IllegalStateException.class, () -> second.accept(lease));
        assertEquals("lease already completed: endpoint e", e.getMessage());
        lease.close(); // idempotent after completion
        assertEquals(0, load.pending());
      }
    }
  }

  @Test
  void closeCancelsAnOpenLeaseOnce_negativeLatencyRejectedWithoutCompleting() {
    Load load = new Load(0);
    CountingLease lease = open(load);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> lease.complete(-1, true));
    assertTrue(e.getMessage().startsWith("latencyNanos: -1"), e.getMessage());
    assertFalse(lease.isDone());
    assertEquals(1, load.pending());
    lease.close();
    lease.close();
    assertTrue(lease.isDone());
    assertEquals(0, load.pending());
    assertEquals(E, lease.endpoint());
  }

  @Test
  void racingCompletionsDecrementExactlyOnce() throws Exception {
    Load load = new Load(0);
    int leases = 2_000;
    List<CountingLease> list = new ArrayList<>();
    for (int i = 0; i < leases; i++) {
      list.add(open(load));
    }
    int threads = 4;
    AtomicInteger wins = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int kind = t;
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException x) {
                  Thread.currentThread().interrupt();
                  return;
                }
                for (CountingLease lease : list) {
                  try {
                    if (kind == 0) {
                      lease.cancel();
                    } else {
                      lease.complete(kind, true);
                    }
                    wins.incrementAndGet();
                  } catch (IllegalStateException lost) {
                    // another thread completed it first
                  }
                }
              });
      workers.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread t : workers) {
      t.join();
    }
    assertEquals(leases, wins.get());
    assertEquals(0, load.pending());
  }

  @Test
  @Tag("jol")
  void instanceIs24Bytes() {
    // the point of this lease: 24 bytes instead of TrackedLease's 40 (compressed references)
    long size = ClassLayout.parseClass(CountingLease.class).instanceSize();
    assertTrue(size <= 24, ClassLayout.parseClass(CountingLease.class).toPrintable());
  }
}
