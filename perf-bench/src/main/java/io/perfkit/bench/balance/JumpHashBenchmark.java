package io.perfkit.bench.balance;

import com.google.common.hash.Hashing;
import io.perfkit.balance.hash.JumpHash;
import java.util.SplittableRandom;
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
 * Jump consistent hash at 1000 buckets: perfkit's {@link JumpHash#bucket} against Guava's {@code
 * Hashing.consistentHash} ({@code guava}), same random keys.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main JumpHashBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class JumpHashBenchmark {
  @Param({"perfkit", "guava"})
  public String impl;

  @Param({"1000"})
  public int buckets;

  private static final int KEYS = 1 << 16;
  private final long[] keys = new long[KEYS];
  private int next;
  private boolean guava;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = r.nextLong();
    }
    switch (impl) {
      case "perfkit" -> guava = false;
      case "guava" -> guava = true;
      default -> throw new IllegalArgumentException(impl);
    }
  }

  @Benchmark
  public int bucket() {
    long key = keys[next++ & (KEYS - 1)];
    return guava ? Hashing.consistentHash(key, buckets) : JumpHash.bucket(key, buckets);
  }
}
