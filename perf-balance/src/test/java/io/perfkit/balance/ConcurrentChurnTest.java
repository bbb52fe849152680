package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import io.perfkit.balance.hash.BoundedLoadHash;
import io.perfkit.balance.hash.ConsistentHash;
import io.perfkit.balance.hash.ConsistentHashing;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Picks race membership churn: never a removed endpoint after publication, no throws, leases zero. */
final class ConcurrentChurnTest {
  private static final int THREADS = 3;
  private static final int PICKS = 100_000;

  @Test
  void balancers_underChurn() throws Exception {
    for (String kind : List.of("rr", "smooth", "wrandom", "lr", "ewma", "ring", "maglev", "bounded")) {
      run(kind);
    }
  }

  private static void run(String kind) throws Exception {
    List<Endpoint> base = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      base.add(Endpoint.of("stable" + i, 1 + i % 3));
    }
    Balancers b = Balancers.newBuilder().endpoints(base).panicThreshold(0);
    Membership m;
    java.util.function.Supplier<Endpoint> picker;
    List<TrackingBalancer> tracking = new ArrayList<>();
    List<BoundedLoadHash> bounded = new ArrayList<>();
    switch (kind) {
      case "rr" -> {
        Balancer lb = b.roundRobin();
        m = lb;
        picker = lb::pick;
      }
      case "smooth" -> {
        Balancer lb = b.smoothWeightedRoundRobin();
        m = lb;
        picker =
            () -> {
              Endpoint e = lb.pick();
              lb.report(e, e.id().hashCode() % 7 != 0);
              return e;
            };
      }
      case "wrandom" -> {
        Balancer lb = b.weightedRandom();
        m = lb;
        picker = lb::pick;
      }
      case "lr" -> {
        TrackingBalancer lb = b.leastRequest();
        tracking.add(lb);
        m = lb;
        picker = () -> useLease(lb.pick());
      }
      case "ewma" -> {
        TrackingBalancer lb = b.peakEwma();
        tracking.add(lb);
        m = lb;
        picker = () -> useLease(lb.pick());
      }
      case "ring" -> {
        ConsistentHash lb = hashing(base).virtualNodes(64).ring();
        m = lb;
        picker = () -> lb.pick(ThreadLocalRandom.current().nextLong());
      }
      case "maglev" -> {
        ConsistentHash lb = hashing(base).tableSize(1009).maglev();
        m = lb;
        picker = () -> lb.pick(ThreadLocalRandom.current().nextLong());
      }
      default -> {
        BoundedLoadHash lb = hashing(base).virtualNodes(64).boundedLoad();
        bounded.add(lb);
        m = lb;
        picker = () -> useLease(lb.pick(ThreadLocalRandom.current().nextLong()));
      }
    }
    // "gone" holds the id whose removal has been published; pickers that start after reading it
    // must never return it.
    AtomicReference<String> gone = new AtomicReference<>("none");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong violations = new AtomicLong();
    AtomicReference<Throwable> error = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      Thread thread =
          new Thread(
              () -> {
                try {
                  start.await();
                  for (int i = 0; i < PICKS && !stop.get(); i++) {
                    String removed = gone.get();
                    Endpoint e = picker.get();
                    if (e.id().equals(removed)) {
                      violations.incrementAndGet();
                    }
                  }
                } catch (Throwable x) {
                  error.compareAndSet(null, x);
                }
              });
      thread.start();
      threads.add(thread);
    }
    start.countDown();
    for (int round = 0; round < 300; round++) {
      String id = "churn" + round;
      m.add(Endpoint.of(id, 1 + round % 4));
      m.update(Endpoint.of("stable" + (round % 8), 1 + round % 5));
      m.remove(id);
      gone.set(id);
    }
    for (Thread t : threads) {
      t.join(20_000);
    }
    stop.set(true);
    if (error.get() != null) {
      throw new AssertionError(kind, error.get());
    }
    assertEquals(0, violations.get(), kind);
    for (TrackingBalancer lb : tracking) {
      for (Endpoint e : lb.endpoints()) {
        assertEquals(0, lb.inFlight(e.id()), kind + " " + e.id());
      }
    }
    for (BoundedLoadHash lb : bounded) {
      assertEquals(0, lb.totalInFlight(), kind);
      for (Endpoint e : lb.endpoints()) {
        assertEquals(0, lb.inFlight(e.id()), kind + " " + e.id());
      }
    }
    assertTrue(m.endpoints().size() == 8, kind);
  }

  private static ConsistentHashing hashing(List<Endpoint> base) {
    return ConsistentHashing.newBuilder().endpoints(base).panicThreshold(0);
  }

  private static Endpoint useLease(Lease lease) {
    lease.complete(1000, true);
    return lease.endpoint();
  }
}
