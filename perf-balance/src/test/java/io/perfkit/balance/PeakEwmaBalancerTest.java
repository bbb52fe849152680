package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.internal.RandomSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.statistics.Statistics;
import org.junit.jupiter.api.Test;

/**
 * {@link PeakEwmaBalancer} against Finagle's P2C over {@code PeakEwma}, ported line by line with an
 * injected clock: every pick must choose the endpoint Finagle chooses from the same random draws
 * and the same history of picks, completions and clock steps.
 */
final class PeakEwmaBalancerTest {
  private static final double TAU = Duration.ofSeconds(10).toNanos();
  private static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  /**
   * Loads closer than this (relative) are near ties: the reference multiplies the cost by one
   * decay factor per read, perfkit by one factor since the last sample, so the two exact values
   * may differ by a few ulps (relative 1e-15 per step, far below this bound), and either choice is
   * Finagle's for some rounding. The test then lets the reference follow perfkit's choice. Seen in
   * 3,000 tries: about one run in 150 has such a pick, its loads 0 to 8e-15 apart (relative).
   */
  private static final double NEAR_TIE = 1e-12;

  /** Finagle's {@code PeakEwma.Metric}: (stamp, cost, pending) under one lock, a read observes 0. */
  static final class FinagleMetric {
    private long stamp;
    private double cost;
    private int pending;

    FinagleMetric(long epoch) {
      this.stamp = epoch;
    }

    private void observe(double rtt, long t) {
      long td = Math.max(t - stamp, 0);
      double w = Math.exp(-td / TAU);
      if (rtt > cost) {
        cost = rtt;
      } else {
        cost = cost * w + rtt * (1.0 - w);
      }
      stamp = t;
    }

    double get(long t) {
      observe(0.0, t);
      if (cost == 0.0 && pending != 0) {
        return PENALTY + pending;
      }
      return cost * (pending + 1);
    }

    void start() {
      pending += 1;
    }

    void end(double rtt, long t) {
      pending -= 1;
      observe(rtt, t);
    }
  }

  /** Finagle's P2C distributor over the metrics, drawing from perfkit's seeded source. */
  static final class FinagleP2c {
    final FinagleMetric[] nodes;
    final RandomSource random;

    FinagleP2c(int n, long epoch, long seed) {
      nodes = new FinagleMetric[n];
      for (int i = 0; i < n; i++) {
        nodes[i] = new FinagleMetric(epoch);
      }
      random = RandomSource.seeded(seed);
    }
  }

  /** One step: advance the clock, pick, complete the k-th open lease (timed or given), or cancel. */
  record Op(int kind, long dt, int k, long latency) {}

  @Provide
  Arbitrary<Op> ops() {
    Arbitrary<Long> dt =
        Arbitraries.frequencyOf(
            Tuple.of(2, Arbitraries.just(0L)),
            Tuple.of(4, Arbitraries.longs().between(1, 2_000_000L)),
            Tuple.of(3, Arbitraries.longs().between(1, 5_000_000_000L)),
            Tuple.of(1, Arbitraries.longs().between(1, 400_000_000_000L)));
    // a few distinct latencies recur, so equal costs (exact ties) happen; the rest are arbitrary
    Arbitrary<Long> latency =
        Arbitraries.frequencyOf(
            Tuple.of(3, Arbitraries.of(1_000_000L, 2_000_000L, 4_000_000L)),
            Tuple.of(2, Arbitraries.longs().between(0, 5_000_000_000L)));
    Arbitrary<Integer> kind =
        Arbitraries.frequencyOf(
            Tuple.of(4, Arbitraries.just(0)), // advance
            Tuple.of(6, Arbitraries.just(1)), // pick
            Tuple.of(3, Arbitraries.just(2)), // complete(latency, success)
            Tuple.of(2, Arbitraries.just(3)), // complete(success): timed by the lease
            Tuple.of(1, Arbitraries.just(4))); // cancel
    return Combinators.combine(kind, dt, Arbitraries.integers().between(0, 1 << 20), latency)
        .as(Op::new);
  }

