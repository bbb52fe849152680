package io.perfkit.bench.queue;

import io.perfkit.core.queue.Queues;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MessagePassingQueue;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-operation cost of {@code Queues.instrumented} without scheduling effects: one thread
 * offers an element and polls it back, through the wrapper ({@code perfkit-instrumented}) or on the
 * bare {@code Queues.spsc(16 Ki)} ({@code bare}); default sampling (one offer in 1024 timed into a
 * LatencyRecorder). Ratio perfkit-instrumented / bare: target at least 0.9. The two-thread {@link
 * InstrumentedQueueBenchmark} measures the same wrapper under producer/consumer dynamics.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueCostBenchmark
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class InstrumentedQueueCostBenchmark {
  private static final Integer ITEM = 1;

  @Param({"perfkit-instrumented", "bare"})
  String impl;

  /** The wrapped queue: {@code Queues.spsc} or {@code Queues.mpsc} (used by one producer here). */
  @Param({"spsc", "mpsc"})
  String kind;

  Queue<Integer> queue;

  @Setup
  public void setUp() {
    int capacity = QueueTransferHarness.CAPACITY;
    MessagePassingQueue<Integer> bare =
        kind.equals("spsc") ? Queues.spsc(capacity) : Queues.mpsc(capacity);
    queue = impl.equals("bare") ? QueueKind.asQueue(bare) : Queues.instrumented(bare);
  }

  /** One offer and one poll on one thread. */
  @Benchmark
  public Integer offerPoll() {
    queue.offer(ITEM);
    return queue.poll();
  }
}
