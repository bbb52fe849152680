package io.perfkit.bench.queue;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;

/**
 * The two-thread transfer of {@link InstrumentedQueueBenchmark}, paired in one JVM: the same two
 * long-lived threads (a producer and a consumer) move {@code elements} elements through queue A,
 * then through queue B (or B then A: the order alternates per pair), many rounds in one JVM, so
 * both queues see the same machine state, heap and JIT, and a difference between them is the
 * code's, not a JMH fork's luck. Each round uses the benchmark's loops: retry until success, every
 * 64th failure yields; failed offers and empty polls are counted per round (how long each side
 * found the queue full or empty), and each side's CPU time per round (so a round the scheduler cut
 * into shows as wall time well above CPU time).
 *
 * <p>Each queue has its own copy of the loops ({@link LaneA}, {@link LaneB}): their call sites see
 * one queue class each, as in a JMH fork, and neither queue's profile blurs the other's.
 *
 * <p>Prints, per queue, the rounds' throughput in JMH's unit (offers plus polls per µs, i.e. twice
 * the elements per µs): median, quartiles and fastest round, and the median failed offers and empty
 * polls per element; then the paired ratio B ÷ A (> 1: B is faster): median and quartiles of the
 * per-pair ratios and the fastest-round ratio. {@code -v} also prints every round.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.queue.InstrumentedTransferPaired \
 *   [-v] [--alloc-b-first] kind [implA [implB [pairs [elements]]]]
 * # kind: spsc | mpsc; implA default bare, implB default perfkit-instrumented (any impl that
 * # InstrumentedQueueBenchmark accepts: bare, bare-own, perfkit-instrumented,
 * # perfkit-instrumented-unsampled, perfkit-wrapper, ...); pairs default 100 (after 20 warm-up
 * # pairs), elements per round default 2^21; A is allocated first unless --alloc-b-first.
 * </pre>
 */
public final class InstrumentedTransferPaired {
  private static final Integer ITEM = 1;
  private static final int WARMUP_PAIRS = 20;
  private static final double UNDISTURBED = 0.9;
  private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

  /** One queue and its own copy of the producer and consumer loops. */
  abstract static class Lane {
    /** Offers {@code n} elements, retrying; returns the failed offers. */
    abstract long produce(int n);

    /** Polls {@code n} elements, retrying; returns the empty polls. */
    abstract long consume(int n);

    /** The last element polled: checked, so the loop's polls are not dead code. */
    Object last;
  }

  /** Queue A's loops. Deliberately the same code as {@link LaneB}'s: see the class comment. */
  static final class LaneA extends Lane {
    private final Queue<Integer> queue;

    LaneA(Queue<Integer> queue) {
      this.queue = queue;
    }

    @Override
    long produce(int n) {
      final Queue<Integer> queue = this.queue;
      long failed = 0;
      for (int i = 0; i < n; i++) {
        while (!queue.offer(ITEM)) {
          if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
            Thread.yield();
          }
        }
      }
      return failed;
    }

