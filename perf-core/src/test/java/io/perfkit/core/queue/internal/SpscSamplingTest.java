package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.QueueStats;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link InstrumentedSpscArrayQueue}'s sampled positions against its producer's look-ahead limit,
 * for sample intervals below, equal to and above the look-ahead step (capacity / 4) and the
 * capacity: every sampled position that is polled is timed exactly once, and from its own offer (a
 * position whose stamp was skipped would keep one from a lap earlier, and its time would span the
 * idle gaps between rounds), and an offer rejected at a sampled position leaves the stamp to the
 * offer that takes the position. A guard for any change to how the producer decides to stamp
 * (session 7 tried folding the sampled test into the producer's limit; a limit not capped at the
 * next sampled position fails 3 of the 8 shapes here).
 */
final class SpscSamplingTest {
  /** Idle time between rounds: a stamp left from an earlier round shows up as a time above it. */
  private static final long GAP_NANOS = 2_000_000;

  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(1, 1), Arguments.of(4, 1), Arguments.of(8, 2), Arguments.of(16, 4),
        Arguments.of(64, 4), Arguments.of(64, 16), Arguments.of(16, 64), Arguments.of(2, 8));
  }

  @ParameterizedTest(name = "capacity {0}, sampleInterval {1}")
  @MethodSource("shapes")
  void everySampledPosition_isTimedOnce_fromItsOwnOffer(int capacity, int interval) {
    var q = new InstrumentedSpscArrayQueue<Integer>(capacity, interval, LatencyRecorder.create());
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
        assertFalse(q.offer(-1), "full: the offer at position " + position + n + " fails");
      }
      for (int removed = 0; removed < n; removed++) {
        assertEquals(removed, q.poll());
      }
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
    var q = new InstrumentedSpscArrayQueue<Integer>(capacity, interval, LatencyRecorder.create());
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
    // the only sample shorter than the 20 ms gap, if the offer that took the position stamped it
    // (a stamp from the failed offer would make every sample at least the gap)
    assertTrue(stats.timeInQueue().min() <= within * 1.01 + 1,
        "shortest sample " + stats.timeInQueue().min() + " ns, the offer and poll took " + within
            + " ns");
  }
}
