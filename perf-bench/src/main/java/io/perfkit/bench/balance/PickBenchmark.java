package io.perfkit.bench.balance;

import io.perfkit.balance.Balancer;
import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.TrackingBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of one {@code pick()} (plus, for request-tracking balancers, completing the lease) at 1 and
 * 2 threads, 10 and 1000 endpoints (weights 1..5), for every key-less balancer, against a
 * seed-style {@code synchronized} nginx smooth weighted round robin (the O(n) loop under a lock).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main PickBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class PickBenchmark {
  @Param({
    "perfkit-round-robin",
    "perfkit-smooth-weighted",
    "perfkit-weighted-random",
    "perfkit-least-request",
    "perfkit-peak-ewma",
    "synchronized"
  })
  public String impl;

  @Param({"10", "1000"})
  public int endpoints;

  private Supplier<Object> picker;

  @Setup
  public void setup() {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      list.add(Endpoint.of("e" + i, 1 + i % 5));
    }
    Balancers b = Balancers.newBuilder().endpoints(list);
    switch (impl) {
      case "perfkit-round-robin" -> picker = plain(b.roundRobin());
      case "perfkit-smooth-weighted" -> picker = plain(b.smoothWeightedRoundRobin());
      case "perfkit-weighted-random" -> picker = plain(b.weightedRandom());
      case "perfkit-least-request" -> picker = tracking(b.leastRequest());
      case "perfkit-peak-ewma" -> picker = tracking(b.peakEwma());
      case "synchronized" -> picker = new SynchronizedSmoothWeighted(list)::pick;
      default -> throw new IllegalArgumentException(impl);
    }
  }

  private static Supplier<Object> plain(Balancer lb) {
    return lb::pick;
  }

  private static Supplier<Object> tracking(TrackingBalancer lb) {
    return () -> {
      Lease lease = lb.pick();
      lease.complete(1_000, true);
      return lease;
    };
  }

  @Benchmark
  @Threads(1)
  public Object pick1() {
    return picker.get();
  }

  @Benchmark
  @Threads(2)
  public Object pick2() {
    return picker.get();
  }

  /** The seed-style nginx smooth weighted round robin: integer loop under one lock. */
  static final class SynchronizedSmoothWeighted {
    private final Endpoint[] endpoints;
    private final int[] weights;
    private final int[] current;

    SynchronizedSmoothWeighted(List<Endpoint> list) {
      endpoints = list.toArray(new Endpoint[0]);
      weights = new int[endpoints.length];
      current = new int[endpoints.length];
      for (int i = 0; i < endpoints.length; i++) {
        weights[i] = (int) endpoints[i].weight();
      }
    }

    synchronized Endpoint pick() {
      int total = 0;
      int best = -1;
      for (int i = 0; i < weights.length; i++) {
        current[i] += weights[i];
        total += weights[i];
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      current[best] -= total;
      return endpoints[best];
    }
  }
}
