package io.perfkit.bench.pool.batch;

import io.perfkit.pool.batch.Batcher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Items per second through a sink whose every call costs 10 µs (simulated I/O, a busy wait), from
 * 2 producer threads:
 *
 * <ul>
 *   <li>{@code perfkit}: {@link Batcher}, adaptive (no linger), max batch 256, BLOCK
 *       backpressure on a 4,096-item intake, so the producers' rate is the consumer's rate;
 *   <li>{@code per-item}: every item is one sink call, made by the producer itself;
 *   <li>{@code mutex}: {@link MutexTimerBatcher}, a synchronized list flushed inline at 256 items
 *       and by a 1 ms timer.
 * </ul>
 *
 * <p>Run: {@code java -jar perf-bench/target/benchmarks.jar BatcherThroughputBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@Threads(2)
@State(Scope.Benchmark)
public class BatcherThroughputBenchmark {
  static final long CALL_COST_NANOS = 10_000;
  static final int MAX_BATCH = 256;

  @Param({"perfkit", "per-item", "mutex"})
  public String impl;

  private Batcher<Object> batcher;
  private MutexTimerBatcher<Object> mutex;
  private volatile long sink;
  private java.util.function.Consumer<Object> submitter;

  @Setup(Level.Trial)
  public void setup() {
    switch (impl) {
      case "perfkit" -> batcher = Batcher.newBuilder()
          .maxBatchSize(MAX_BATCH).capacity(4096).build(this::process);
      case "mutex" -> mutex = new MutexTimerBatcher<>(MAX_BATCH, 1000, this::process);
      case "per-item" -> { }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    submitter = switch (impl) {
      case "perfkit" -> batcher::put;
      case "mutex" -> mutex::add;
      default -> item -> {
        SimulatedCall.pay(CALL_COST_NANOS);
        sink += 1;
      };
    };
  }

  private void process(List<Object> batch) {
    SimulatedCall.pay(CALL_COST_NANOS);
    sink += batch.size();
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

  @Benchmark
  public void submit() {
    submitter.accept(Boolean.TRUE);
  }
}