  private record Open(Lease lease, int node, long start) {}

  @Property(tries = 300)
  void pick_sameChoiceAsFinagle(
      @ForAll @Size(min = 1, max = 400) List<@From("ops") Op> ops,
      @ForAll @IntRange(min = 2, max = 7) int n,
      @ForAll long seed) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      endpoints.add(Endpoint.of("e" + i, 1));
    }
    FakeTicker ticker = new FakeTicker();
    FinagleP2c reference = new FinagleP2c(n, ticker.read(), seed);
    TrackingBalancer lb =
        Balancers.newBuilder()
            .endpoints(endpoints)
            .ticker(ticker)
            .seed(seed)
            .decayTime(Duration.ofSeconds(10))
            .peakEwma();
    List<Open> open = new ArrayList<>();
    int step = 0;
    boolean exactTie = false; // equal costed loads: the first candidate must win
    boolean penalisedPair = false; // two busy unsampled candidates: the less busy must win
    boolean nearTie = false; // a near tie decided the other way than the port's rounding
    for (Op op : ops) {
      long now = ticker.read();
      switch (op.kind()) {
        case 0 -> ticker.advanceNanos(op.dt());
        case 1 -> {
          long pair = reference.random.nextPair(n, n - 1);
          int a = (int) (pair >>> 32);
          int b = (int) pair;
          if (b >= a) {
            b++;
          }
          double la = reference.nodes[a].get(now);
          double lb2 = reference.nodes[b].get(now);
          int expected = la <= lb2 ? a : b;
          exactTie |= la == lb2 && la > 0 && la < PENALTY;
          penalisedPair |= la > PENALTY && lb2 > PENALTY;
          Lease lease = lb.pick();
          int chosen = Integer.parseInt(lease.endpoint().id().substring(1));
          if (chosen != expected) {
            nearTie = true;
            assertTrue(
                (chosen == a || chosen == b)
                    && Math.abs(la - lb2) <= NEAR_TIE * Math.max(la, lb2)
                    && la < PENALTY
                    && lb2 < PENALTY,
                "step " + step + ": chose e" + chosen + ", Finagle e" + expected + " (loads "
                    + la + " vs " + lb2 + ")");
          }
          reference.nodes[chosen].start();
          open.add(new Open(lease, chosen, now));
        }
        default -> {
          if (!open.isEmpty()) {
            Open o = open.remove(op.k() % open.size());
            FinagleMetric node = reference.nodes[o.node()];
            switch (op.kind()) {
              case 2 -> {
                o.lease().complete(op.latency(), op.latency() % 2 == 0);
                node.end(op.latency(), now);
              }
              case 3 -> {
                o.lease().complete(true);
                node.end(now - o.start(), now);
              }
              default -> {
                // cancel: the request was never sent, so no sample (Finagle has no such path)
                o.lease().cancel();
                node.pending -= 1;
              }
            }
          }
        }
      }
      step++;
    }
    for (int i = 0; i < n; i++) {
      assertEquals(reference.nodes[i].pending, lb.inFlight("e" + i), "in flight of e" + i);
    }
    Statistics.label("exact tie").collect(exactTie);
    Statistics.label("penalised pair").collect(penalisedPair);
    Statistics.label("near tie resolved by perfkit's rounding").collect(nearTie);
  }

  @Test
  void pick_twoBusyUnsampledEndpoints_lessBusyWins() {
    FakeTicker ticker = new FakeTicker();
    TrackingBalancer lb =
        Balancers.newBuilder().endpoints(List.of(Endpoint.of("a", 1), Endpoint.of("b", 1)))
            .ticker(ticker)
            .seed(3)
            .peakEwma();
    // no samples: every pick goes to the endpoint with fewer requests in flight (Penalty +
    // pending), so the in-flight counts never differ by more than one
    for (int i = 0; i < 50; i++) {
      lb.pick();
      assertTrue(Math.abs(lb.inFlight("a") - lb.inFlight("b")) <= 1, "after pick " + i);
    }
    assertEquals(50, lb.inFlight("a") + lb.inFlight("b"));
  }
}
