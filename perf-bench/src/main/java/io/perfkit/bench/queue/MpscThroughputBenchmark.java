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
 * MPSC throughput (one producer, to stay within 2 cores; the producer still pays the multi-producer CAS): one producer thread offers, one consumer thread polls, through a queue of 16 Ki
 * slots. Each invocation retries until it succeeds (or the iteration ends), so the primary score is
 * successful offers plus successful polls (twice the transfer rate); every 64th failure yields the
 * core (the same for every implementation, so an oversubscribed machine measures the queue rather
 * than the scheduler). The failed attempts are counted in the {@code offersFailed}/{@code pollsFailed} aux counters and never inflate it.
 *
 * <p>Compares {@code perfkit} ({@code Queues.mpsc}: JCTools' VarHandle queue), {@code perfkit-own}
 * (perfkit's own VarHandle queue, not handed out) with JCTools' Unsafe {@code MpscArrayQueue}
 * ({@code jctools-unsafe}), its atomic twin ({@code jctools-atomic}), the JDK's {@code
 * ArrayBlockingQueue}, {@code LinkedBlockingQueue}, {@code ConcurrentLinkedQueue}, and the LMAX
 * Disruptor's multi-producer ring buffer.
 *
 * <p>Run it on a quiet machine. On a loaded 2-core machine the two threads mostly take turns,
 * each filling or draining alone, and a fork's score measures the scheduling (session 6, load
 * 7–21: single forks of one queue from 6 to 266 ops/µs, ratios 1.0–1.55x); at load ~2 every fork
 * ran steady in the empty mode (many {@code pollsFailed}), where the contended hand-over decides
 * the ratio (JCTools' VarHandle MPSC 0.65x its Unsafe twin).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main MpscThroughputBenchmark
 * </pre>
 */
@State(Scope.Group)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class MpscThroughputBenchmark extends QueueTransferHarness {
  @Param({"perfkit", "perfkit-own", "jctools-unsafe", "jctools-atomic", "abq", "lbq", "clq", "disruptor"})
  String impl;

  @Setup(Level.Trial)
  public void setUp() {
    queue = QueueKind.mpsc(impl, CAPACITY);
  }
}
