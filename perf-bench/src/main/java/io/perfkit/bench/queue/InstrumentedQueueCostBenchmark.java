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
 * offers an element and polls it back, on a {@code kind} = {@code Queues.spsc(16 Ki)} or {@code
 * Queues.mpsc(16 Ki)} either bare ({@code bare}), through the shipped wrapper ({@code
 * perfkit-instrumented}, default sampling: one position in 1024 timed into a LatencyRecorder),
 * through session 1's holder design ({@code holder-v1}, see {@link HolderInstrumentedQueue}), or
 * through a wrapper that only forwards ({@code forwarding}, see {@link ForwardingQueue}). Ratio
 * perfkit-instrumented / bare: target at least 0.9. The two-thread {@link
 * InstrumentedQueueBenchmark} measures the same wrappers under producer/consumer dynamics.
 *
 * <p>On a loaded machine add {@code -prof perfnorm:events=task-clock}: CPU time per operation
 * moves far less with the load than operations per wall-clock second.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueCostBenchmark
 * # with the reference wrappers (not in the default run, to keep the report's run short):
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueCostBenchmark \
 *   -p impl=perfkit-instrumented,holder-v1,forwarding,bare
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

  /** Also accepts {@code holder-v1} and {@code forwarding} (left out of the default run). */
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
    switch (impl) {
      case "perfkit-instrumented":
        queue = Queues.instrumented(bare);
        break;
      case "holder-v1":
        queue = new HolderInstrumentedQueue<>(bare, Queues.DEFAULT_SAMPLE_INTERVAL);
        break;
      case "forwarding":
        queue = new ForwardingQueue<>(bare);
        break;
      case "bare":
        queue = QueueKind.asQueue(bare);
        break;
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  /** One offer and one poll on one thread. */
  @Benchmark
  public Integer offerPoll() {
    queue.offer(ITEM);
    return queue.poll();
  }
}
