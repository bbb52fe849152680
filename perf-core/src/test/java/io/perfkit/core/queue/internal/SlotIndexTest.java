package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.perfkit.core.metrics.LatencyRecorder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

/**
 * The two ways a sequence becomes a slot index (BaseArrayQueue's class comment): {@code slotOf}
 * (the mask field, used by the MPSC queues since session 5) picks the same slot as {@code
 * slotIndex} (the array's length) for every sequence, including those past {@code 2^31} and
 * {@code 2^32}, where an {@code int} overflow or a wrong cast order would show.
 */
class SlotIndexTest {
  private static final long[] EDGES = {
    0L,
    1L,
    (1L << 31) - 1,
    1L << 31,
    (1L << 31) + 1,
    (1L << 32) - 1,
    1L << 32,
    (1L << 32) + 1,
    (1L << 62) + 12_345,
    Long.MAX_VALUE
  };

  private static void assertSameSlots(BaseArrayQueue<?> queue, long sequence) {
    int expected = BaseArrayQueue.slotIndex(queue.slots, sequence);
    assertEquals(expected, queue.slotOf(sequence), () -> queue + " at sequence " + sequence);
    assertEquals(sequence % queue.capacity(), expected, () -> queue + " at sequence " + sequence);
  }

  @Test
  void slotOf_matchesSlotIndexAtEdgeSequences_everyCapacityUpTo2to16() {
    for (int capacity = 2; capacity <= 1 << 16; capacity <<= 1) {
      var mpsc = new MpscArrayQueue<Integer>(capacity);
      var instrumented =
          new InstrumentedMpscArrayQueue<Integer>(capacity, 1, LatencyRecorder.create());
      assertEquals(capacity - 1L, mpsc.mask);
      assertEquals(capacity - 1L, instrumented.mask);
      for (long edge : EDGES) {
        for (long delta = -2; delta <= 2; delta++) {
          long sequence = edge + delta;
          if (sequence >= 0) {
            assertSameSlots(mpsc, sequence);
            assertSameSlots(instrumented, sequence);
          }
        }
      }
    }
  }

  @Property
  void slotOf_matchesSlotIndex(
      @ForAll @IntRange(min = 1, max = 16) int log2Capacity,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long sequence) {
    assertSameSlots(new MpscArrayQueue<Integer>(1 << log2Capacity), sequence);
  }
}
