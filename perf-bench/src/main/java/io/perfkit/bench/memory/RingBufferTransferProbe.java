package io.perfkit.bench.memory;

import io.perfkit.core.ipc.ManyToOneRingBuffer;
import io.perfkit.core.ipc.MessageHandler;
import io.perfkit.core.ipc.OneToOneRingBuffer;
import io.perfkit.core.ipc.RingBuffer;
import io.perfkit.core.ipc.RingBufferDescriptor;
import io.perfkit.core.memory.MemoryBuffer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Diagnoses the two-thread ring buffer transfer on a shared machine: runs perfkit's and Agrona's
 * ring buffers in alternating (ABBA) trials inside one JVM and prints, per trial, messages per
 * second next to the CPU time its threads actually got and the machine's CPU pressure. A trial
 * whose producer and consumer did not run at the same time shows up as a CPU share near 1.0
 * instead of 2.0 (or N + 1 with N producers), with the buffer passed between them once per
 * scheduler time slice.
 *
 * <pre>
 * java --add-exports=java.base/jdk.internal.misc=ALL-UNNAMED \
 *   -cp perf-bench/target/benchmarks.jar io.perfkit.bench.memory.RingBufferTransferProbe \
 *   [--mode many-to-one|one-to-one] [--producers N] [--backoff spin|yield|park]
 *   [--trials N] [--warmup-ms N] [--measure-ms N] [--impls perfkit,agrona] [--burst N]
 * </pre>
 *
 * <p>{@code --burst N}: one thread instead, writing N messages then reading them back (the
 * per-message CPU cost without a second thread).
 *
 * <p>Agrona's buffers need the {@code --add-exports} flag; perfkit's run without it.
 */
public final class RingBufferTransferProbe {
  private static final int CAPACITY = 128 * 1024;
  private static final int LENGTH = 64;
  private static final int BATCH = 64;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private RingBufferTransferProbe() {}

  /** One ring buffer under test: write one message, read up to a batch. */
  interface Ring {
    boolean write();

    int read();
  }

  /** How a thread waits after a failed write or an empty read. Same for every implementation. */
  enum Backoff {
    SPIN {
      @Override
      void idle() {
        Thread.onSpinWait();
      }
    },
    YIELD {
      @Override
      void idle() {
        Thread.yield();
      }
    },
    PARK {
      @Override
      void idle() {
        java.util.concurrent.locks.LockSupport.parkNanos(1);
      }
    };

    abstract void idle();
  }

  /** The consumer's running sum, on its own cache lines (nothing else shares them). */
  static final class Sink {
    long p01, p02, p03, p04, p05, p06, p07, p08;
    long sum;
    long p11, p12, p13, p14, p15, p16, p17, p18;
  }

  static Ring perfkit(boolean manyToOne, Sink sink) {
    MemoryBuffer memory =
        MemoryBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
    RingBuffer ring = manyToOne ? new ManyToOneRingBuffer(memory) : new OneToOneRingBuffer(memory);
    byte[] message = new byte[LENGTH];
    MessageHandler handler = (type, buffer, index, length) -> sink.sum += buffer.getLong(index);
    return new Ring() {
      @Override
      public boolean write() {
        return ring.write(1, message, 0, LENGTH);
      }

      @Override
      public int read() {
        return ring.read(handler, BATCH);
      }
    };
  }

