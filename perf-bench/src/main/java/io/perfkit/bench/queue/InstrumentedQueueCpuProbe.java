package io.perfkit.bench.queue;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.Queues;
import io.perfkit.core.queue.internal.MpscArrayQueue;
import io.perfkit.core.queue.internal.SpscArrayQueue;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Queue;

/**
 * The one-thread cost of the instrumented queues measured in CPU time, for a shared machine: one
 * thread offers an element and polls it back, {@code pairs} times per round, and every round
 * measures each queue of the kind once, in the same JVM, one after the other; the best round per
 * queue (thread CPU time per pair, {@link ThreadMXBean#getCurrentThreadCpuTime()}) is reported with
 * its ratio to the bare queue (> 1 = faster). JMH's wall-clock throughput swings 2x between forks
 * when the machine's load average exceeds its 2 cores; the best-of-rounds CPU time of queues
 * measured side by side repeats to a few percent there (session 4), which is what a ~10 %
 * target needs. Each queue gets its own copy of the loop (a static method per queue class), so
 * no call site sees two queue classes.
 *
 * <p>Queues: {@code bare} ({@code Queues.spsc}/{@code Queues.mpsc}), {@code bare-own} (perfkit's
 * own array queue of the kind) and {@code instrumented} ({@code Queues.instrumentedSpsc/Mpsc} timing
 * one position in {@code sampleInterval}, default 1024; 1073741824 = 2^30 measures the counting
 * without the timing). Run one sampling interval per JVM: two instrumented queues of one class
 * with different intervals would share, and blur, the JIT's profile of the sampled branch.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.queue.InstrumentedQueueCpuProbe \
 *   [kind [rounds [pairs [sampleInterval]]]]
 * # kind: spsc | mpsc | both (default both); rounds default 40 (the first 5 are warm-up);
 * # pairs per round default 5,000,000; sampleInterval default 1024
 * </pre>
 */
public final class InstrumentedQueueCpuProbe {
  private static final Integer ITEM = 1;
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();
  private static final int WARMUP_ROUNDS = 5;
  private static volatile Object sink;

  private InstrumentedQueueCpuProbe() {}

  /**
   * Runs the probe.
   *
   * @param args {@code [kind [rounds [pairs]]]}
   */
  public static void main(String[] args) {
    String kind = args.length > 0 ? args[0] : "both";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 5_000_000;
    int sampleInterval = args.length > 3 ? Integer.parseInt(args[3]) : Queues.DEFAULT_SAMPLE_INTERVAL;
    if (rounds <= WARMUP_ROUNDS || pairs <= 0) {
      throw new IllegalArgumentException(
          "rounds: " + rounds + ", pairs: " + pairs + " (expected: rounds > 5, pairs > 0)");
    }
    if (kind.equals("spsc") || kind.equals("both")) {
      spsc(rounds, pairs, sampleInterval);
    }
    if (kind.equals("mpsc") || kind.equals("both")) {
      mpsc(rounds, pairs, sampleInterval);
    }
  }

  private static void spsc(int rounds, int pairs, int sampleInterval) {
    Queue<Integer> bare = QueueKind.asQueue(Queues.<Integer>spsc(QueueTransferHarness.CAPACITY));
    var own = new SpscArrayQueue<Integer>(QueueTransferHarness.CAPACITY);
    Queue<Integer> instrumented =
        Queues.instrumentedSpsc(QueueTransferHarness.CAPACITY, sampleInterval, LatencyRecorder.create());
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    for (int r = 0; r < rounds; r++) {
      double[] round = {
        runBareSpsc(bare, pairs), runOwnSpsc(own, pairs),
        runInstrumentedSpsc(instrumented, pairs)
      };
      keepBest(r, round, best);
    }
    print("spsc", sampleInterval, bare, best);
  }

