package io.perfkit.bench.balance;

import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.TrackingBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
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
 * The P2C balancers at 2 threads: {@code pickComplete} is one {@code pick()} plus {@code
 * lease.complete(1000, true)} (what a request costs the balancer), {@code pickOnly} one {@code
 * pick()} whose lease is left open (the balancer is rebuilt and its estimates warmed before every
 * iteration, so the in-flight counts grow only within one iteration, but they do grow: later picks of
 * an iteration compare other loads than earlier ones; {@link PickSplitProbe} times a pick alone
 * without that leak, {@link PickSplitBenchmark} splits it with JMH). Equal weights, so least
 * request takes Envoy's unweighted path (full scan up to 8 endpoints, two random choices above).
 *
 * <p>{@code perfkit-peak-ewma-step-ticker} is the same balancer on a ticker that adds 1 µs per read
 * on each thread (a thread-local counter, no shared write) instead of calling {@code
 * System.nanoTime}: the difference is the clock's share (Finagle reads
 * the clock for every pick and every completion; {@code System.nanoTime} measured 25 ns on a quiet
 * run of this VM and 65-135 ns under load).
 *
 * <p>Peer: {@code synchronized}, P2C peak EWMA written as Finagle writes it (per-endpoint
 * synchronized (stamp, cost) whose read observes 0, an {@code AtomicInteger} in-flight count and a
 * lease with an {@code AtomicBoolean}).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main
 * TrackingPickBenchmark -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Threads(2)
public class TrackingPickBenchmark {
  @Param({
    "perfkit-least-request",
    "perfkit-peak-ewma",
    "perfkit-peak-ewma-step-ticker",
    "synchronized"
  })
  public String impl;

  @Param({"10", "100", "1000"})
  public int endpoints;

  /** Picks and hands back something to complete. */
  interface Picker {
    Object pick();

    void complete(Object lease);
  }

  private Picker picker;

  @Setup(Level.Iteration)
  public void setup() {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      list.add(Endpoint.of("e" + i, 1));
    }
    Balancers b = Balancers.newBuilder().endpoints(list);
    switch (impl) {
      case "perfkit-least-request" -> picker = tracking(b.leastRequest());
      case "perfkit-peak-ewma" -> picker = tracking(b.peakEwma());
      case "perfkit-peak-ewma-step-ticker" -> picker = tracking(b.ticker(new StepTicker()).peakEwma());
      case "synchronized" -> picker = new FinagleStyle(endpoints);
      default -> throw new IllegalArgumentException(impl);
    }
    // warm every estimate (peak EWMA): pick + complete until each endpoint has samples
    for (int i = 0; i < 20 * endpoints; i++) {
      picker.complete(picker.pick());
    }
  }

  private static Picker tracking(TrackingBalancer lb) {
    return new Picker() {
      @Override
      public Object pick() {
        return lb.pick();
      }

      @Override
      public void complete(Object lease) {
        ((Lease) lease).complete(1_000, true);
      }
    };
  }

  @Benchmark
  public Object pickComplete() {
    Object lease = picker.pick();
    picker.complete(lease);
    return lease;
  }

  @Benchmark
  public Object pickOnly() {
    return picker.pick();
  }

  /**
   * A clock that advances 1 µs per read on each thread, from a per-thread counter: no shared write
   * (session 2's version bumped one shared field, whose cache line then bounced between the two
   * benchmark threads and hid the clock's share behind a contention cost of its own).
   */
  static final class StepTicker implements io.perfkit.balance.Ticker {
    private final ThreadLocal<long[]> now = ThreadLocal.withInitial(() -> new long[1]);

    @Override
    public long read() {
      return now.get()[0] += 1_000;
    }
  }

  /** Finagle's P2C + PeakEwma, the direct way: a lock per endpoint's estimate. */
  static final class FinagleStyle implements Picker {
    static final double TAU = TimeUnit.SECONDS.toNanos(10);
    static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

    static final class Node {
      final AtomicInteger pending = new AtomicInteger();
      private long stamp = System.nanoTime();
      private double cost;

      synchronized void observe(double rtt) {
        long t = System.nanoTime();
        long td = Math.max(t - stamp, 0);
        double w = Math.exp(-td / TAU);
        cost = rtt > cost ? rtt : cost * w + rtt * (1.0 - w);
        stamp = t;
      }

      synchronized double cost() {
        observe(0.0);
        return cost;
      }

      double load() {
        int p = pending.get();
        double c = cost();
        return c == 0.0 ? (p != 0 ? PENALTY : 0.0) : c * (p + 1);
      }
    }

    static final class NodeLease {
      final Node node;
      final AtomicBoolean done = new AtomicBoolean();

      NodeLease(Node node) {
        this.node = node;
      }
    }

    private final Node[] nodes;

    FinagleStyle(int n) {
      nodes = new Node[n];
      for (int i = 0; i < n; i++) {
        nodes[i] = new Node();
      }
    }

    @Override
    public Object pick() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      int n = nodes.length;
      int a = random.nextInt(n);
      int b = random.nextInt(n - 1);
      if (b >= a) {
        b++;
      }
      Node chosen = nodes[a].load() <= nodes[b].load() ? nodes[a] : nodes[b];
      chosen.pending.incrementAndGet();
      return new NodeLease(chosen);
    }

    @Override
    public void complete(Object lease) {
      NodeLease l = (NodeLease) lease;
      if (!l.done.compareAndSet(false, true)) {
        throw new IllegalStateException("completed twice");
      }
      l.node.observe(1_000);
      l.node.pending.decrementAndGet();
    }
  }
}
