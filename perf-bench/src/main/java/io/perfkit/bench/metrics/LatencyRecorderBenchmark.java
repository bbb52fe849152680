package io.perfkit.bench.metrics;

import io.perfkit.core.metrics.LatencyRecorder;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SynchronizedHistogram;
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
 * Cost of recording one latency value: perfkit's striped {@link LatencyRecorder} ({@code perfkit})
 * vs one shared HdrHistogram {@link Recorder} ({@code recorder}) vs HdrHistogram's
 * {@link SynchronizedHistogram} ({@code synchronized}), from 1 thread and from 2 threads writing the
 * same recorder. {@code alt-threadlocal} is the design perfkit rejected: one {@link Recorder} per
 * thread found through a {@link ThreadLocal} (and registered for snapshots), which costs a
 * ThreadLocal lookup per record and one recorder per thread ever seen. All keep 3 significant digits
 * and auto-resize.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main LatencyRecorderBenchmark}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
@State(Scope.Benchmark)
public class LatencyRecorderBenchmark {
  private static final int VALUES = 1 << 12;

  @Param({"perfkit", "recorder", "synchronized", "alt-threadlocal"})
  public String impl;

  private LongConsumer sink;

  @Setup(Level.Trial)
  public void setUp() {
    switch (impl) {
      case "perfkit": {
        LatencyRecorder recorder = LatencyRecorder.create();
        sink = recorder::record;
        break;
      }
      case "recorder": {
        Recorder recorder = new Recorder(3);
        sink = recorder::recordValue;
        break;
      }
      case "synchronized": {
        SynchronizedHistogram histogram = new SynchronizedHistogram(3);
        histogram.setAutoResize(true);
        sink = histogram::recordValue;
        break;
      }
      case "alt-threadlocal": {
        ThreadLocalRecorders recorders = new ThreadLocalRecorders();
        sink = recorders::record;
        break;
      }
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  /** The rejected alternative: a Recorder per thread via ThreadLocal, registered for merging. */
  static final class ThreadLocalRecorders {
    final Queue<Recorder> registry = new ConcurrentLinkedQueue<>();
    final ThreadLocal<Recorder> local = ThreadLocal.withInitial(() -> {
      Recorder recorder = new Recorder(3);
      registry.add(recorder);
      return recorder;
    });

    void record(long value) {
      local.get().recordValue(value);
    }
  }

  /** Per-thread input: latencies spread over 1 µs .. 10 ms, precomputed. */
  @State(Scope.Thread)
  public static class Values {
    final long[] values = new long[VALUES];
    int index;

    @Setup(Level.Trial)
    public void setUp() {
      ThreadLocalRandom random = ThreadLocalRandom.current();
      for (int i = 0; i < VALUES; i++) {
        values[i] = 1_000 + (long) Math.pow(10_000_000, random.nextDouble());
      }
    }

    long next() {
      return values[index++ & (VALUES - 1)];
    }
  }

  @Benchmark
  @Threads(1)
  public void recordOneThread(Values values) {
    sink.accept(values.next());
  }

  @Benchmark
  @Threads(2)
  public void recordTwoThreads(Values values) {
    sink.accept(values.next());
  }
}
