package io.perfkit.bench.queue;

import java.util.Queue;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-operation cost of instrumenting a queue, without scheduling effects: one thread offers
 * an element and polls it back. {@code kind} = {@code spsc} or {@code mpsc} (16 Ki slots, one
 * producer here); {@code impl} = {@code perfkit-instrumented} (what users get for a new queue:
 * {@code Queues.instrumentedSpsc/instrumentedMpsc}, counting inside the queue, default sampling:
 * one position in 1024 timed into a LatencyRecorder) or {@code bare} (the factory's bare {@code
 * Queues.spsc}/{@code Queues.mpsc}); and, outside the default run, {@code perfkit-wrapper} ({@code
 * Queues.instrumented} around the bare queue), the reference wrappers {@code holder-v1} ({@link
 * HolderInstrumentedQueue}) and {@code forwarding} ({@link ForwardingQueue}: forwards, counts
 * nothing: the floor of any wrapper), and {@code bare-own} (perfkit's own array queue of the kind,
 * the base of the instrumented one). Ratio perfkit-instrumented / bare: target at least 0.9. The
 * two-thread {@link InstrumentedQueueBenchmark} measures the same queues under producer/consumer
 * dynamics.
 *
 * <p>On a loaded machine add {@code -prof perfnorm:events=task-clock}: CPU time per operation
 * moves far less with the load than operations per wall-clock second.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueCostBenchmark
 * # with the reference wrappers (not in the default run, to keep the report's run short):
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main InstrumentedQueueCostBenchmark \
 *   -p impl=perfkit-instrumented,perfkit-wrapper,forwarding,bare,bare-own
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

  /**
   * Also accepts {@code perfkit-wrapper}, {@code holder-v1}, {@code forwarding} and {@code
   * bare-own} (left out of the default run; see {@link QueueKind#instrumented}).
   */
  @Param({"perfkit-instrumented", "bare"})
  String impl;

  /** The queue's kind: {@code spsc} or {@code mpsc} (used by one producer here). */
  @Param({"spsc", "mpsc"})
  String kind;

  Queue<Integer> queue;

  @Setup
  public void setUp() {
    queue = QueueKind.instrumented(impl, kind, QueueTransferHarness.CAPACITY);
  }

  /** One offer and one poll on one thread. */
  @Benchmark
  public Integer offerPoll() {
    queue.offer(ITEM);
    return queue.poll();
  }
}
