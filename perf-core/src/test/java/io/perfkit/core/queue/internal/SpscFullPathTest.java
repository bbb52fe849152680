package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.jctools.queues.MessagePassingQueue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The SPSC queues' full path (the producer's look-ahead slot is taken): {@code offer} must be
 * exact there, failing only while every slot is taken, succeeding for every slot the consumer
 * freed (one freed slot is enough), and never overwriting an element the consumer has not taken.
 * A guard for any full-path change (session 6 tried one: sizing the room from the consumer index).
 */
final class SpscFullPathTest {
  static Stream<Arguments> queues() {
    List<Arguments> cases = new ArrayList<>();
    for (int capacity : new int[] {1, 2, 4, 16, 64, 1024}) {
      cases.add(Arguments.of("spsc", capacity,
          (IntFunction<MessagePassingQueue<Integer>>) SpscArrayQueue::new));
      cases.add(Arguments.of("instrumentedSpsc", capacity,
          (IntFunction<MessagePassingQueue<Integer>>)
              c -> new InstrumentedSpscArrayQueue<>(c, 1, LatencyRecorder.create())));
    }
    return cases.stream();
  }

  /** Every k from 1 to capacity, the queue kept full: k polls buy exactly k offers, in order. */
  @ParameterizedTest(name = "{0} capacity {1}")
  @MethodSource("queues")
  void fullQueue_kPollsAdmitExactlyKOffers_inOrder(
      String name, int capacity, IntFunction<MessagePassingQueue<Integer>> maker) {
    MessagePassingQueue<Integer> queue = maker.apply(capacity);
    int next = 0;
    int expected = 0;
    for (int i = 0; i < capacity; i++) {
      assertTrue(queue.offer(next++), "filling offer " + i);
    }
    for (int round = 0; round < 3; round++) {
      for (int k = 1; k <= capacity; k++) {
        assertFalse(queue.offer(-1), "offer into a full queue, k=" + k);
        assertFalse(queue.relaxedOffer(-1), "relaxedOffer into a full queue, k=" + k);
        for (int i = 0; i < k; i++) {
          assertEquals(expected++, queue.poll(), "poll " + i + " of " + k);
        }
        for (int i = 0; i < k; i++) {
          // exact: one free slot is enough, however near the consumer it is
          assertTrue(queue.offer(next++), "offer " + i + " of " + k + " freed slots");
        }
        assertFalse(queue.offer(-1), "offer after refilling " + k + " freed slots");
        assertEquals(capacity, queue.size());
      }
    }
    while (expected < next) {
      assertEquals(expected++, queue.poll());
    }
    assertNull(queue.poll());
  }

  /** Room learned from the consumer index is spent across fill calls without overwriting. */
  @ParameterizedTest(name = "{0} capacity {1}")
  @MethodSource("queues")
  void fullQueue_fillTakesExactlyTheFreedSlots(
      String name, int capacity, IntFunction<MessagePassingQueue<Integer>> maker) {
    MessagePassingQueue<Integer> queue = maker.apply(capacity);
    int[] next = {0};
    assertEquals(capacity, queue.fill(() -> next[0]++, capacity + 5));
    int expected = 0;
    for (int k = 1; k <= capacity; k = k * 2 + 1) {
      int polled = Math.min(k, capacity);
      for (int i = 0; i < polled; i++) {
        assertEquals(expected++, queue.poll());
      }
      assertEquals(polled, queue.fill(() -> next[0]++, capacity + 5), "fill after " + polled);
      assertEquals(0, queue.fill(() -> next[0]++, 1), "fill into a full queue");
    }
    List<Integer> rest = new ArrayList<>();
    queue.drain(rest::add);
    assertEquals(capacity, rest.size());
    for (Integer element : rest) {
      assertEquals(expected++, element);
    }
  }
}
