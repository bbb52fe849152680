package io.perfkit.bench.memory;

import io.perfkit.core.ipc.ManyToOneRingBuffer;
import io.perfkit.core.ipc.MessageHandler;
import io.perfkit.core.ipc.OneToOneRingBuffer;
import io.perfkit.core.ipc.RingBuffer;
import io.perfkit.core.ipc.RingBufferDescriptor;
import io.perfkit.core.memory.MemoryBuffer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.agrona.concurrent.UnsafeBuffer;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.SpscArrayQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
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
 * One producer thread writes fixed-size messages while one consumer thread reads them:
 * perfkit's {@link OneToOneRingBuffer}/{@link ManyToOneRingBuffer} (VarHandles over direct memory,
 * no flags) against Agrona's {@code OneToOneRingBuffer}/{@code ManyToOneRingBuffer} (Unsafe,
 * needs {@code --add-exports java.base/jdk.internal.misc}) and a JCTools SPSC/MPSC queue of
 * {@code byte[]} copies. The consumer reads the message's first long in every implementation.
 *
 * <p>{@code transfer}: two threads; compare {@code messagesRead} (successful transfers per second;
 * aux counter). {@code writesFailed}/{@code readsEmpty} count full/empty attempts, which inflate
 * the primary score. Needs two otherwise idle cores to mean anything.
 *
 * <p>{@code transferYield}: the same two threads, but a failed write or an empty read yields the
 * CPU ({@code Thread.yield()}, identical for every implementation). On a machine with fewer free
 * cores than threads, {@code transfer}'s spinning threads mostly run in turns: the producer fills
 * the whole buffer in its time slice and spins, the consumer drains it in the next, and the score
 * is one buffer per scheduler slice (~0.1–0.3 M msgs/s), whichever ring buffer runs; with
 * yielding, the turns are handed over at once, and the score again depends on the ring buffers'
 * per-message cost. {@code RingBufferTransferProbe} prints the CPU time the threads got per run.
 * Per fork, {@code messagesRead} divided by the {@code readYield} operation count (read calls) tells
 * the regime the fork ran in: ~60 messages per read (the consumer trails far behind, at the read
 * limit of 64) in fast forks, 4–5 in slow ones (the consumer caught up with the producer, and the
 * two threads pass the records' cache lines back and forth); see docs/benchmarks/memory.md. Two
 * more per-fork ratios tell a CPU-starved fork (a loaded machine: the threads rarely run at once)
 * from lockstep: {@code readsEmpty} / read calls (near 0.03 in a batched fork, 0.3–0.9 when
 * starved) and {@code writesFailed} / write calls (0 batched, up to 0.16 starved). Per fork they
 * are in the JSON result's {@code secondaryMetrics.*.rawData} ({@code -rf json}).
 *
 * <p>{@code burst}: one thread writes 64 messages then reads them back; the score is messages per
 * second. It measures the per-message instruction cost without cross-core traffic, and is the
 * stable number on a loaded machine.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main RingBufferBenchmark
 * </pre>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED")
@State(Scope.Group)
public class RingBufferBenchmark {
  private static final int CAPACITY = 128 * 1024;
  private static final int BURST = 64;

  @Param({"perfkit", "agrona", "jctools"})
  public String impl;

  @Param({"one-to-one", "many-to-one"})
  public String mode;

  @Param({"64"})
  public int messageLength;

  private Transfer transfer;

  /**
   * Where the consumer's handler adds what it reads: padded on both sides so the consumer's store
   * per message shares no cache line with the fields the producer reads (a {@code sum} field in
   * the transfer object itself did: whether it shared a line with {@code ring} or {@code message}
   * depended on where that object landed, one more per-fork variable).
   */
  static final class Sink {
    long p01, p02, p03, p04, p05, p06, p07, p08, p09, p10, p11, p12, p13, p14, p15, p16;
    long sum;
    long q01, q02, q03, q04, q05, q06, q07, q08, q09, q10, q11, q12, q13, q14, q15, q16;
  }

  /** One implementation under test. */
  abstract static class Transfer {
    abstract boolean write();

    abstract int read();

    void close() {}
  }

  /** perfkit ring buffers over direct memory. */
  static final class PerfkitTransfer extends Transfer {
    private final RingBuffer ring;
    private final MemoryBuffer memory;
    private final byte[] message;
    private final MessageHandler handler;

    PerfkitTransfer(boolean manyToOne, int length, Sink sink) {
      memory = MemoryBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
      ring = manyToOne ? new ManyToOneRingBuffer(memory) : new OneToOneRingBuffer(memory);
      message = new byte[length];
      handler = (type, buffer, index, len) -> sink.sum += buffer.getLong(index);
    }

    @Override
    boolean write() {
      return ring.write(1, message, 0, message.length);
    }

    @Override
    int read() {
      return ring.read(handler, 64);
    }

    @Override
    void close() {
      memory.close();
    }
  }

  /** Agrona ring buffers over direct memory. */
  static final class AgronaTransfer extends Transfer {
    private final org.agrona.concurrent.ringbuffer.RingBuffer ring;
    private final UnsafeBuffer message;
    private final org.agrona.concurrent.MessageHandler handler;

    AgronaTransfer(boolean manyToOne, int length, Sink sink) {
      UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(
          CAPACITY + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH));
      ring = manyToOne
          ? new org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer(buffer)
          : new org.agrona.concurrent.ringbuffer.OneToOneRingBuffer(buffer);
      message = new UnsafeBuffer(new byte[length]);
      handler = (type, buffer2, index, len) -> sink.sum += buffer2.getLong(index);
    }

    @Override
    boolean write() {
      return ring.write(1, message, 0, message.capacity());
    }

    @Override
    int read() {
      return ring.read(handler, 64);
    }
  }

  /** JCTools queue of byte[] copies (a new array per message, as a user would send one). */
  static final class JctoolsTransfer extends Transfer {
    private final MessagePassingQueue<byte[]> queue;
    private final MessagePassingQueue.Consumer<byte[]> consumer;
    private final byte[] message;

    JctoolsTransfer(boolean manyToOne, int length, Sink sink) {
      // Roughly the same number of 64-byte messages as the ring buffers hold.
      int slots = CAPACITY / (length + 8);
      queue = manyToOne ? new MpscArrayQueue<>(slots) : new SpscArrayQueue<>(slots);
      message = new byte[length];
      consumer = bytes -> sink.sum += bytes[0];
    }

    @Override
    boolean write() {
      return queue.relaxedOffer(Arrays.copyOf(message, message.length));
    }

    @Override
    int read() {
      return queue.drain(consumer, 64);
    }
  }

  @Setup(Level.Trial)
  public void setup() {
    boolean manyToOne = mode.equals("many-to-one");
    Sink sink = new Sink();
    switch (impl) {
      case "perfkit":
        transfer = new PerfkitTransfer(manyToOne, messageLength, sink);
        break;
      case "agrona":
        transfer = new AgronaTransfer(manyToOne, messageLength, sink);
        break;
      case "jctools":
        transfer = new JctoolsTransfer(manyToOne, messageLength, sink);
        break;
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    transfer.close();
  }

  /** Producer-side counters. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class WriteCounters {
    public long writesFailed;
  }

  /** Consumer-side counters. */
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  @State(Scope.Thread)
  public static class ReadCounters {
    public long readsEmpty;
    public long messagesRead;
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public void write(WriteCounters counters) {
    if (!transfer.write()) {
      counters.writesFailed++;
    }
  }

  @Benchmark
  @Group("transfer")
  @GroupThreads(1)
  public void read(ReadCounters counters) {
    int n = transfer.read();
    if (n == 0) {
      counters.readsEmpty++;
    } else {
      counters.messagesRead += n;
    }
  }

  @Benchmark
  @Group("transferYield")
  @GroupThreads(1)
  public void writeYield(WriteCounters counters) {
    if (!transfer.write()) {
      counters.writesFailed++;
      Thread.yield();
    }
  }

  @Benchmark
  @Group("transferYield")
  @GroupThreads(1)
  public void readYield(ReadCounters counters) {
    int n = transfer.read();
    if (n == 0) {
      counters.readsEmpty++;
      Thread.yield();
    } else {
      counters.messagesRead += n;
    }
  }

  @Benchmark
  @Group("burst")
  @GroupThreads(1)
  @OperationsPerInvocation(BURST)
  public int burst() {
    for (int i = 0; i < BURST; i++) {
      transfer.write();
    }
    int read = 0;
    while (read < BURST) {
      read += transfer.read();
    }
    return read;
  }
}
