package io.perfkit.bench.memory;

import io.perfkit.core.memory.MemoryBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The per-access cost of the buffer operations a ring buffer performs for each message, perfkit's
 * {@link MemoryBuffer} (VarHandles over a direct {@code ByteBuffer}, bounds and closed checks)
 * against Agrona's {@code UnsafeBuffer}: each method does the operation on 64 consecutive 72-byte
 * records (the ring buffers' record size for 64-byte messages), so the JIT cannot merge the checks
 * of one access into the next. Explains where the ring buffers' per-message cost goes.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main BufferAccessCostBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@State(Scope.Thread)
public class BufferAccessCostBenchmark {
  private static final int RECORDS = 64;
  private static final int RECORD = 72;
  private static final int SIZE = RECORDS * RECORD + 64;

  @Param({"perfkit", "agrona"})
  public String impl;

  private Access access;

  /** The operations under test. */
  abstract static class Access {
    abstract long getAcquire(int index);

    abstract void putRelease(int index, long value);

    abstract long getPlain(int index);

    abstract boolean cas(int index, long expected, long value);

    abstract void putBytes(int index, int length);

    abstract void zero(int index, int length);

    abstract void zeroWords(int index, int length);

    abstract void zeroCopy(int index, int length);
  }

  static final class PerfkitAccess extends Access {
    private final MemoryBuffer buffer = MemoryBuffer.allocateDirect(SIZE);
    private final byte[] message = new byte[64];

    @Override
    long getAcquire(int index) {
      return buffer.getLongAcquire(index);
    }

    @Override
    void putRelease(int index, long value) {
      buffer.putLongRelease(index, value);
    }

    @Override
    long getPlain(int index) {
      return buffer.getLong(index);
    }

    @Override
    boolean cas(int index, long expected, long value) {
      return buffer.compareAndSetLong(index, expected, value);
    }

    @Override
    void putBytes(int index, int length) {
      buffer.putBytes(index, message, 0, length);
    }

    @Override
    void zero(int index, int length) {
      buffer.setMemory(index, length, (byte) 0);
    }

    @Override
    void zeroWords(int index, int length) {
      for (int i = index, end = index + length; i < end; i += 8) {
        buffer.putLong(i, 0L);
      }
    }

    private final MemoryBuffer zeros = MemoryBuffer.allocateDirect(SIZE);

    @Override
    void zeroCopy(int index, int length) {
      buffer.putBytes(index, zeros, 0, length);
    }
  }

  static final class AgronaAccess extends Access {
    private final UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));
    private final UnsafeBuffer message = new UnsafeBuffer(new byte[64]);

    @Override
    long getAcquire(int index) {
      return buffer.getLongAcquire(index);
    }

    @Override
    void putRelease(int index, long value) {
      buffer.putLongRelease(index, value);
    }

    @Override
    long getPlain(int index) {
      return buffer.getLong(index);
    }

    @Override
    boolean cas(int index, long expected, long value) {
      return buffer.compareAndSetLong(index, expected, value);
    }

    @Override
    void putBytes(int index, int length) {
      buffer.putBytes(index, message, 0, length);
    }

    @Override
    void zero(int index, int length) {
      buffer.setMemory(index, length, (byte) 0);
    }

    @Override
    void zeroWords(int index, int length) {
      for (int i = index, end = index + length; i < end; i += 8) {
        buffer.putLong(i, 0L);
      }
    }

    private final UnsafeBuffer zeros = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));

    @Override
    void zeroCopy(int index, int length) {
      buffer.putBytes(index, zeros, 0, length);
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    switch (impl) {
      case "perfkit":
        access = new PerfkitAccess();
        break;
      case "agrona":
        access = new AgronaAccess();
        break;
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long getAcquire() {
    long sum = 0;
    for (int i = 0; i < RECORDS; i++) {
      sum += access.getAcquire(i * RECORD);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void putRelease() {
    for (int i = 0; i < RECORDS; i++) {
      access.putRelease(i * RECORD, i);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long getPlain() {
    long sum = 0;
    for (int i = 0; i < RECORDS; i++) {
      sum += access.getPlain(i * RECORD);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public int cas() {
    int won = 0;
    for (int i = 0; i < RECORDS; i++) {
      if (access.cas(i * RECORD, 0, 0)) {
        won++;
      }
    }
    return won;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void putBytes() {
    for (int i = 0; i < RECORDS; i++) {
      access.putBytes(i * RECORD + 8, 64);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void zeroRecord() {
    for (int i = 0; i < RECORDS; i++) {
      access.zero(i * RECORD, RECORD);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void zeroRecordWords() {
    for (int i = 0; i < RECORDS; i++) {
      access.zeroWords(i * RECORD, RECORD);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void zeroRecordCopy() {
    for (int i = 0; i < RECORDS; i++) {
      access.zeroCopy(i * RECORD, RECORD);
    }
  }

  @Benchmark
  public void zeroBatch() {
    access.zero(0, RECORDS * RECORD);
  }
}