  private static void mpsc(int rounds, int pairs, int sampleInterval) {
    Queue<Integer> bare = QueueKind.asQueue(Queues.<Integer>mpsc(QueueTransferHarness.CAPACITY));
    var own = new MpscArrayQueue<Integer>(QueueTransferHarness.CAPACITY);
    Queue<Integer> instrumented =
        Queues.instrumentedMpsc(QueueTransferHarness.CAPACITY, sampleInterval, LatencyRecorder.create());
    double[] best = {Double.MAX_VALUE, Double.MAX_VALUE, Double.MAX_VALUE};
    for (int r = 0; r < rounds; r++) {
      double[] round = {
        runBareMpsc(bare, pairs), runOwnMpsc(own, pairs),
        runInstrumentedMpsc(instrumented, pairs)
      };
      keepBest(r, round, best);
    }
    print("mpsc", sampleInterval, bare, best);
  }

  private static void keepBest(int round, double[] nanosPerPair, double[] best) {
    if (round < WARMUP_ROUNDS) {
      return;
    }
    for (int i = 0; i < best.length; i++) {
      best[i] = Math.min(best[i], nanosPerPair[i]);
    }
  }

  private static void print(String kind, int sampleInterval, Queue<Integer> bare, double[] best) {
    System.out.printf(
        Locale.ROOT,
        "%s, sampleInterval %d (bare = %s): CPU ns per offer+poll, best round: bare %.2f,"
            + " bare-own %.2f, instrumented %.2f | vs bare: bare-own %.2fx, instrumented %.2fx |"
            + " instrumented vs bare-own %.2fx%n",
        kind,
        sampleInterval,
        bare.getClass().getName(),
        best[0],
        best[1],
        best[2],
        best[0] / best[1],
        best[0] / best[2],
        best[1] / best[2]);
  }

  // One loop per queue class: each call site stays monomorphic, as in an application.

  private static double runBareSpsc(Queue<Integer> q, int pairs) {
    long start = CPU.getCurrentThreadCpuTime();
    Integer last = null;
    for (int i = 0; i < pairs; i++) {
      q.offer(ITEM);
      last = q.poll();
    }
    sink = last;
    return (CPU.getCurrentThreadCpuTime() - start) / (double) pairs;
  }

  private static double runOwnSpsc(SpscArrayQueue<Integer> q, int pairs) {
    long start = CPU.getCurrentThreadCpuTime();
    Integer last = null;
    for (int i = 0; i < pairs; i++) {
      q.offer(ITEM);
      last = q.poll();
    }
    sink = last;
    return (CPU.getCurrentThreadCpuTime() - start) / (double) pairs;
  }

  private static double runInstrumentedSpsc(Queue<Integer> q, int pairs) {
    long start = CPU.getCurrentThreadCpuTime();
    Integer last = null;
    for (int i = 0; i < pairs; i++) {
      q.offer(ITEM);
      last = q.poll();
    }
    sink = last;
    return (CPU.getCurrentThreadCpuTime() - start) / (double) pairs;
  }

  private static double runBareMpsc(Queue<Integer> q, int pairs) {
    long start = CPU.getCurrentThreadCpuTime();
    Integer last = null;
    for (int i = 0; i < pairs; i++) {
      q.offer(ITEM);
      last = q.poll();
    }
    sink = last;
    return (CPU.getCurrentThreadCpuTime() - start) / (double) pairs;
  }

  private static double runOwnMpsc(MpscArrayQueue<Integer> q, int pairs) {
    long start = CPU.getCurrentThreadCpuTime();
    Integer last = null;
    for (int i = 0; i < pairs; i++) {
      q.offer(ITEM);
      last = q.poll();
    }
    sink = last;
    return (CPU.getCurrentThreadCpuTime() - start) / (double) pairs;
  }

  private static double runInstrumentedMpsc(Queue<Integer> q, int pairs) {
    long start = CPU.getCurrentThreadCpuTime();
    Integer last = null;
    for (int i = 0; i < pairs; i++) {
      q.offer(ITEM);
      last = q.poll();
    }
    sink = last;
    return (CPU.getCurrentThreadCpuTime() - start) / (double) pairs;
  }

}
