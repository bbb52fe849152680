package io.perfkit.balance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link Load}'s peak-EWMA estimate against a direct port of Finagle's {@code PeakEwma}: (stamp,
 * cost) under a lock, where a read observes 0.
 */
final class LoadTest {
  private static final double TAU = Duration.ofSeconds(10).toNanos();

  /** Finagle's PeakEwma, line by line: the reference. */
  static final class FinaglePeakEwma {
    private final double tau;
    private long stamp;
    private double cost;

    FinaglePeakEwma(long epoch, double tau) {
      this.stamp = epoch;
      this.tau = tau;
    }

    synchronized void observe(double rtt, long t) {
      long td = Math.max(t - stamp, 0);
      double w = Math.exp(-td / tau);
      if (rtt > cost) {
        cost = rtt;
      } else {
        cost = cost * w + rtt * (1.0 - w);
      }
      stamp = t;
    }

    synchronized double get(long t) {
      observe(0.0, t);
      return cost;
    }
  }

  /** One step: advance the fake clock by {@code dt}, then read (rtt < 0) or observe rtt. */
  record Op(long dt, double rtt) {}

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<Long> dt =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.just(0L)),
            Tuple.of(6, Arbitraries.longs().between(1, 1_000_000_000L)),
            Tuple.of(2, Arbitraries.longs().between(1, 200_000_000_000L)));
    Arbitrary<Double> rtt =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.just(-1.0)),
            Tuple.of(1, Arbitraries.just(0.0)),
            Tuple.of(4, Arbitraries.doubles().between(1, 5e9)));
    return Combinators.combine(dt, rtt).as(Op::new);
  }

  private static void assertClose(double expected, double actual, String what) {
    double scale = Math.max(Math.abs(expected), Math.abs(actual));
    assertTrue(
        Math.abs(expected - actual) <= 1e-9 * scale || scale < 1e-290,
        what + ": expected " + expected + " but was " + actual);
  }

  @Property(tries = 300)
  void sameCostSequenceAsFinagle(
      @ForAll @Size(min = 1, max = 400) List<@From("ops") Op> ops,
      @ForAll("epochs") long epoch) {
    Load load = new Load(epoch);
    FinaglePeakEwma reference = new FinaglePeakEwma(epoch, TAU);
    long now = epoch;
    int i = 0;
    for (Op op : ops) {
      now += op.dt();
      if (op.rtt() < 0) {
        assertClose(reference.get(now), load.cost(now, TAU), "read " + i + " at " + now);
      } else {
        reference.observe(op.rtt(), now);
        assertClose(reference.get(now), load.observe(op.rtt(), now, TAU), "observe " + i);
      }
      assertEquals(now, load.stamp());
      i++;
    }
  }

  @Provide
  Arbitrary<Long> epochs() {
    // ticker origins: zero, System.nanoTime-like (large, possibly negative) and near overflow
    return Arbitraries.of(0L, 123_456_789_012_345L, -5_000_000_000_000_000L, 4_000_000_000_000_000_000L);
  }

  @Test
  void readIsUpdate_readBetweenObservationsChangesNextWeight() {
    double w = Math.exp(-0.5); // 5 s at tau 10 s
    Load withRead = new Load(0);
    withRead.observe(20e6, 0, TAU);
    assertEquals(20e6 * w, withRead.cost(5_000_000_000L, TAU), 1e-6);
    // the read moved the stamp to 5 s: the next sample weighs 1 - exp(-0.5), as in Finagle
    assertEquals(
        20e6 * w * w + 1e6 * (1 - w), withRead.observe(1e6, 10_000_000_000L, TAU), 1e-6);

    Load noRead = new Load(0);
    noRead.observe(20e6, 0, TAU);
    double w10 = Math.exp(-1.0);
    assertEquals(20e6 * w10 + 1e6 * (1 - w10), noRead.observe(1e6, 10_000_000_000L, TAU), 1e-6);
  }

  @Test
  void sampleAtTheStampTime_belowTheCost_changesNothing() {
    Load load = new Load(0);
    FinaglePeakEwma reference = new FinaglePeakEwma(0, TAU);
    load.observe(8e6, 0, TAU);
    reference.observe(8e6, 0);
    long five = 5_000_000_000L;
    assertClose(reference.get(five), load.cost(five, TAU), "read at 5 s"); // stamp 5 s, anchor 0
    // t == stamp, rtt below the cost: Finagle's weight is exp(0) = 1, the cost stays (decayed anchor)
    reference.observe(1e6, five);
    assertClose(reference.get(five), load.observe(1e6, five, TAU), "sample at the stamp");
    // again, now with the anchor at the stamp too (nothing to publish)
    reference.observe(2e6, five);
    assertClose(reference.get(five), load.observe(2e6, five, TAU), "second sample at the stamp");
    assertEquals(five, load.stamp());
    // a higher sample at the same time is still a peak, and the decay afterwards is Finagle's
    reference.observe(9e6, five);
    assertEquals(9e6, load.observe(9e6, five, TAU));
    assertClose(reference.get(2 * five), load.cost(2 * five, TAU), "read at 10 s");
  }

  @Test
  void unsampled_costZeroAtAnyTime() {
    Load load = new Load(-7);
    assertEquals(0.0, load.cost(-7, TAU));
    assertEquals(0.0, load.cost(Long.MAX_VALUE / 2, TAU));
    assertEquals(Long.MAX_VALUE / 2, load.stamp());
  }

  @Test
  void staleTime_doesNotMoveStampBackOrDecay() {
    Load load = new Load(1_000);
    load.observe(5e6, 2_000_000_000L, TAU);
    assertEquals(5e6, load.cost(1_000_000_000L, TAU)); // a clock read before the stamp: no decay
    assertEquals(2_000_000_000L, load.stamp());
    // an observation with an older time is applied at the stamp (no negative elapsed time)
    assertEquals(5e6, load.observe(1e6, 0, TAU));
    assertEquals(2_000_000_000L, load.stamp());
  }

  @Test
  void largeElapsed_decaysToZeroWithoutNaN() {
    Load load = new Load(0);
    load.observe(1e9, 0, TAU);
    assertEquals(0.0, load.cost(Long.MAX_VALUE, TAU));
    assertEquals(3e6, load.observe(3e6, Long.MAX_VALUE, TAU));
  }

  /** Replays {@code ops} (as in sameCostSequenceAsFinagle) on a fresh load; returns the end time. */
  private static long replay(Load load, List<Op> ops, long start, double scale) {
    long now = start;
    for (Op op : ops) {
      now += op.dt();
      if (op.rtt() < 0) {
        load.cost(now, TAU);
      } else {
        load.observe(op.rtt() * scale, now, TAU);
      }
    }
    return now;
  }

  /**
   * The log-domain P2C decision always equals the comparison of the exact loads, including exact
   * ties (b = a's history scaled by 2 with pending 0 against a's pending 1) and unsampled endpoints.
   */
  @Property(tries = 400)
  void firstWins_sameDecisionAsExactLoads(
      @ForAll @Size(max = 60) List<@From("ops") Op> opsA,
      @ForAll @Size(max = 60) List<@From("ops") Op> opsB,
      @ForAll("pendings") int pendingA,
      @ForAll("pendings") int pendingB,
      @ForAll("relations") int relation,
      @ForAll @net.jqwik.api.constraints.LongRange(min = 0, max = 100_000_000_000L) long later) {
    List<Op> historyB =
        switch (relation) {
          case 0 -> opsB;
          default -> opsA; // same history (tie) or the same history scaled (2, 3)
        };
    double scaleB = relation == 2 ? 2.0 : 1.0;
    if (relation == 2) {
      pendingA = 2 * pendingB + 1; // cost_b = 2 cost_a exactly: (pa + 1) cost_a = (pb + 1) cost_b
    }
    if (relation == 3) {
      // in-flight counts beyond the log table whose ratio nearly cancels the costs' ratio: the
      // loads differ by 1e-7 relative, inside the factor bounds' gap, so only the exact ln decides
      pendingB = 256 + pendingB % 100_000;
      pendingA = pendingB + 1 + pendingB / 7;
      double eta = later % 2 == 0 ? 1e-7 : -1e-7;
      scaleB = (pendingA + 1.0) / (pendingB + 1.0) * (1 + eta);
    }
    Load[] loads = new Load[8];
    long end = 0;
    for (int k = 0; k < 8; k++) {
      loads[k] = new Load(0);
      end = Math.max(end, replay(loads[k], k % 2 == 0 ? opsA : historyB, 0, k % 2 == 0 ? 1.0 : scaleB));
    }
    for (int k = 0; k < 8; k++) {
      for (int i = 0; i < (k % 2 == 0 ? pendingA : pendingB); i++) {
        loads[k].incrementPending();
      }
    }
    long now = end + later;
    boolean exact =
        loads[0].load(pendingA, now, TAU) <= loads[1].load(pendingB, now, TAU);
    assertEquals(exact, Load.firstWins(loads[2], loads[3], now, TAU));
    assertEquals(loads[0].stamp(), loads[2].stamp());
    assertEquals(loads[1].stamp(), loads[3].stamp());
    // the balancer's split form: decide read-only, then both reads' stamp writes
    long stampA = loads[4].stamp();
    long stampB = loads[5].stamp();
    assertEquals(exact, Load.decide(loads[4], loads[5], now, TAU));
    assertEquals(stampA, loads[4].stamp());
    assertEquals(stampB, loads[5].stamp());
    loads[4].touch(now);
    loads[5].touch(now);
    assertEquals(loads[0].stamp(), loads[4].stamp());
    assertEquals(loads[1].stamp(), loads[5].stamp());
    // the balancer's order since session 7: both stamp writes first, then the decision
    loads[6].touch(now);
    loads[7].touch(now);
    assertEquals(exact, Load.decide(loads[6], loads[7], now, TAU));
    assertEquals(loads[0].stamp(), loads[6].stamp());
    assertEquals(loads[1].stamp(), loads[7].stamp());
    assertEquals(loads[0].cost(now, TAU), loads[6].cost(now, TAU));
    assertEquals(loads[1].cost(now, TAU), loads[7].cost(now, TAU));
  }

  @Provide
  Arbitrary<Integer> pendings() {
    return Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.just(0)),
        Tuple.of(3, Arbitraries.integers().between(1, 10)),
        Tuple.of(1, Arbitraries.integers().between(250, 300)),
        // beyond the log table: the factor bounds and the Math.log fallback decide
        Tuple.of(2, Arbitraries.integers().between(256, 5_000_000)));
  }

  @Provide
  Arbitrary<Integer> relations() {
    return Arbitraries.integers().between(0, 3);
  }

  @Test
  void firstWins_exactTieGoesToFirst() {
    Load a = new Load(0);
    Load b = new Load(0);
    a.observe(3e6, 0, TAU);
    b.observe(6e6, 0, TAU);
    a.incrementPending(); // 3e6 * 2 == 6e6 * 1
    assertTrue(Load.firstWins(a, b, 7_000_000_000L, TAU));
    assertTrue(Load.firstWins(b, a, 7_000_000_000L, TAU));
  }

  /**
   * Threads read and observe concurrently with their own clocks: the stamp ends exactly at the
   * largest time used (no lost maximum), every value is finite and within [0, largest sample], and
   * the in-flight count returns to zero.
   */
  @Test
  void concurrentReadsAndObservations_stampIsMaximumAndValuesBounded() throws Exception {
    int threads = 4;
    int rounds = 200_000;
    Load load = new Load(0);
    AtomicLong maxTime = new AtomicLong();
    List<Throwable> failures = new ArrayList<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      long seed = k;
      Thread t =
          new Thread(
              () -> {
                SplittableRandom random = new SplittableRandom(seed);
                long now = 0;
                long localMax = 0;
                try {
                  start.await();
                  for (int i = 0; i < rounds; i++) {
                    now += random.nextLong(1_000_000L);
                    localMax = now;
                    load.incrementPending();
                    double c =
                        random.nextInt(4) == 0
                            ? load.observe(random.nextDouble(1e6, 2e6), now, TAU)
                            : load.cost(now, TAU);
                    if (!(c >= 0.0 && c <= 2e6)) {
                      throw new AssertionError("cost out of range: " + c);
                    }
                    load.decrementPending();
                  }
                  maxTime.accumulateAndGet(localMax, Math::max);
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              },
              "load-stress-" + k);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    start.countDown();
    for (Thread t : workers) {
      t.join();
    }
    assertEquals(List.of(), failures);
    assertEquals(maxTime.get(), load.stamp());
    assertEquals(0, load.pending());
  }
}
