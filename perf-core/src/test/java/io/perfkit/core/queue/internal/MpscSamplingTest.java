package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
final class MpscSamplingTest extends AbstractSamplingTest {
  static Stream<Arguments> shapes() {
    return Stream.of(
        Arguments.of(2, 1), Arguments.of(4, 1), Arguments.of(8, 2), Arguments.of(16, 4),
        Arguments.of(64, 4), Arguments.of(64, 16), Arguments.of(16, 64), Arguments.of(2, 8));
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

  @Override
  InstrumentedArrayQueue<Integer> newQueue(int capacity, int sampleInterval) {
    return new InstrumentedMpscArrayQueue<>(capacity, sampleInterval, LatencyRecorder.create());
  }
}
