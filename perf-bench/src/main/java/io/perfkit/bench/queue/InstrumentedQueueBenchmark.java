package io.perfkit.bench.queue;

import io.perfkit.core.queue.Queues;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MessagePassingQueue;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of {@code Queues.instrumented} under producer/consumer dynamics: the shared transfer
 * harness (one producer thread, one consumer thread, retry until success, every 64th failure yields;
 * identical code and back-off for every {@code impl}) over a {@code kind} = {@code Queues.spsc(16
 * Ki)} or {@code Queues.mpsc(16 Ki)}, either bare ({@code bare}), through the shipped wrapper
 * ({@code perfkit-instrumented}, default sampling: one position in 1024 timed into a
 * LatencyRecorder) or through session 1's holder design ({@code holder-v1}, see {@link
 * HolderInstrumentedQueue}), or through a wrapper that only forwards ({@code forwarding}, the floor
 * of any wrapper, see {@link ForwardingQueue}). The report's ratio perfkit-instrumented / bare is the wrapper's cost
 * (target: at least 0.9).
 *
 * <p>Scores swing with how often the queue runs full or empty (any change to either side's speed
 * shifts it, and so does the machine's load): compare ratios from one run with 3 or more forks.
 * {@link InstrumentedQueueCostBenchmark} (one thread: offer one element, poll it back) isolates the
 * wrapper's own per-operation cost.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueBenchmark
 * # with the reference wrappers (not in the default run, to keep the report's run short):
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueBenchmark \
 *   -p impl=perfkit-instrumented,holder-v1,forwarding,bare
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InstrumentedQueueBenchmark extends QueueTransferHarness {
  /** Also accepts {@code holder-v1} and {@code forwarding} (left out of the default run). */
  @Param({"perfkit-instrumented", "bare"})
  String impl;

  /** The wrapped queue: {@code Queues.spsc} or {@code Queues.mpsc} (used by one producer here). */
  @Param({"spsc", "mpsc"})
  String kind;

  @Setup(Level.Trial)
  public void setUp() {
    MessagePassingQueue<Integer> bare =
        kind.equals("spsc") ? Queues.spsc(CAPACITY) : Queues.mpsc(CAPACITY);
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
}
