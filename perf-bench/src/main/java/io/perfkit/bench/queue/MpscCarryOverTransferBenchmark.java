package io.perfkit.bench.queue;

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
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Control;

/**
 * {@link MpscThroughputBenchmark}'s transfer (one producer, one consumer, 16 Ki slots, a yield
 * every 64th failure, failures in aux counters) without emptying the queue between iterations:
 * each iteration continues from the state the previous one left, instead of restarting both
 * threads on an empty queue. A diagnostic for session 9's finding that the transfer's fast and
 * slow modes switch between iterations within a fork: if the restart from empty is what tips an
 * iteration, the modes should stick for longer here. The same for every {@code impl}.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main MpscCarryOverTransferBenchmark \
 *   -f 1 -rf json   # then read each iteration's score and pollsFailed from the JSON
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MpscCarryOverTransferBenchmark {
  private static final Integer ITEM = 1;

  /** {@code perfkit} ({@code Queues.mpsc}: JCTools' VarHandle MPSC) or {@code perfkit-own}. */
  @Param({"perfkit", "perfkit-own"})
  String impl;

  Queue<Integer> queue;

  @Setup(Level.Trial)
  public void setUp() {
    queue = QueueKind.mpsc(impl, QueueTransferHarness.CAPACITY);
  }

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

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public void offer(Control control, OfferCounters counters) {
    while (!queue.offer(ITEM)) {
      if ((++counters.offersFailed & QueueTransferHarness.BACKOFF_MASK) == 0) {
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
      if ((++counters.pollsFailed & QueueTransferHarness.BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return null;
        }
        Thread.yield(); // give the producer the core if the machine is oversubscribed
      }
    }
    return item;
  }
}
