package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Bounded concurrent stress of the P2C pick paths (peak EWMA, and least request above its
 * full-scan threshold): threads pick, keep leases open, complete them in random order with all
 * three completion kinds, hand some to another thread to complete, and try double completions.
 * In-flight counts are checked exactly: mid-run they equal the leases still open, and at the end
 * every endpoint is back to zero.
 */
final class TrackingStressTest {
  private static final int THREADS = 3;
  private static final int PICKS = 60_000;
  private static final int OPEN = 32;

  @ParameterizedTest
  @CsvSource({"ewma, 10", "ewma, 1000", "lr, 10", "lr, 1000"})
  void inFlightCountsAreExact(String kind, int endpoints) throws Exception {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      list.add(Endpoint.of("e" + i, 1)); // equal weights: least request's integer P2C path
    }
    Balancers b = Balancers.newBuilder().endpoints(list);
    TrackingBalancer lb = kind.equals("ewma") ? b.peakEwma() : b.leastRequest();
    ConcurrentLinkedQueue<Lease> handoff = new ConcurrentLinkedQueue<>();
    List<List<Lease>> kept = new ArrayList<>();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CyclicBarrier paused = new CyclicBarrier(THREADS + 1);
    CyclicBarrier resume = new CyclicBarrier(THREADS + 1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      List<Lease> mine = new ArrayList<>();
      kept.add(mine);
      long seed = t;
      Thread thread =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(seed);
                ArrayDeque<Lease> open = new ArrayDeque<>();
                try {
                  for (int i = 0; i < PICKS; i++) {
                    open.add(lb.pick());
                    if (open.size() >= OPEN) {
                      finish(open.poll(), random, handoff);
                    }
                    Lease other = handoff.poll();
                    if (other != null) {
                      other.complete(random.nextLong(1, 5_000_000), random.nextBoolean());
                      // a second completion throws and changes nothing
                      assertThrows(IllegalStateException.class, other::cancel);
                    }
                  }
                  mine.addAll(open); // left open across the check below
                  paused.await();
                  resume.await();
                  for (Lease lease : mine) {
                    finish(lease, random, handoff);
                  }
                } catch (Throwable e) {
                  error.compareAndSet(null, e);
                  paused.reset();
                  resume.reset();
                }
              },
              "tracking-stress-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    paused.await();
    // every thread is parked: the in-flight total is exactly the leases open right now
    int open = (int) kept.stream().mapToLong(List::size).sum() + handoff.size();
    assertEquals(open, totalInFlight(lb, list), kind);
    resume.await();
    for (Thread t : threads) {
      t.join(30_000);
    }
    if (error.get() != null) {
      throw new AssertionError(kind, error.get());
    }
    for (Lease lease; (lease = handoff.poll()) != null; ) {
      lease.close();
    }
    for (Endpoint e : list) {
      assertEquals(0, lb.inFlight(e.id()), kind + " " + e.id());
    }
    for (List<Lease> mine : kept) {
      for (Lease lease : mine) {
        assertTrue(lease.isDone());
      }
    }
  }

  private static void finish(Lease lease, SplittableRandom random, ConcurrentLinkedQueue<Lease> handoff) {
    switch (random.nextInt(5)) {
      case 0 -> lease.complete(random.nextLong(1, 5_000_000), true);
      case 1 -> lease.complete(random.nextBoolean());
      case 2 -> lease.cancel();
      case 3 -> lease.close();
      default -> handoff.add(lease); // completed by whichever thread polls it
    }
  }

  private static int totalInFlight(TrackingBalancer lb, List<Endpoint> list) {
    int total = 0;
    for (Endpoint e : list) {
      total += lb.inFlight(e.id());
    }
    return total;
  }
}
