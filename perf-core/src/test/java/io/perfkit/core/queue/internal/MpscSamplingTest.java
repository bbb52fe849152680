package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.QueueStats;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link InstrumentedMpscArrayQueue}'s sampled positions against its producers' limit, which since
 * session 8 is capped at the next sampled position (an offer below it takes no sampled test): every
 * sampled position that is polled is timed exactly once, and from its own offer (a position whose
 * stamp was skipped would keep one from a lap earlier, or none, and its time would span the idle
 * gaps between rounds), whether offer or fill claimed it; an offer rejected at a sampled position
 * leaves the stamp to the offer that takes it; and with several producers racing for the limit,
 * every element arrives once, in its producer's order, every sampled position is timed, and no
 * time exceeds the run. Shapes: sample intervals below, equal to and above the capacity.
 */
final class MpscSamplingTest {
  /** Idle time between rounds: a stamp left from an earlier round shows up as a time above it. */
  private static final long GAP_NANOS = 2_000_000;

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(2, 1), Arguments.of(4, 1), Arguments.of(8, 2), Arguments.of(16, 4),
        Arguments.of(64, 4), Arguments.of(64, 16), Arguments.of(16, 64), Arguments.of(2, 8));
  }

  @ParameterizedTest(name = "capacity {0}, sampleInterval {1}")
  @MethodSource("shapes")
  void everySampledPosition_isTimedOnce_fromItsOwnOffer(int capacity, int interval) {
    var q = new InstrumentedMpscArrayQueue<Integer>(capacity, interval, LatencyRecorder.create());
    Random random = new Random(capacity * 31L + interval);
    long position = 0;
    long expectedSamples = 0;
    long longestRound = 0;
    for (int round = 0; round < 12; round++) {
      long roundStart = System.nanoTime();
      int n = 1 + random.nextInt(capacity);
      int added = 0;
      while (added < n) {
        if (random.nextBoolean()) {
          assertTrue(q.offer(added));
          added++;
        } else {
          int[] next = {added};
          added += q.fill(() -> next[0]++, 1 + random.nextInt(n - added));
        }
      }
      if (n == capacity) {
        assertFalse(q.offer(-1), "full: the offer at position " + (position + n) + " fails");
      }
      for (int removed = 0; removed < n; removed++) {
        assertEquals(removed, q.poll());
      }
      assertNull(q.poll());
      for (int i = 0; i < n; i++, position++) {
        if (position % interval == 0) {
          expectedSamples++;
        }
      }
      longestRound = Math.max(longestRound, System.nanoTime() - roundStart);
      long idleStart = System.nanoTime();
      while (System.nanoTime() - idleStart < GAP_NANOS) {
        Thread.onSpinWait(); // every stamp of this round is now at least a gap old
      }
    }
    QueueStats stats = q.stats();
    assertEquals(expectedSamples, stats.timeInQueue().count());
    // the recorder keeps 3 significant digits: allow its rounding
    assertTrue(stats.timeInQueue().max() <= longestRound * 1.01 + 1,
        "max " + stats.timeInQueue().max() + " ns, longest round " + longestRound + " ns");
  }

  /**
   * An offer that fails at a sampled position stamps nothing and moves nothing: the offer that
   * later takes the position stamps it itself, so its time excludes the wait while the queue was
   * full.
   */
  @ParameterizedTest(name = "capacity {0}, sampleInterval {1}")
  @MethodSource("shapes")
  void rejectedOfferAtASampledPosition_leavesItToTheOfferThatTakesIt(int capacity, int interval) {
    var q = new InstrumentedMpscArrayQueue<Integer>(capacity, interval, LatencyRecorder.create());
    long position = 0; // the next position to offer
    while (true) {
      while (q.size() < capacity) {
        assertTrue(q.offer(0));
        position++;
      }
      if (position % interval == 0) {
        break; // full, and the next position is sampled
      }
      q.poll(); // one more lap position: reached within interval rounds
    }
    assertFalse(q.offer(-1), "full at sampled position " + position);
    long idleStart = System.nanoTime();
    while (System.nanoTime() - idleStart < 10 * GAP_NANOS) {
      Thread.onSpinWait(); // a stamp taken by the failed offer would now be a gap old
    }
    while (q.poll() != null) {
      // every sample taken here was offered before the gap: each one at least a gap long
    }
    long samplesBefore = q.stats().timeInQueue().count();
    long before = System.nanoTime();
    assertTrue(q.offer(1));
    assertEquals(1, q.poll());
    long within = System.nanoTime() - before;
    QueueStats stats = q.stats();
    assertEquals(samplesBefore + 1, stats.timeInQueue().count(), "position " + position + " timed");
    // the only sample shorter than the gap, if the offer that took the position stamped it
    assertTrue(stats.timeInQueue().min() <= within * 1.01 + 1,
        "shortest sample " + stats.timeInQueue().min() + " ns, the offer and poll took " + within
            + " ns");
  }

  /**
   * Three producers (offer and fill mixed) race past the limit and store it out of order; one
   * consumer polls. Every element arrives once and in its producer's order; the number of timed
   * positions is the number of sampled positions; no time exceeds the run (a sampled position
   * claimed without a stamp would read the table's initial 0, or a stamp a lap old).
   */
  static Stream<Arguments> racingShapes() {
    return Stream.of(
        Arguments.of(4, 1), Arguments.of(8, 2), Arguments.of(64, 4), Arguments.of(16, 64));
  }

  @ParameterizedTest(name = "capacity {0}, sampleInterval {1}")
  @MethodSource("racingShapes")
  void racingProducers_deliverOnceInOrder_andTimeEverySampledPosition(int capacity, int interval)
      throws Exception {
    final int producers = 3;
    final int perProducer = 5_000;
    var q = new InstrumentedMpscArrayQueue<Integer>(capacity, interval, LatencyRecorder.create());
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    CountDownLatch start = new CountDownLatch(1);
    long begin = System.nanoTime();
    try {
      Future<?>[] done = new Future<?>[producers];
      for (int p = 0; p < producers; p++) {
        final int id = p;
        done[p] = pool.submit(() -> {
          start.await();
          Random random = new Random(id);
          int[] next = {0};
          while (next[0] < perProducer) {
            if (random.nextInt(4) == 0) {
              int want = 1 + random.nextInt(Math.min(8, perProducer - next[0]));
              if (q.fill(() -> id * perProducer + next[0]++, want) == 0) {
                Thread.yield();
              }
            } else if (q.offer(id * perProducer + next[0])) {
              next[0]++;
            } else {
              Thread.yield();
            }
          }
          return null;
        });
      }
      start.countDown();
      int[] expectedNext = new int[producers];
      for (int received = 0; received < producers * perProducer; ) {
        Integer element = q.poll();
        if (element == null) {
          Thread.onSpinWait();
          continue;
        }
        int producer = element / perProducer;
        assertEquals(expectedNext[producer], element % perProducer, "producer " + producer);
        expectedNext[producer]++;
        received++;
      }
      for (Future<?> f : done) {
        f.get(10, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long run = System.nanoTime() - begin;
    assertNull(q.poll());
    long positions = (long) producers * perProducer;
    QueueStats stats = q.stats();
    assertEquals((positions + interval - 1) / interval, stats.timeInQueue().count());
    assertTrue(stats.timeInQueue().max() <= run * 1.01 + 1,
        "max " + stats.timeInQueue().max() + " ns, run " + run + " ns");
  }
}
