package io.perfkit.bench.pool;

import io.perfkit.core.pool.BufferPool;
import java.nio.ByteBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acquire a buffer, write its first and last byte, release it: perfkit's
 * {@link BufferPool} ({@code perfkit}) against {@code ByteBuffer.allocateDirect} /
 * {@code ByteBuffer.allocate} ({@code jdk}, buffer dropped to the GC), for direct and heap buffers
 * of 4 KiB and 64 KiB. Fixed, pre-touched heap so that first-touch page faults of a growing heap
 * do not count; direct memory is capped by {@code -XX:MaxDirectMemorySize} (the JDK then forces a
 * GC to free unreferenced direct buffers, a real cost of allocating them).
 *
 * <p>Run: {@code java -jar perf-bench/target/benchmarks.jar BufferPoolBenchmark -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(
    value = 3,
    jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch", "-XX:MaxDirectMemorySize=512m"})
@State(Scope.Benchmark)
public class BufferPoolBenchmark {
  @Param({"perfkit", "jdk"})
  public String impl;

  @Param({"direct", "heap"})
  public String kind;

  @Param({"4096", "65536"})
  public int size;

  private BufferPool pool;
  private boolean direct;

  @Setup(Level.Trial)
  public void setup() {
    direct = switch (kind) {
      case "direct" -> true;
      case "heap" -> false;
      default -> throw new IllegalArgumentException("kind: " + kind);
    };
    pool = switch (impl) {
      case "perfkit" -> BufferPool.newBuilder().direct(direct).build();
      case "jdk" -> null;
      default -> throw new IllegalArgumentException("impl: " + impl);
    };
    if (pool != null) {
      pool.release(pool.acquire(size)); // warm the size class
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (pool != null) {
      pool.close();
    }
  }

  @Benchmark
  public byte acquireRelease() {
    ByteBuffer b;
    if (pool != null) {
      b = pool.acquire(size);
    } else if (direct) {
      b = ByteBuffer.allocateDirect(size);
    } else {
      b = ByteBuffer.allocate(size);
    }
    b.put(0, (byte) 1);
    b.put(size - 1, (byte) 2);
    byte r = b.get(size / 2);
    if (pool != null) {
      pool.release(b);
    }
    return r;
  }
}
