package io.perfkit.bench.queue;

import io.perfkit.core.queue.Queues;
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
 * SPSC throughput: one producer thread offers, one consumer thread polls, through a queue of 16 Ki
 * slots. Each invocation retries until it succeeds (or the iteration ends), so the primary score is
 * successful offers plus successful polls (twice the transfer rate); every 64th failure yields the
 * core (the same for every implementation, so an oversubscribed machine measures the queue rather
 * than the scheduler). The failed attempts are counted in the {@code offersFailed}/{@code pollsFailed} aux counters and never inflate it.
 *
 * <p>Compares {@code perfkit} ({@code Queues.spsc}: perfkit's own VarHandle queue), JCTools'
 * VarHandle {@code SpscVarHandleArrayQueue} ({@code jctools-varhandle}), with JCTools' Unsafe {@code SpscArrayQueue}
 * ({@code jctools-unsafe}), its atomic twin ({@code jctools-atomic}), the JDK's {@code
 * ArrayBlockingQueue}, {@code LinkedBlockingQueue}, {@code ConcurrentLinkedQueue}, and the LMAX
 * Disruptor's single-producer ring buffer. Outside the default run, {@code perfkit-instrumented}
 * ({@code Queues.instrumentedSpsc}) runs in the same harness next to JCTools' queues, which {@link
 * InstrumentedQueueBenchmark} does not have.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main SpscThroughputBenchmark
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class SpscThroughputBenchmark extends QueueTransferHarness {
  @Param({"perfkit", "jctools-varhandle", "jctools-unsafe", "jctools-atomic", "abq", "lbq", "clq", "disruptor"})
  String impl;

  @Setup(Level.Trial)
  public void setUp() {
    // perfkit-instrumented (Queues.instrumentedSpsc) is outside the default run: the same harness
    // shows it next to the bare queues and JCTools' (InstrumentedQueueBenchmark has no JCTools)
    queue =
        "perfkit-instrumented".equals(impl)
            ? Queues.instrumentedSpsc(CAPACITY)
            : QueueKind.spsc(impl, CAPACITY);
  }
}
