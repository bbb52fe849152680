package io.perfkit.bench.counter;

import io.perfkit.core.counter.PaddedAtomicLong;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One shared counter incremented by 1 or 2 threads: perfkit's {@link PaddedAtomicLong}
 * ({@code perfkit}) vs {@link AtomicLong} ({@code atomiclong}) vs {@link LongAdder}
 * ({@code longadder}). Expect the padded and plain atomics to tie (padding protects against
 * <i>other</i> writers' fields, not against contention on the counter itself) and LongAdder to win
 * under contention: that is why perfkit does not ship its own striped adder.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main CounterBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class CounterBenchmark {

  @Param({"perfkit", "atomiclong", "longadder"})
  public String impl;

  private Counter counter;

  /** The operation under test, bound to one implementation in {@link #setUp()}. */
  interface Counter {
    long increment();
  }

  @Setup(Level.Trial)
  public void setUp() {
    switch (impl) {
      case "perfkit": {
        PaddedAtomicLong c = new PaddedAtomicLong();
        counter = c::incrementAndGet;
        break;
      }
      case "atomiclong": {
        AtomicLong c = new AtomicLong();
        counter = c::incrementAndGet;
        break;
      }
      case "longadder": {
        LongAdder c = new LongAdder();
        counter = () -> {
          c.increment();
          return 0L;
        };
        break;
      }
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @Benchmark
  @Threads(1)
  public long incrementOneThread() {
    return counter.increment();
  }

  @Benchmark
  @Threads(2)
  public long incrementTwoThreads() {
    return counter.increment();
  }
}
