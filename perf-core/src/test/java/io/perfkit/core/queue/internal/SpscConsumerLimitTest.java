package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Keeps the instrumented SPSC's consumer fast path the bare queue's plus one compare: poll() and
 * drainUncounted() test the index against the consumer-private {@code consumerLimit} (the next
 * sampled position) instead of masking it with {@code sampleMask}, and offer() and poll() index
 * the slot through the {@code mask} field ({@code slotOf}), whose load does not wait for the
 * slot array's. One thread, offer+poll, that took the queue from 0.876x to 0.943x the bare SPSC
 * (docs/benchmarks/queues.md, session 10). The behaviour tests check that the bound loses no
 * sample when clear(), which does not move it, takes the consumer past a sampled position.
 */
class SpscConsumerLimitTest {
  private static final String SAMPLE_MASK = "Field sampleMask:J";
  private static final String CONSUMER_LIMIT = "Field consumerLimit:J";

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"poll", "drainUncounted"})
  void consumer_comparesWithItsLimit_notTheMask(String method) {
    String code = Javap.body(InstrumentedSpscArrayQueue.class, method);
    assertTrue(code.contains(CONSUMER_LIMIT), method + " does not read consumerLimit");
    assertFalse(code.contains(SAMPLE_MASK), method + " reads sampleMask on its fast path");
  }

  @Test
  void poll_indexesTheSlotThroughTheMaskField() {
    String code = Javap.body(InstrumentedSpscArrayQueue.class, "poll");
    assertTrue(code.contains("slotOf:(J)I"), "poll does not index through slotOf");
    assertFalse(code.contains("slotIndex:"), "poll indexes through slots.length");
  }

  /** The element's store; the room check behind producerLimit (cold) keeps slotIndex. */
  @Test
  void offer_storesThroughTheMaskField() {
    String code = Javap.body(InstrumentedSpscArrayQueue.class, "offer");
    int store = code.indexOf("aastore");
    assertTrue(store >= 0, "offer has no plain slot store");
    int fence = code.lastIndexOf("VarHandle.releaseFence", store);
    assertTrue(fence >= 0, "offer has no release fence before its store");
    String storePath = code.substring(fence, store);
    assertTrue(storePath.contains("slotOf:(J)I"), "offer's store does not index through slotOf");
    assertFalse(storePath.contains("slotIndex:"), "offer's store indexes through slots.length");
  }

  @Test
  void clearPastASampledPosition_laterSampledPositionsAreStillTimed() {
    // interval 4: positions 0, 4, 8, 12 are sampled
    var q = new InstrumentedSpscArrayQueue<Integer>(8, 4, LatencyRecorder.create());
    for (int i = 0; i < 6; i++) {
      assertTrue(q.offer(i));
    }
    q.clear(); // takes positions 0..5 untimed; the bound stays at 0
    for (int i = 6; i < 14; i++) {
      assertTrue(q.offer(i));
    }
    for (int i = 6; i < 14; i++) {
      assertEquals(i, q.poll()); // 6 is past the bound: sets it to 8; then 8 and 12 are timed
    }
    assertNull(q.poll());
    assertEquals(2, q.stats().timeInQueue().count());
  }

  @Test
  void clearBetweenSampledPolls_drainTimesExactlyTheSampledPositions() {
    var q = new InstrumentedSpscArrayQueue<Integer>(16, 4, LatencyRecorder.create());
    for (int i = 0; i < 3; i++) {
      assertTrue(q.offer(i));
    }
    assertEquals(0, q.poll()); // sampled: timed, bound 4
    q.clear(); // positions 1, 2
    for (int i = 3; i < 17; i++) {
      assertTrue(q.offer(i));
    }
    int[] sum = {0};
    assertEquals(14, q.drain(e -> sum[0] += e, 100)); // positions 3..16: 4, 8, 12, 16 timed
    assertEquals((3 + 16) * 14 / 2, sum[0]);
    assertEquals(5, q.stats().timeInQueue().count());
  }
}
