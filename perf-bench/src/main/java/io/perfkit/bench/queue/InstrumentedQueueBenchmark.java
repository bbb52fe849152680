package io.perfkit.bench.queue;

import java.util.concurrent.TimeUnit;
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
 * The cost of instrumenting a queue under producer/consumer dynamics: the shared transfer harness
 * (one producer thread, one consumer thread, retry until success, every 64th failure yields;
 * identical code and back-off for every {@code impl}). {@code kind} = {@code spsc} or {@code mpsc}
 * (16 Ki slots); {@code impl} = {@code perfkit-instrumented} (what users get for a new queue:
 * {@code Queues.instrumentedSpsc/instrumentedMpsc}, counting inside the queue, default sampling)
 * or {@code bare} (the factory's bare queue), plus, outside the default run, {@code
 * perfkit-wrapper}, {@code holder-v1}, {@code forwarding} and {@code bare-own} (see {@link
 * QueueKind#instrumented}). The report's ratio perfkit-instrumented / bare is the instrumentation's
 * cost (target: at least 0.9).
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
 *   -p impl=perfkit-instrumented,perfkit-wrapper,forwarding,bare,bare-own
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InstrumentedQueueBenchmark extends QueueTransferHarness {
  /**
   * Also accepts {@code perfkit-wrapper}, {@code holder-v1}, {@code forwarding} and {@code
   * bare-own} (left out of the default run; see {@link QueueKind#instrumented}).
   */
  @Param({"perfkit-instrumented", "bare"})
  String impl;

  /** The queue's kind: {@code spsc} or {@code mpsc} (used by one producer here). */
  @Param({"spsc", "mpsc"})
  String kind;

  @Setup(Level.Trial)
  public void setUp() {
    queue = QueueKind.instrumented(impl, kind, CAPACITY);
  }
}
