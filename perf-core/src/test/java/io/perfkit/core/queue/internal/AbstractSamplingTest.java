package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.queue.QueueStats;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The single-thread sampling scenarios every instrumented array queue must pass, whatever limit
 * its producer keeps: every sampled position that is polled is timed exactly once, and from its
 * own offer (a position whose stamp was skipped would keep one from a lap earlier, or none, and its
 * time would span the idle gaps between rounds), whether offer or fill claimed it; and an offer
 * rejected at a sampled position leaves the stamp to the offer that takes the position. A subclass
 * names the queue ({@link #newQueue}) and its shapes (a static {@code shapes()} of capacity and
 * sample interval).
 */
abstract class AbstractSamplingTest {
  /** Idle time between rounds: a stamp left from an earlier round shows up as a time above it. */
  static final long GAP_NANOS = 2_000_000;

  /** A new, empty queue of the kind under test. */
  abstract InstrumentedArrayQueue<Integer> newQueue(int capacity, int sampleInterval);

  @ParameterizedTest(name = "capacity {0}, sampleInterval {1}")
  @MethodSource("shapes")
  void everySampledPosition_isTimedOnce_fromItsOwnOffer(int capacity, int interval) {
    InstrumentedArrayQueue<Integer> q = newQueue(capacity, interval);
    Random random = new Random(capacity * 31L + interval);
    long position = 0;
    long expectedSamples = 0;
    long longestRound = 0;
    for (int round = 0; round < 12; round++) {
      long roundStart = System.nanoTime();
      int n = 1 + random.nextInt(capacity);
      OfferFillMix.addInOrder(q, n, random);
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
    InstrumentedArrayQueue<Integer> q = newQueue(capacity, interval);
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
    // (a stamp from the failed offer would make every sample at least the gap)
    assertTrue(stats.timeInQueue().min() <= within * 1.01 + 1,
        "shortest sample " + stats.timeInQueue().min() + " ns, the offer and poll took " + within
            + " ns");
  }
}
