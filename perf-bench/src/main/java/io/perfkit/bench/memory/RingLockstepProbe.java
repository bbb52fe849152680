package io.perfkit.bench.memory;

import io.perfkit.core.ipc.ManyToOneRingBuffer;
import io.perfkit.core.ipc.MessageHandler;
import io.perfkit.core.ipc.RingBuffer;
import io.perfkit.core.ipc.RingBufferDescriptor;
import io.perfkit.core.memory.MemoryBuffer;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Measures what the many-to-one lockstep costs the producer, on a machine too loaded for the
 * two-thread benchmark to show it: a spinning consumer follows one producer; the producer times
 * batches of 16 writes and classifies each batch by what the consumer did meanwhile. A batch is
 * <i>lockstep</i> when the consumer consumed at least as much as the batch wrote and ended it less
 * than 1 KiB behind the tail (both threads ran, the consumer on the producer's heels), <i>alone</i>
 * when the consumer did not move (it was not running), <i>batched</i> when the consumer ran but
 * trails by more than one read limit (64 records); batches slower than 20 us per record span a
 * preemption and are counted apart. With {@code yield} the consumer yields after an empty read, as
 * in {@code RingBufferBenchmark.transferYield}, and the lockstep/batched counts show how often a
 * running consumer ends up on the producer's heels. Per implementation it prints the median and
 * quartiles of producer ns per record in each class; scheduling only changes how many batches fall
 * in a class, not what one costs. perfkit and Agrona alternate (ABBA) in one JVM.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
 *   -cp perf-bench/target/benchmarks.jar io.perfkit.bench.memory.RingLockstepProbe [trials] [ms]
 *   [spin|yield]
 * </pre>
 */
public final class RingLockstepProbe {
  private static final int CAPACITY = 128 * 1024;
  private static final int LENGTH = 64;
  private static final int BATCH = 16;
  private static final int RECORD = LENGTH + 8;
  private static final int MAX_SAMPLES = 1 << 20;
  /** A batch slower than this per record was preempted (a record costs at most a few us). */
  private static final long PREEMPTED_NS = 20_000;

  private RingLockstepProbe() {}

  /** One ring buffer under test. */
  interface Ring {
    boolean write();

    int read();

    long head();

    long tail();
  }

  static Ring perfkit() {
    MemoryBuffer memory = MemoryBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
    RingBuffer ring = new ManyToOneRingBuffer(memory);
    byte[] message = new byte[LENGTH];
    long[] sum = new long[1];
    MessageHandler handler = (type, buffer, index, length) -> sum[0] += buffer.getLong(index);
    return new Ring() {
      @Override
      public boolean write() {
        return ring.write(1, message, 0, LENGTH);
      }

      @Override
      public int read() {
        return ring.read(handler, 64);
      }

      @Override
      public long head() {
        return ring.consumerPosition();
      }

      @Override
      public long tail() {
        return ring.producerPosition();
      }
    };
  }

  static Ring agrona() {
    UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(
        CAPACITY + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH));
    org.agrona.concurrent.ringbuffer.RingBuffer ring =
        new org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer(buffer);
    UnsafeBuffer message = new UnsafeBuffer(new byte[LENGTH]);
    long[] sum = new long[1];
    org.agrona.concurrent.MessageHandler handler =
        (type, b, index, length) -> sum[0] += b.getLong(index);
    return new Ring() {
      @Override
      public boolean write() {
        return ring.write(1, message, 0, LENGTH);
      }

      @Override
      public int read() {
        return ring.read(handler, 64);
      }

      @Override
      public long head() {
        return ring.consumerPosition();
      }

      @Override
      public long tail() {
        return ring.producerPosition();
      }
    };
  }

  /** Samples of one trial: producer ns per record in lockstep and alone batches. */
  static final class Samples {
    final long[] lockstep = new long[MAX_SAMPLES];
    final long[] alone = new long[MAX_SAMPLES];
    int lockstepCount;
    int aloneCount;
    long batches;
    long preempted;
    long batched;
  }

  static volatile boolean stop;
  static boolean yieldWhenEmpty;

  static void trial(Ring ring, long millis, Samples samples) throws InterruptedException {
    stop = false;
    Thread consumer = new Thread(() -> {
      while (!stop) {
        if (ring.read() == 0 && yieldWhenEmpty) {
          Thread.yield();
        }
      }
    }, "lockstep-consumer");
    consumer.setDaemon(true);
    consumer.start();
    long end = System.nanoTime() + millis * 1_000_000L;
    while (System.nanoTime() < end) {
      long h0 = ring.head();
      long t0 = System.nanoTime();
      for (int i = 0; i < BATCH; i++) {
        while (!ring.write()) {
          Thread.onSpinWait();
        }
      }
      long t1 = System.nanoTime();
      long h1 = ring.head();
      long tail = ring.tail();
      samples.batches++;
      long perRecord = (t1 - t0) / BATCH;
      if (perRecord > PREEMPTED_NS) {
        // A batch that spans a preemption of the producer measures the scheduler, not the ring.
        samples.preempted++;
      } else if (h1 - h0 >= BATCH * RECORD && tail - h1 < 1024) {
        if (samples.lockstepCount < MAX_SAMPLES) {
          samples.lockstep[samples.lockstepCount++] = perRecord;
        }
      } else if (h1 - h0 >= BATCH * RECORD && tail - h1 > 64 * RECORD) {
        // The consumer ran but trails by more than one read limit: the batched regime.
        samples.batched++;
      } else if (h1 == h0 && tail - h1 < CAPACITY - 2 * BATCH * RECORD) {
        if (samples.aloneCount < MAX_SAMPLES) {
          samples.alone[samples.aloneCount++] = perRecord;
        }
      }
    }
    stop = true;
    consumer.join();
  }

  static String quartiles(long[] values, int count) {
    if (count == 0) {
      return "-";
    }
    long[] sorted = Arrays.copyOf(values, count);
    Arrays.sort(sorted);
    return sorted[count / 4] + " / " + sorted[count / 2] + " / " + sorted[count * 3 / 4];
  }

  /**
   * Runs the probe.
   *
   * @param args [trials per implementation (default 6)] [ms per trial (default 2000)] [spin|yield:
   *     what the consumer does after an empty read (default spin)]
   * @throws InterruptedException if interrupted
   */
  public static void main(String[] args) throws InterruptedException {
    int trials = args.length > 0 ? Integer.parseInt(args[0]) : 6;
    long millis = args.length > 1 ? Long.parseLong(args[1]) : 2000;
    yieldWhenEmpty = args.length > 2 && args[2].equals("yield");
    Samples perfkit = new Samples();
    Samples agrona = new Samples();
    // Warm-up: one short trial each, discarded.
    trial(perfkit(), 500, new Samples());
    trial(agrona(), 500, new Samples());
    for (int t = 0; t < trials; t++) {
      boolean perfkitFirst = t % 2 == 0;
      for (int k = 0; k < 2; k++) {
        boolean isPerfkit = perfkitFirst == (k == 0);
        Samples s = isPerfkit ? perfkit : agrona;
        int from = s.lockstepCount;
        trial(isPerfkit ? perfkit() : agrona(), millis, s);
        long[] trialSamples = Arrays.copyOfRange(s.lockstep, from, s.lockstepCount);
        System.out.println("# trial " + t + " " + (isPerfkit ? "perfkit" : "agrona")
            + ": lockstep batches " + trialSamples.length + ", ns/record p25/p50/p75 "
            + quartiles(trialSamples, trialSamples.length));
      }
    }
    System.out.println("impl\tbatches\tpreempted\tbatched-regime batches\tlockstep batches"
        + "\tlockstep ns/record p25/p50/p75"
        + "\talone batches\talone ns/record p25/p50/p75");
    for (String name : new String[] {"perfkit", "agrona"}) {
      Samples s = name.equals("perfkit") ? perfkit : agrona;
      System.out.println(name + "\t" + s.batches + "\t" + s.preempted + "\t" + s.batched + "\t"
          + s.lockstepCount + "\t"
          + quartiles(s.lockstep, s.lockstepCount) + "\t" + s.aloneCount + "\t"
          + quartiles(s.alone, s.aloneCount));
    }
  }
}
