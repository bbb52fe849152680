package io.perfkit.bench.pool.batch;

import io.perfkit.pool.batch.Batcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.openjdk.jmh.annotations.Benchmark;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Latency a batcher adds at low load: one producer offers an item, waits until the processor has
 * seen it. Before each item a 50 µs pause ({@code Level.Invocation} setup, not measured) lets the
 * batcher go idle, as at low load. The score is offer-to-processed time; compare p99 across:
 *
 * <ul>
 *   <li>{@code perfkit}: adaptive batching (no linger);
 *   <li>{@code perfkit-linger}: perfkit with a 1 ms linger time and a batch size of 256;
 *   <li>{@code mutex}: {@link MutexTimerBatcher}, batch size 256, 1 ms timer.
 * </ul>
 *
 * <p>Run: {@code java -jar perf-bench/target/benchmarks.jar BatcherLatencyBenchmark}
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class BatcherLatencyBenchmark {
  private static final long PAUSE_NANOS = 50_000;

  @Param({"perfkit", "perfkit-linger", "mutex"})
  public String impl;

  private Batcher<Long> batcher;
  private MutexTimerBatcher<Long> mutex;
  private volatile long processed;
  private long next;
  private java.util.function.Consumer<Long> submitter;

  @Setup(Level.Trial)
  public void setup() {
    switch (impl) {
      case "perfkit" -> batcher = Batcher.<Long>newBuilder().maxBatchSize(256).build(this::process);
      case "perfkit-linger" -> batcher = Batcher.<Long>newBuilder().maxBatchSize(256)
          .lingerTime(Duration.ofMillis(1)).build(this::process);
      case "mutex" -> mutex = new MutexTimerBatcher<>(256, 1000, this::process);
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    submitter = mutex != null ? mutex::add : batcher::put;
  }

  private void process(List<Long> batch) {
    processed = batch.get(batch.size() - 1);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    if (batcher != null) {
      batcher.close(Duration.ofSeconds(30));
    }
    if (mutex != null) {
      mutex.close();
    }
  }

  /** Lets the consumer go idle between items; not part of the measured time. */
  @Setup(Level.Invocation)
  public void pause() {
    LockSupport.parkNanos(PAUSE_NANOS);
  }

  @Benchmark
  public long offerUntilProcessed() {
    long item = ++next;
    submitter.accept(item);
    while (processed < item) {
      Thread.onSpinWait();
    }
    return item;
  }
}
