package io.perfkit.bench.queue;

import io.perfkit.core.queue.Queues;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * The cost of {@code Queues.instrumented}: SPSC throughput (as in {@link SpscThroughputBenchmark})
 * of {@code Queues.instrumented(Queues.spsc(16 Ki))} with the default sampling (one offer in 1024
 * timed into a LatencyRecorder) against the bare {@code Queues.spsc(16 Ki)} ({@code bare}). The
 * report's ratio perfkit-instrumented / bare is the wrapper's cost (target: at least 0.9).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueBenchmark
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InstrumentedQueueBenchmark {
  static final int CAPACITY = 1 << 14;
  static final Integer ITEM = 1;
  /** Every 64th failure yields, the same for every implementation. */
  static final int BACKOFF_MASK = 63;

  @Param({"perfkit-instrumented", "bare"})
  String impl;

  Queue<Integer> queue;

  /** Offers that found the queue full. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class OfferCounters {
    public long offersFailed;

    @Setup(Level.Iteration)
    public void clear() {
      offersFailed = 0;
    }
  }

  /** Polls that found the queue empty. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class PollCounters {
    public long pollsFailed;

    @Setup(Level.Iteration)
    public void clear() {
      pollsFailed = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    queue =
        impl.equals("bare")
            ? QueueKind.asQueue(Queues.<Integer>spsc(CAPACITY))
            : Queues.instrumented(Queues.<Integer>spsc(CAPACITY));
  }

  @TearDown(Level.Iteration)
  public void emptyQueue() {
    while (queue.poll() != null) {
      // start every iteration from an empty queue
    }
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public void offer(Control control, OfferCounters counters) {
    while (!queue.offer(ITEM)) {
      if ((++counters.offersFailed & BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return;
        }
        Thread.yield(); // give the consumer the core if the machine is oversubscribed
      }
    }
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public Integer poll(Control control, PollCounters counters) {
    Integer item;
    while ((item = queue.poll()) == null) {
      if ((++counters.pollsFailed & BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return null;
        }
        Thread.yield(); // give the producer the core if the machine is oversubscribed
      }
    }
    return item;
  }
}
