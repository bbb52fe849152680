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
 * The cost of {@code Queues.instrumented}: SPSC throughput (as in {@link SpscThroughputBenchmark})
 * of {@code Queues.instrumented(Queues.spsc(16 Ki))} with the default sampling (one offer in 1024
 * timed into a LatencyRecorder) against the bare {@code Queues.spsc(16 Ki)} ({@code bare}). The
 * report's ratio perfkit-instrumented / bare is the wrapper's cost (target: at least 0.9).
 *
 * <p>{@code transfer} (two threads) is dominated by producer/consumer dynamics: {@code -prof stack}
 * puts about 30 % of its runnable samples in the harness's {@code Thread.yield} back-off, so a small
 * change in either side's speed changes how often the queue runs full or empty. {@link
 * InstrumentedQueueCostBenchmark} (one thread: offer one element, poll it back) isolates the
 * wrapper's own per-operation cost.
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
public class InstrumentedQueueBenchmark extends QueueTransferHarness {
  @Param({"perfkit-instrumented", "bare"})
  String impl;

  /** The wrapped queue: {@code Queues.spsc} or {@code Queues.mpsc} (used by one producer here). */
  @Param({"spsc", "mpsc"})
  String kind;

  @Setup(Level.Trial)
  public void setUp() {
    MessagePassingQueue<Integer> bare =
        kind.equals("spsc") ? Queues.spsc(CAPACITY) : Queues.mpsc(CAPACITY);
    queue = impl.equals("bare") ? QueueKind.asQueue(bare) : Queues.instrumented(bare);
  }
}