  static Ring agrona(boolean manyToOne, Sink sink) {
    UnsafeBuffer buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(
        CAPACITY + org.agrona.concurrent.ringbuffer.RingBufferDescriptor.TRAILER_LENGTH));
    org.agrona.concurrent.ringbuffer.RingBuffer ring = manyToOne
        ? new org.agrona.concurrent.ringbuffer.ManyToOneRingBuffer(buffer)
        : new org.agrona.concurrent.ringbuffer.OneToOneRingBuffer(buffer);
    UnsafeBuffer message = new UnsafeBuffer(new byte[LENGTH]);
    org.agrona.concurrent.MessageHandler handler =
        (type, buf, index, length) -> sink.sum += buf.getLong(index);
    return new Ring() {
      @Override
      public boolean write() {
        return ring.write(1, message, 0, LENGTH);
      }

      @Override
      public int read() {
        return ring.read(handler, BATCH);
      }
    };
  }

  /** What one thread did during the measured window. */
  static final class Tally {
    long done;
    long failed;
    long cpuNanos;
  }

  /** One run of one implementation. */
  record Trial(String impl, int index, double messagesPerSecond, double failedWritesPerSecond,
      double emptyReadsPerSecond, double cpuShare, String pressure) {}

  private static volatile int phase; // 0 warm-up, 1 measure, 2 stop

  /**
   * One thread writes {@code burst} messages, then reads them back, until the window ends: the
   * per-message instruction cost with no second thread (burst 64 stays in L1; a burst of a whole
   * buffer, 1,820 messages, sweeps 128 KiB as the time-sliced transfer does).
   */
  static Trial runBurst(String impl, int index, boolean manyToOne, int burst, long warmupMs,
      long measureMs) {
    Sink sink = new Sink();
    Ring ring = impl.equals("agrona") ? agrona(manyToOne, sink) : perfkit(manyToOne, sink);
    long messages = 0;
    long failed = 0;
    long start = 0;
    long cpu = 0;
    long warmupEnd = System.nanoTime() + warmupMs * 1_000_000;
    boolean measuring = false;
    while (true) {
      long now = System.nanoTime();
      if (!measuring && now >= warmupEnd) {
        measuring = true;
        messages = 0;
        failed = 0;
        start = now;
        cpu = THREADS.getCurrentThreadCpuTime();
      } else if (measuring && now - start >= measureMs * 1_000_000) {
        break;
      }
      for (int i = 0; i < burst; i++) {
        if (!ring.write()) {
          failed++;
        }
      }
      int read = 0;
      int n;
      while ((n = ring.read()) > 0) {
        read += n;
      }
      messages += read;
    }
    long wall = System.nanoTime() - start;
    cpu = THREADS.getCurrentThreadCpuTime() - cpu;
    if (sink.sum == 42) {
      System.out.print("");
    }
    return new Trial(impl, index, messages / (wall / 1e9), failed / (wall / 1e9), 0,
        cpu / (double) wall, cpuPressure());
  }

  static Trial run(String impl, int index, boolean manyToOne, int producers, Backoff backoff,
      long warmupMs, long measureMs) throws InterruptedException {
    Sink sink = new Sink();
    Ring ring = impl.equals("agrona") ? agrona(manyToOne, sink) : perfkit(manyToOne, sink);
    phase = 0;
    CountDownLatch started = new CountDownLatch(producers + 1);
    Tally[] tallies = new Tally[producers + 1];
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p <= producers; p++) {
      Tally tally = new Tally();
      tallies[p] = tally;
      boolean consumer = p == producers;
      Thread thread = new Thread(() -> {
        started.countDown();
        long done = 0;
        long failed = 0;
        while (phase == 0) {
          if (consumer ? ring.read() == 0 : !ring.write()) {
            backoff.idle();
          }
        }
        long cpu = THREADS.getCurrentThreadCpuTime();
        while (phase == 1) {
          if (consumer) {
            int n = ring.read();
            if (n == 0) {
              failed++;
              backoff.idle();
            }
            done += n;
          } else if (ring.write()) {
            done++;
          } else {
            failed++;
            backoff.idle();
          }
        }
        tally.cpuNanos = THREADS.getCurrentThreadCpuTime() - cpu;
        tally.done = done;
        tally.failed = failed;
      }, (consumer ? "consumer-" : "producer-") + p);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
    started.await();
    Thread.sleep(warmupMs);
    long start = System.nanoTime();
    phase = 1;
    Thread.sleep(measureMs);
    phase = 2;
    long wall = System.nanoTime() - start;
    for (Thread thread : threads) {
      thread.join();
    }
    double seconds = wall / 1e9;
    long failedWrites = 0;
    long cpu = 0;
    for (int p = 0; p < producers; p++) {
      failedWrites += tallies[p].failed;
      cpu += tallies[p].cpuNanos;
    }
    Tally consumer = tallies[producers];
    cpu += consumer.cpuNanos;
    if (sink.sum == 42) {
      System.out.print(""); // keeps the handlers' reads alive
    }
    return new Trial(impl, index, consumer.done / seconds, failedWrites / seconds,
        consumer.failed / seconds, cpu / (double) wall, cpuPressure());
  }

  /** The kernel's CPU pressure over the last 10 s (share of time some task waited), or "?". */
  static String cpuPressure() {
    try {
      String line = Files.readAllLines(Path.of("/proc/pressure/cpu")).get(0);
      int at = line.indexOf("avg10=");
      return line.substring(at + 6, line.indexOf(' ', at));
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  public static void main(String[] args) throws InterruptedException {
    String mode = "many-to-one";
    int producers = 1;
    Backoff backoff = Backoff.SPIN;
    int trials = 10;
    long warmupMs = 500;
    long measureMs = 1000;
    List<String> impls = List.of("perfkit", "agrona");
    int burst = 0;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--mode" -> mode = args[++i];
        case "--producers" -> producers = Integer.parseInt(args[++i]);
        case "--backoff" -> backoff = Backoff.valueOf(args[++i].toUpperCase(Locale.ROOT));
        case "--trials" -> trials = Integer.parseInt(args[++i]);
        case "--warmup-ms" -> warmupMs = Long.parseLong(args[++i]);
        case "--measure-ms" -> measureMs = Long.parseLong(args[++i]);
        case "--impls" -> impls = List.of(args[++i].split(","));
        case "--burst" -> burst = Integer.parseInt(args[++i]);
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    boolean manyToOne = mode.equals("many-to-one");
    System.out.printf(Locale.US, "# mode=%s producers=%d backoff=%s burst=%d trials=%d warmup=%dms"
        + " measure=%dms%n", mode, producers, backoff, burst, trials, warmupMs, measureMs);
    System.out.println("impl\ttrial\tmsgs/s\tmsgs/cpu-s\tfailedWrites/s\temptyReads/s\tcpuShare"
        + "\tpsiCpu10");
    List<Trial> results = new ArrayList<>();
    for (int t = 0; t < trials; t++) {
      List<String> order = new ArrayList<>(impls);
      if ((t & 1) == 1) {
        java.util.Collections.reverse(order); // ABBA: neither goes first more often
      }
      for (String impl : order) {
        Trial trial = burst > 0
            ? runBurst(impl, t, manyToOne, burst, warmupMs, measureMs)
            : run(impl, t, manyToOne, producers, backoff, warmupMs, measureMs);
        results.add(trial);
        System.out.printf(Locale.US, "%s\t%d\t%.2fM\t%.2fM\t%.2fM\t%.2fM\t%.2f\t%s%n", impl, t,
            trial.messagesPerSecond() / 1e6,
            trial.messagesPerSecond() / Math.max(1e-9, trial.cpuShare()) / 1e6,
            trial.failedWritesPerSecond() / 1e6,
            trial.emptyReadsPerSecond() / 1e6, trial.cpuShare(), trial.pressure());
      }
    }
    System.out.println("# summary (M msgs/s | M msgs/cpu-s): impl  median  mean  min  max");
    for (String impl : impls) {
      double[] values = results.stream().filter(r -> r.impl().equals(impl))
          .mapToDouble(Trial::messagesPerSecond).sorted().toArray();
      double[] perCpu = results.stream().filter(r -> r.impl().equals(impl))
          .mapToDouble(r -> r.messagesPerSecond() / Math.max(1e-9, r.cpuShare())).sorted()
          .toArray();
      System.out.printf(Locale.US, "# %s\t%s | %s%n", impl, stats(values), stats(perCpu));
    }
  }

  static String stats(double[] sorted) {
    return String.format(Locale.US, "%.2f\t%.2f\t%.2f\t%.2f", median(sorted) / 1e6,
        Arrays.stream(sorted).average().orElse(0) / 1e6, sorted[0] / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
