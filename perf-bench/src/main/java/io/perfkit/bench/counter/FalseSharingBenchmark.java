package io.perfkit.bench.counter;

import io.perfkit.core.counter.PaddedAtomicLong;
import io.perfkit.core.counter.PaddedLongArray;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * False sharing: two threads each publish their own sequence ({@code setRelease(get + 1)}, the
 * single-writer pattern of a queue index), so nothing is shared logically. With two adjacent fields
 * of one object ({@code unpadded}) both live on one cache line, which ping-pongs between the cores;
 * {@link PaddedAtomicLong} ({@code perfkit}) and {@link PaddedLongArray} slots
 * ({@code perfkit-array}) keep them 128 bytes apart. The score is the pair's combined rate.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main FalseSharingBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Group)
public class FalseSharingBenchmark {

  @Param({"perfkit", "perfkit-array", "unpadded"})
  public String impl;

  private Sequence first;
  private Sequence second;

  /** One thread's sequence, bound to an implementation in {@link #setUp()}. */
  interface Sequence {
    void advance();
  }

  /** Two sequences in adjacent fields of one object: the layout padding avoids. */
  static final class UnpaddedPair {
    private static final VarHandle A;
    private static final VarHandle B;

    static {
      try {
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        A = lookup.findVarHandle(UnpaddedPair.class, "a", long.class);
        B = lookup.findVarHandle(UnpaddedPair.class, "b", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    volatile long a;
    volatile long b;

    void advanceA() {
      A.setRelease(this, (long) A.get(this) + 1);
    }

    void advanceB() {
      B.setRelease(this, (long) B.get(this) + 1);
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    switch (impl) {
      case "perfkit": {
        PaddedAtomicLong a = new PaddedAtomicLong();
        PaddedAtomicLong b = new PaddedAtomicLong();
        first = () -> a.setRelease(a.getPlain() + 1);
        second = () -> b.setRelease(b.getPlain() + 1);
        break;
      }
      case "perfkit-array": {
        PaddedLongArray slots = new PaddedLongArray(2);
        first = () -> slots.setRelease(0, slots.getPlain(0) + 1);
        second = () -> slots.setRelease(1, slots.getPlain(1) + 1);
        break;
      }
      case "unpadded": {
        UnpaddedPair pair = new UnpaddedPair();
        first = pair::advanceA;
        second = pair::advanceB;
        break;
      }
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @Benchmark
  @Group("twoWriters")
  @GroupThreads(1)
  public void writerA() {
    first.advance();
  }

  @Benchmark
  @Group("twoWriters")
  @GroupThreads(1)
  public void writerB() {
    second.advance();
  }
}
