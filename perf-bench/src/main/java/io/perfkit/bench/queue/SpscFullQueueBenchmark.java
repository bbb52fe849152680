package io.perfkit.bench.queue;

import io.perfkit.core.queue.Queues;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.infra.Blackhole;
import org.openjdk.jmh.infra.Control;

/**
 * An SPSC queue held full: one producer thread offers in a spin (retrying until it succeeds), one
 * consumer thread polls and then spends {@code work} Blackhole tokens per element, so whenever
 * both threads run the queue is full and the producer sits on its full path. This is the state
 * the two-thread transfer's slow forks settle in ({@code SpscThroughputBenchmark}, {@code
 * InstrumentedQueueBenchmark}); here it is forced, so the full path's cost is measured in every
 * fork rather than in the forks that happen to land there. Score: polls (and offers) per µs;
 * {@code offersFailed} counts the producer's failed attempts. Run with {@code -prof perfnorm} for
 * the consumer's cache misses per operation.
 *
 * <p>{@code impl}: {@code perfkit} ({@code Queues.spsc}, perfkit's SPSC), {@code
 * perfkit-instrumented} ({@code Queues.instrumentedSpsc}), {@code jctools-varhandle} and {@code
 * jctools-unsafe} (JCTools' SPSC, whose producer re-reads the slot at its index while full).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main SpscFullQueueBenchmark -prof perfnorm
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpscFullQueueBenchmark {
  static final Integer ITEM = 1;

  @Param({"perfkit", "perfkit-instrumented", "jctools-varhandle", "jctools-unsafe"})
  String impl;

  /** Blackhole tokens the consumer spends per element (keeps it the slower side). */
  @Param({"20"})
  int work;

  Queue<Integer> queue;

  @Setup(Level.Trial)
  public void setUp() {
    queue =
        "perfkit-instrumented".equals(impl)
            ? Queues.instrumentedSpsc(QueueTransferHarness.CAPACITY)
            : QueueKind.spsc(impl, QueueTransferHarness.CAPACITY);
  }

  @TearDown(Level.Iteration)
  public void emptyQueue() {
    while (queue.poll() != null) {
      // start every iteration from an empty queue
    }
  }

  @Benchmark
  @Group("full")
  @GroupThreads(1)
  public void offer(Control control, QueueTransferHarness.OfferCounters counters) {
    while (!queue.offer(ITEM)) {
      if ((++counters.offersFailed & QueueTransferHarness.BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return;
        }
        Thread.yield(); // as in QueueTransferHarness
      }
    }
  }

  @Benchmark
  @Group("full")
  @GroupThreads(1)
  public Integer poll(Control control) {
    Integer item;
    int failed = 0;
    while ((item = queue.poll()) == null) {
      if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
        if (control.stopMeasurement) {
          return null;
        }
        Thread.yield();
      }
    }
    Blackhole.consumeCPU(work);
    return item;
  }
}