    @Override
    long consume(int n) {
      final Queue<Integer> queue = this.queue;
      long failed = 0;
      Integer item = null;
      for (int i = 0; i < n; i++) {
        while ((item = queue.poll()) == null) {
          if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
            Thread.yield();
          }
        }
      }
      last = item;
      return failed;
    }
  }

  /** Queue B's loops: {@link LaneA}'s code, with a profile of its own. */
  static final class LaneB extends Lane {
    private final Queue<Integer> queue;

    LaneB(Queue<Integer> queue) {
      this.queue = queue;
    }

    @Override
    long produce(int n) {
      final Queue<Integer> queue = this.queue;
      long failed = 0;
      for (int i = 0; i < n; i++) {
        while (!queue.offer(ITEM)) {
          if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
            Thread.yield();
          }
        }
      }
      return failed;
    }

    @Override
    long consume(int n) {
      final Queue<Integer> queue = this.queue;
      long failed = 0;
      Integer item = null;
      for (int i = 0; i < n; i++) {
        while ((item = queue.poll()) == null) {
          if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
            Thread.yield();
          }
        }
      }
      last = item;
      return failed;
    }
  }

  private final Lane[] lanes;
  private final int[] laneOfRound;
  private final int elements;
  // per round, written by the producer before its volatile store to producerDone
  private final long[] offersFailed;
  private final long[] producerCpu;
  private volatile int producerGo; // rounds the producer may run (written by the consumer)
  private volatile int producerDone; // rounds the producer finished

  private InstrumentedTransferPaired(Lane[] lanes, int[] laneOfRound, int elements) {
    this.lanes = lanes;
    this.laneOfRound = laneOfRound;
    this.elements = elements;
    this.offersFailed = new long[laneOfRound.length];
    this.producerCpu = new long[laneOfRound.length];
  }

  /**
   * Runs the probe.
   *
   * @param args {@code [-v] [--alloc-b-first] kind [implA [implB [pairs [elements]]]]}
   * @throws InterruptedException if interrupted while joining the producer
   */
  public static void main(String[] args) throws InterruptedException {
    int at = 0;
    boolean verbose = false;
    boolean bFirst = false;
    while (at < args.length && args[at].startsWith("-")) {
      switch (args[at++]) {
        case "-v":
          verbose = true;
          break;
        case "--alloc-b-first":
          bFirst = true;
          break;
        default:
          throw new IllegalArgumentException("option: " + args[at - 1]);
      }
    }
    String kind = args.length > at ? args[at++] : "spsc";
    String implA = args.length > at ? args[at++] : "bare";
    String implB = args.length > at ? args[at++] : "perfkit-instrumented";
    int pairs = args.length > at ? Integer.parseInt(args[at++]) : 100;
    int elements = args.length > at ? Integer.parseInt(args[at]) : 1 << 21;
    if (pairs <= 0 || elements <= 0) {
      throw new IllegalArgumentException(
          "pairs: " + pairs + ", elements: " + elements + " (expected: > 0)");
    }
    Queue<Integer> a;
    Queue<Integer> b;
    if (bFirst) {
      b = QueueKind.instrumented(implB, kind, QueueTransferHarness.CAPACITY);
      a = QueueKind.instrumented(implA, kind, QueueTransferHarness.CAPACITY);
    } else {
      a = QueueKind.instrumented(implA, kind, QueueTransferHarness.CAPACITY);
      b = QueueKind.instrumented(implB, kind, QueueTransferHarness.CAPACITY);
    }
    int rounds = 2 * (WARMUP_PAIRS + pairs);
    int[] laneOfRound = new int[rounds];
    for (int p = 0; p < rounds / 2; p++) { // A B, B A, A B, ...
      laneOfRound[2 * p] = p & 1;
      laneOfRound[2 * p + 1] = 1 - (p & 1);
    }
    var probe = new InstrumentedTransferPaired(
        new Lane[] {new LaneA(a), new LaneB(b)}, laneOfRound, elements);
    long[] nanos = new long[rounds];
    long[] pollsFailed = new long[rounds];
    long[] consumerCpu = new long[rounds];
    Thread producer = new Thread(probe::produce, "paired-producer");
    producer.setDaemon(true); // never outlives main: joined below
    producer.start();
    probe.consume(nanos, pollsFailed, consumerCpu);
    producer.join();
    for (Lane lane : probe.lanes) {
      if (lane.last != ITEM) {
        throw new AssertionError("unexpected element: " + lane.last);
      }
    }
    probe.print(kind, implA, implB, verbose, nanos, pollsFailed, consumerCpu);
  }

  private void produce() {
    final int rounds = laneOfRound.length;
    for (int r = 0; r < rounds; r++) {
      while (producerGo <= r) {
        Thread.onSpinWait();
      }
      long cpu = CPU.getCurrentThreadCpuTime();
      offersFailed[r] = lanes[laneOfRound[r]].produce(elements);
      producerCpu[r] = CPU.getCurrentThreadCpuTime() - cpu;
      producerDone = r + 1; // volatile: publishes this round's counts
    }
  }

  private void consume(long[] nanos, long[] pollsFailed, long[] consumerCpu) {
    final int rounds = laneOfRound.length;
    for (int r = 0; r < rounds; r++) {
      while (producerDone < r) {
        Thread.onSpinWait(); // the producer is between its last offer and its bookkeeping
      }
      long cpu = CPU.getCurrentThreadCpuTime();
      long start = System.nanoTime();
      producerGo = r + 1; // go
      pollsFailed[r] = lanes[laneOfRound[r]].consume(elements);
      nanos[r] = System.nanoTime() - start;
      consumerCpu[r] = CPU.getCurrentThreadCpuTime() - cpu;
    }
    while (producerDone < rounds) {
      Thread.onSpinWait();
    }
  }

  private void print(String kind, String implA, String implB, boolean verbose, long[] nanos,
      long[] pollsFailed, long[] consumerCpu) {
    final double n = elements;
    int first = 2 * WARMUP_PAIRS;
    int pairs = nanos.length / 2 - WARMUP_PAIRS;
    double[][] rate = new double[2][pairs];
    double[][] offerFail = new double[2][pairs];
    double[][] pollFail = new double[2][pairs];
    double[][] cpuPerOp = new double[2][pairs]; // both threads' CPU ns per transfer (offer + poll)
    double[] share = new double[2];
    double[] ratio = new double[pairs];
    // a pair counts as undisturbed when, in both its rounds, each thread was on a core for at
    // least UNDISTURBED of the round's wall time (both threads spin, so a lower share means the
    // scheduler ran something else on their cores)
    double[] undisturbed = new double[pairs];
    int undisturbedPairs = 0;
    if (verbose) {
      System.out.println(
          "round lane impl ops/us offFail/el pollFail/el prodCpuNs/el consCpuNs/el onCpuShare");
    }
    for (int p = 0; p < pairs; p++) {
      for (int k = 0; k < 2; k++) {
        int r = first + 2 * p + k;
        int lane = laneOfRound[r];
        rate[lane][p] = 2 * n * 1e3 / nanos[r];
        offerFail[lane][p] = offersFailed[r] / n;
        pollFail[lane][p] = pollsFailed[r] / n;
        cpuPerOp[lane][p] = (producerCpu[r] + consumerCpu[r]) / n;
        share[k] = Math.min(producerCpu[r], consumerCpu[r]) / (double) nanos[r];
        if (verbose) {
          System.out.printf(Locale.ROOT, "%d %s %s %.1f %.3f %.3f %.2f %.2f %.2f%n", r,
              lane == 0 ? "A" : "B", lane == 0 ? implA : implB, rate[lane][p],
              offerFail[lane][p], pollFail[lane][p], producerCpu[r] / n, consumerCpu[r] / n,
              share[k]);
        }
      }
      ratio[p] = rate[1][p] / rate[0][p];
      if (share[0] >= UNDISTURBED && share[1] >= UNDISTURBED) {
        undisturbed[undisturbedPairs++] = ratio[p];
      }
    }
    double bestRatio = max(rate[1]) / max(rate[0]);
    String[] names = {implA, implB};
    for (int k = 0; k < 2; k++) {
      System.out.printf(Locale.ROOT,
          "%s %s %s: ops/us median %.1f [q1 %.1f, q3 %.1f], fastest %.1f | per element: failed"
              + " offers %.3f, empty polls %.3f, CPU ns (both threads) %.2f (medians)%n",
          kind, k == 0 ? "A" : "B", names[k], quantile(rate[k], 0.5), quantile(rate[k], 0.25),
          quantile(rate[k], 0.75), max(rate[k]), quantile(offerFail[k], 0.5),
          quantile(pollFail[k], 0.5), quantile(cpuPerOp[k], 0.5));
    }
    System.out.printf(Locale.ROOT,
        "%s B/A (%s / %s): paired ratio median %.3f [q1 %.3f, q3 %.3f], fastest-round ratio %.3f"
            + " (%d pairs of %d elements)%n",
        kind, implB, implA, quantile(ratio, 0.5), quantile(ratio, 0.25), quantile(ratio, 0.75),
        bestRatio, pairs, elements);
    if (undisturbedPairs > 0) {
      double[] kept = Arrays.copyOf(undisturbed, undisturbedPairs);
      System.out.printf(Locale.ROOT,
          "%s B/A undisturbed pairs (both threads on a core >= %.0f%% of both rounds): %d of %d,"
              + " ratio median %.3f [q1 %.3f, q3 %.3f]%n",
          kind, 100 * UNDISTURBED, undisturbedPairs, pairs, quantile(kept, 0.5),
          quantile(kept, 0.25), quantile(kept, 0.75));
    } else {
      System.out.printf(Locale.ROOT, "%s B/A undisturbed pairs: none of %d%n", kind, pairs);
    }
  }

  private static double quantile(double[] values, double q) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.round(q * (sorted.length - 1))];
  }

  private static double max(double[] values) {
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      max = Math.max(max, v);
    }
    return max;
  }
}
