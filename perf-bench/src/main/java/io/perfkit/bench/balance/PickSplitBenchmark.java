package io.perfkit.bench.balance;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.TrackingBalancer;
import java.util.concurrent.TimeUnit;
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
 * Splits a tracking pick's cost at 2 threads into parts that JMH can measure without leaking state
 * (a lease left open grows the in-flight counts for the rest of the iteration, which changes what
 * later picks compute; {@code TrackingPickBenchmark.pickOnly} has that defect). Every method
 * returns its balancer to the state it found it in:
 *
 * <ul>
 *   <li>{@code pickComplete}: {@code pick()} + {@code complete(1000, true)}, the lease not handed
 *       to the blackhole (so escape analysis may remove it if the pick inlines);
 *   <li>{@code pickCompleteTimed}: {@code pick()} + {@code complete(true)} (latency from the
 *       ticker: the completion's clock read serves as the latency's end and the sample's time);
 *   <li>{@code pickCancel}: {@code pick()} + {@code cancel()} (no latency sample, no clock read in
 *       the completion: peak EWMA's pick plus the lease's once-only CAS and the decrement);
 *   <li>{@code pickCompletePrivate}: {@code pickComplete} on a balancer of the thread's own (same
 *       endpoints, nothing shared between the two threads): the difference to {@code pickComplete}
 *       is what the two threads' sharing of the endpoints' cache lines costs;
 *   <li>{@code clock}: one {@code System.nanoTime} call, what the pick and the completion each pay
 *       for the clock on this VM at the same moment (25 configurations in all).
 * </ul>
 *
 * <p>{@code perfkit-peak-ewma-coarse-ticker} runs the same balancer on a user-supplied ticker that a
 * daemon thread refreshes every millisecond ({@link PickSplitProbe.CoarseTicker}): Finagle's
 * algorithm on a 1 ms clock, so a pick neither calls {@code System.nanoTime} nor, usually, CASes a
 * stamp (it is already at that time).
 *
 * <p>Subtractions (documented in docs/benchmarks/balance.md): the completion with a latency sample
 * = {@code pickComplete - pickCancel}; the pick alone = {@code pickCancel} minus a cancellation,
 * which {@link PickSplitProbe} times directly (a batch of picks, then the batch's cancellations:
 * the lease's once-only CAS and the in-flight decrement, 5 ns here).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main PickSplitBenchmark
 * -prof gc}
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Threads(2)
public class PickSplitBenchmark {
  /** The balancer both threads share. */
  @State(Scope.Benchmark)
  public static class Shared {
    @Param({"perfkit-least-request", "perfkit-peak-ewma", "perfkit-peak-ewma-coarse-ticker"})
    public String impl;

    @Param({"10", "1000"})
    public int endpoints;

    TrackingBalancer lb;

    @Setup
    public void setup() {
      lb = create(impl, endpoints);
    }
  }

  /** A balancer per thread, built like the shared one. */
  @State(Scope.Thread)
  public static class Private {
    TrackingBalancer lb;

    @Setup
    public void setup(Shared shared) {
      lb = create(shared.impl, shared.endpoints);
    }
  }

  static TrackingBalancer create(String impl, int endpoints) {
    return switch (impl) {
      case "perfkit-least-request" -> PickSplitProbe.create("least-request", endpoints);
      case "perfkit-peak-ewma" -> PickSplitProbe.create("peak-ewma", endpoints);
      case "perfkit-peak-ewma-coarse-ticker" -> PickSplitProbe.create("peak-ewma-coarse", endpoints);
      default -> throw new IllegalArgumentException("impl: " + impl);
    };
  }

  @Benchmark
  public Endpoint pickComplete(Shared s) {
    Lease lease = s.lb.pick();
    lease.complete(1_000, true);
    return lease.endpoint();
  }

  @Benchmark
  public Endpoint pickCompleteTimed(Shared s) {
    Lease lease = s.lb.pick();
    lease.complete(true);
    return lease.endpoint();
  }

  @Benchmark
  public Endpoint pickCancel(Shared s) {
    Lease lease = s.lb.pick();
    lease.cancel();
    return lease.endpoint();
  }

  @Benchmark
  public Endpoint pickCompletePrivate(Private p) {
    Lease lease = p.lb.pick();
    lease.complete(1_000, true);
    return lease.endpoint();
  }

  @Benchmark
  public long clock() {
    return System.nanoTime();
  }
}
