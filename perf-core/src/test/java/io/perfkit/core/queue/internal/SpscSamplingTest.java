package io.perfkit.core.queue.internal;

import io.perfkit.core.metrics.LatencyRecorder;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

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
final class SpscSamplingTest extends AbstractSamplingTest {
  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(1, 1), Arguments.of(4, 1), Arguments.of(8, 2), Arguments.of(16, 4),
        Arguments.of(64, 4), Arguments.of(64, 16), Arguments.of(16, 64), Arguments.of(2, 8));
  }

  @Override
  InstrumentedArrayQueue<Integer> newQueue(int capacity, int sampleInterval) {
    return new InstrumentedSpscArrayQueue<>(capacity, sampleInterval, LatencyRecorder.create());
  }
}
