package io.perfkit.bench.queue;

import java.util.Arrays;
import java.util.Locale;
import java.util.Queue;

/**
 * The two-thread MPSC transfer of {@link MpscThroughputBenchmark} (one producer, one consumer,
 * 16 Ki slots, retry on failure, yield every 64th failure) measured in many short rounds of
 * {@code elements} elements (default 2^16), one queue per JVM (the loops stay monomorphic, as in a
 * JMH fork): alternate JVMs of the queues to compare.
 *
 * <p>Written to find the quiet-machine ratio on a loaded machine by taking each JVM's best rounds;
 * session 6 found that it does not: at load 9–21 the best rounds (~240 elements/µs) are 4–6x
 * faster than a quiet machine's contended transfer (~40–60 elements/µs, JMH at load 2), i.e. rounds
 * in which the two threads did not hand over slot by slot. Use it to see the uncontended regime and
 * how the rounds spread; measure the contended hand-over with {@link MpscThroughputBenchmark} on a
 * quiet machine.
 *
 * <p>Prints, per queue: the best round's and the best decile's mean transfer rate (elements per
 * µs; JMH's score counts offers plus polls, i.e. twice this), the median round, and the failed
 * offers and polls per element in the best decile (which side waited: full or empty).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.queue.MpscTransferProbe \
 *   impl [rounds [elements]]
 * # impl: as MpscThroughputBenchmark's (perfkit, perfkit-own, jctools-unsafe, jctools-atomic, ...)
 * # rounds default 400 (the first 50 are warm-up); elements default 65536
 * </pre>
 */
public final class MpscTransferProbe {
  private static final Integer ITEM = 1;
  private static final int WARMUP_ROUNDS = 50;

  private final Queue<Integer> queue;
  private final int elements;
  private volatile int producerRound; // the round the producer may run (written by the consumer)
  private volatile int producerDone; // the last round the producer finished
  private long offersFailed; // written by the producer, read after producerDone (volatile) only

  private MpscTransferProbe(Queue<Integer> queue, int elements) {
    this.queue = queue;
    this.elements = elements;
  }

  /**
   * Runs the probe.
   *
   * @param args {@code impl [rounds [elements]]}
   * @throws InterruptedException if interrupted while joining the producer
   */
  public static void main(String[] args) throws InterruptedException {
    String impl = args.length > 0 ? args[0] : "perfkit";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 400;
    int elements = args.length > 2 ? Integer.parseInt(args[2]) : 1 << 16;
    if (rounds <= WARMUP_ROUNDS || elements <= 0) {
      throw new IllegalArgumentException(
          "rounds: " + rounds + ", elements: " + elements + " (expected: rounds > 50, elements > 0)");
    }
    var probe = new MpscTransferProbe(QueueKind.mpsc(impl, QueueTransferHarness.CAPACITY), elements);
    Thread producer = new Thread(() -> probe.produce(rounds), "probe-producer");
    producer.setDaemon(true);
    producer.start();
    long[] nanos = new long[rounds];
    long[] offerFailures = new long[rounds];
    long[] pollFailures = new long[rounds];
    probe.consume(rounds, nanos, offerFailures, pollFailures);
    producer.join();
    probe.print(impl, nanos, offerFailures, pollFailures);
  }

  private void produce(int rounds) {
    final Queue<Integer> queue = this.queue;
    for (int r = 0; r < rounds; r++) {
      while (producerRound <= r) {
        Thread.onSpinWait();
      }
      long failed = 0;
      for (int i = 0; i < elements; i++) {
        while (!queue.offer(ITEM)) {
          if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
            Thread.yield();
          }
        }
      }
      offersFailed = failed;
      producerDone = r + 1; // volatile: publishes offersFailed
    }
  }

  private void consume(int rounds, long[] nanos, long[] offerFailures, long[] pollFailures) {
    final Queue<Integer> queue = this.queue;
    Object last = null;
    for (int r = 0; r < rounds; r++) {
      while (producerDone < r) {
        Thread.yield(); // the producer finishes its last offers of the previous round
      }
      long start = System.nanoTime();
      producerRound = r + 1; // go
      long failed = 0;
      for (int i = 0; i < elements; i++) {
        Integer item;
        while ((item = queue.poll()) == null) {
          if ((++failed & QueueTransferHarness.BACKOFF_MASK) == 0) {
            Thread.yield();
          }
        }
        last = item;
      }
      nanos[r] = System.nanoTime() - start;
      pollFailures[r] = failed;
      while (producerDone <= r) {
        Thread.onSpinWait();
      }
      offerFailures[r] = offersFailed;
    }
    if (last != ITEM) {
      throw new AssertionError("unexpected element: " + last);
    }
  }

  private void print(String impl, long[] nanos, long[] offerFailures, long[] pollFailures) {
    int measured = nanos.length - WARMUP_ROUNDS;
    Integer[] order = new Integer[measured];
    for (int i = 0; i < measured; i++) {
      order[i] = WARMUP_ROUNDS + i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(nanos[a], nanos[b]));
    int decile = Math.max(1, measured / 10);
    double decileNanos = 0;
    double decileOfferFailures = 0;
    double decilePollFailures = 0;
    for (int i = 0; i < decile; i++) {
      decileNanos += nanos[order[i]];
      decileOfferFailures += offerFailures[order[i]];
      decilePollFailures += pollFailures[order[i]];
    }
    System.out.printf(
        Locale.ROOT,
        "%s: elements/us best %.1f, best decile %.1f, median %.1f | best decile failed offers"
            + " %.3f, polls %.3f per element%n",
        impl,
        elements * 1e3 / nanos[order[0]],
        elements * 1e3 * decile / decileNanos,
        elements * 1e3 / nanos[order[measured / 2]],
        decileOfferFailures / decile / elements,
        decilePollFailures / decile / elements);
  }
}
