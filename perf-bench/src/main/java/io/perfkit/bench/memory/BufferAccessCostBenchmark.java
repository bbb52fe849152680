package io.perfkit.bench.memory;

import io.perfkit.core.memory.MemoryBuffer;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.IntToLongFunction;
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

  /** An ordered or plain store of a long at an index. */
  @FunctionalInterface
  interface LongStore {
    void put(int index, long value);
  }

  /** A compare-and-set of a long at an index. */
  @FunctionalInterface
  interface LongCas {
    boolean compareAndSet(int index, long expected, long update);
  }

  /** An operation on {@code length} bytes at an index. */
  @FunctionalInterface
  interface RangeOp {
    void apply(int index, int length);
  }

  /**
   * The operations under test, bound to one implementation's buffers in {@link #setup()}. Both
   * implementations go through the same interfaces, so the call overhead is the same for both
   * (and, with one implementation per fork, every call site is monomorphic and inlined).
   */
  record Access(IntToLongFunction getAcquire, LongStore putRelease, IntToLongFunction getPlain,
      LongStore putPlain, LongCas cas, RangeOp putBytes, RangeOp zero, RangeOp zeroCopy) {}

  private static Access perfkit() {
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(SIZE);
    MemoryBuffer zeros = MemoryBuffer.allocateDirect(SIZE);
    byte[] message = new byte[64];
    return new Access(buffer::getLongAcquire, buffer::putLongRelease, buffer::getLong,
        buffer::putLong, buffer::compareAndSetLong,
        (index, length) -> buffer.putBytes(index, message, 0, length),
        (index, length) -> buffer.setMemory(index, length, (byte) 0),
        (index, length) -> buffer.putBytes(index, zeros, 0, length));
  }

  private static Access agrona() {
    UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));
    UnsafeBuffer zeros = new UnsafeBuffer(ByteBuffer.allocateDirect(SIZE));
    UnsafeBuffer message = new UnsafeBuffer(new byte[64]);
    return new Access(buffer::getLongAcquire, buffer::putLongRelease, buffer::getLong,
        buffer::putLong, buffer::compareAndSetLong,
        (index, length) -> buffer.putBytes(index, message, 0, length),
        (index, length) -> buffer.setMemory(index, length, (byte) 0),
        (index, length) -> buffer.putBytes(index, zeros, 0, length));
  }

  @Setup(Level.Trial)
  public void setup() {
    switch (impl) {
      case "perfkit":
        access = perfkit();
        break;
      case "agrona":
        access = agrona();
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
      sum += access.getAcquire().applyAsLong(i * RECORD);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void putRelease() {
    for (int i = 0; i < RECORDS; i++) {
      access.putRelease().put(i * RECORD, i);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public long getPlain() {
    long sum = 0;
    for (int i = 0; i < RECORDS; i++) {
      sum += access.getPlain().applyAsLong(i * RECORD);
    }
    return sum;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public int cas() {
    int won = 0;
    for (int i = 0; i < RECORDS; i++) {
      if (access.cas().compareAndSet(i * RECORD, 0, 0)) {
        won++;
      }
    }
    return won;
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void putBytes() {
    for (int i = 0; i < RECORDS; i++) {
      access.putBytes().apply(i * RECORD + 8, 64);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void zeroRecord() {
    for (int i = 0; i < RECORDS; i++) {
      access.zero().apply(i * RECORD, RECORD);
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void zeroRecordWords() {
    LongStore putPlain = access.putPlain();
    for (int i = 0; i < RECORDS; i++) {
      // A record zeroed as nine plain 8-byte stores, the way the ring buffers clear one or two.
      for (int j = i * RECORD, end = j + RECORD; j < end; j += 8) {
        putPlain.put(j, 0L);
      }
    }
  }

  @Benchmark
  @OperationsPerInvocation(RECORDS)
  public void zeroRecordCopy() {
    for (int i = 0; i < RECORDS; i++) {
      access.zeroCopy().apply(i * RECORD, RECORD);
    }
  }

  @Benchmark
  public void zeroBatch() {
    access.zero().apply(0, RECORDS * RECORD);
  }
}
