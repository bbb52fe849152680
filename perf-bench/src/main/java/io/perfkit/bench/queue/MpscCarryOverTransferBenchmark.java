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
 * {@link MpscThroughputBenchmark}'s transfer ({@link QueueTransferHarness}: one producer, one
 * consumer, 16 Ki slots, a yield every 64th failure, failures in aux counters) without emptying the
 * queue between iterations: each iteration continues from the state the previous one left, instead
 * of restarting both threads on an empty queue. A diagnostic for session 9's finding that the
 * transfer's fast and slow modes switch between iterations within a fork: if the restart from
 * empty is what tips an iteration, the modes should stick for longer here (they did not: 13 against
 * 15 switches in 72 iteration boundaries). The same for every {@code impl}.
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
public class MpscCarryOverTransferBenchmark extends QueueTransferHarness {
  /** {@code perfkit} ({@code Queues.mpsc}: JCTools' VarHandle MPSC) or {@code perfkit-own}. */
  @Param({"perfkit", "perfkit-own"})
  String impl;

  @Setup(Level.Trial)
  public void setUp() {
    queue = QueueKind.mpsc(impl, CAPACITY);
  }

  /** Keeps what the iteration left: the harness's per-iteration drain is what this run leaves out. */
  @Override
  public void emptyQueue() {
    // nothing: the next iteration continues from this state
  }
}
