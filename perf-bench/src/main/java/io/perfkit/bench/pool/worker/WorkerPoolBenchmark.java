package io.perfkit.bench.pool.worker;

import io.perfkit.pool.worker.RejectionPolicy;
import io.perfkit.pool.worker.WorkerPool;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Small tasks on 2 worker threads: perfkit's {@link WorkerPool} ({@code perfkit}) against
 * {@link ThreadPoolExecutor} with a {@link LinkedBlockingQueue} ({@code lbq}) or an
 * {@link ArrayBlockingQueue} ({@code abq}) and a 2-thread {@link ForkJoinPool} ({@code forkjoin}).
 *
 * <ul>
 *   <li>{@code burst}: one submitter executes 1,000 tiny tasks (an atomic decrement) and waits
 *       until all have run; the score is tasks per microsecond.
 *   <li>{@code roundTrip}: submit one task and spin until it has run: submit-to-complete latency
 *       with idle workers (they must be woken).
 * </ul>
 *
 * <p>Run: {@code java -jar perf-bench/target/benchmarks.jar WorkerPoolBenchmark}
 */
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class WorkerPoolBenchmark {
  private static final int BURST = 1_000;

  @Param({"perfkit", "lbq", "abq", "forkjoin"})
  public String impl;

  private ExecutorService executor;
  private final AtomicInteger remaining = new AtomicInteger();
  private volatile boolean done;
  private Runnable decrement;
  private Runnable signal;

  @Setup(Level.Trial)
  public void setup() {
    executor = switch (impl) {
      case "perfkit" -> WorkerPool.newBuilder().threads(2).queueCapacity(BURST * 2)
          .rejectionPolicy(RejectionPolicy.ABORT).daemon(true).build();
      case "lbq" -> new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
      case "abq" -> new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
          new ArrayBlockingQueue<>(BURST * 2));
      case "forkjoin" -> new ForkJoinPool(2);
      default -> throw new IllegalArgumentException("impl: " + impl);
    };
    decrement = remaining::decrementAndGet;
    signal = () -> done = true;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws InterruptedException {
    executor.shutdown();
    executor.awaitTermination(10, TimeUnit.SECONDS);
  }

  @Benchmark
  @BenchmarkMode(Mode.Throughput)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  @OperationsPerInvocation(BURST)
  public int burst() {
    remaining.set(BURST);
    for (int i = 0; i < BURST; i++) {
      executor.execute(decrement);
    }
    int left;
    while ((left = remaining.get()) > 0) {
      Thread.onSpinWait();
    }
    return left;
  }

  @Benchmark
  @BenchmarkMode(Mode.SampleTime)
  @OutputTimeUnit(TimeUnit.MICROSECONDS)
  public boolean roundTrip() {
    done = false;
    executor.execute(signal);
    while (!done) {
      Thread.onSpinWait();
    }
    return true;
  }
}
