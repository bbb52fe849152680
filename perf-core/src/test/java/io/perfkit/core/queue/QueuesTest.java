package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.queue.internal.MpscArrayQueue;
import io.perfkit.core.queue.internal.SpscArrayQueue;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Queue;
import java.util.function.IntFunction;
import java.util.stream.Stream;
import org.jctools.queues.MessagePassingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class QueuesTest {
  static Stream<QueueKinds.Kind> kinds() {
    return QueueKinds.all().stream();
  }

  static Stream<IntFunction<MessagePassingQueue<Integer>>> boundedFactories() {
    return Stream.of(Queues::spsc, Queues::mpsc, Queues::mpmc);
  }

  @ParameterizedTest
  @MethodSource("boundedFactories")
  void capacity_outOfRange_namesParameterAndValue(IntFunction<MessagePassingQueue<Integer>> f) {
    for (int bad : new int[] {0, -1, Integer.MIN_VALUE, (1 << 30) + 1, Integer.MAX_VALUE}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> f.apply(bad));
      assertEquals("capacity: " + bad + " (expected: in [1, 1073741824])", e.getMessage());
    }
  }

  @Test
  void chunkedAndUnbounded_badSizes_nameParameterAndValue() {
    assertEquals(
        "chunkSize: 1 (expected: in [2, 1073741824])",
        assertThrows(IllegalArgumentException.class, () -> Queues.mpscChunked(1, 8)).getMessage());
    assertEquals(
        "capacity: 0 (expected: in [1, 1073741824])",
        assertThrows(IllegalArgumentException.class, () -> Queues.mpscChunked(4, 0)).getMessage());
    assertEquals(
        "chunkSize: -3 (expected: in [2, 1073741824])",
        assertThrows(IllegalArgumentException.class, () -> Queues.mpscUnbounded(-3))
            .getMessage());
  }

  @Test
  void capacity_roundsUpToPowerOfTwo() {
    assertEquals(1, Queues.spsc(1).capacity());
    assertEquals(8, Queues.spsc(5).capacity());
    assertEquals(2, Queues.mpsc(1).capacity());
    assertEquals(16, Queues.mpsc(16).capacity());
    assertEquals(2, Queues.mpmc(1).capacity());
    assertEquals(1 << 20, Queues.spsc((1 << 19) + 1).capacity());
    assertEquals(MessagePassingQueue.UNBOUNDED_CAPACITY, Queues.mpscUnbounded(8).capacity());
  }

  @Test
  void spscIsOurs_mpscIsJcToolsVarHandleQueue() {
    assertInstanceOf(SpscArrayQueue.class, Queues.spsc(4));
    assertInstanceOf(org.jctools.queues.varhandle.MpscVarHandleArrayQueue.class, Queues.mpsc(4));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void nullElements_andNullFunctions_throwNullPointerException(QueueKinds.Kind kind) {
    MessagePassingQueue<Integer> q = kind.create(4);
    assertThrows(NullPointerException.class, () -> q.offer(null));
    assertThrows(NullPointerException.class, () -> q.relaxedOffer(null));
    // perfkit's queues throw NullPointerException; JCTools' throw
    // IllegalArgumentException("c is null"), as documented on Queues
    Class<? extends RuntimeException> expected =
        ourQueues().anyMatch(k -> k == kind)
            ? NullPointerException.class
            : IllegalArgumentException.class;
    assertThrows(expected, () -> q.drain(null, 1));
    assertThrows(expected, () -> q.fill(null, 1));
    assertTrue(q.isEmpty());
  }

  @ParameterizedTest
  @MethodSource("ourQueues")
  void negativeLimit_namesParameterAndValue(QueueKinds.Kind kind) {
    MessagePassingQueue<Integer> q = kind.create(4);
    assertEquals(
        "limit: -1 (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> q.drain(e -> {}, -1)).getMessage());
    assertEquals(
        "limit: -2 (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> q.fill(() -> 1, -2)).getMessage());
    assertEquals(0, q.drain(e -> {}, 0));
    assertEquals(0, q.fill(() -> 1, 0));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void negativeLimit_onEveryKind_throwsIllegalArgumentNamingIt(QueueKinds.Kind kind) {
    MessagePassingQueue<Integer> q = kind.create(4);
    String drain =
        assertThrows(IllegalArgumentException.class, () -> q.drain(e -> {}, -1)).getMessage();
    String fill = assertThrows(IllegalArgumentException.class, () -> q.fill(() -> 1, -3)).getMessage();
    assertTrue(drain.contains("limit") && drain.contains("-1"), drain);
    assertTrue(fill.contains("limit") && fill.contains("-3"), fill);
  }

  static Stream<QueueKinds.Kind> ourQueues() {
    return Stream.of(
        QueueKinds.SPSC,
        QueueKinds.OWN_SPSC,
        QueueKinds.OWN_MPSC,
        QueueKinds.INSTRUMENTED_SPSC,
        QueueKinds.INSTRUMENTED_MPMC,
        QueueKinds.INSTRUMENTED_SPSC_EVERY,
        QueueKinds.INSTRUMENTED_MPSC_EVERY,
        QueueKinds.INSTRUMENTED_MPMC_EVERY,
        QueueKinds.INSTRUMENTED_OWN_SPSC,
        QueueKinds.INSTRUMENTED_OWN_MPSC,
        QueueKinds.INSTRUMENTED_OWN_SPSC_EVERY,
        QueueKinds.INSTRUMENTED_OWN_MPSC_EVERY);
  }

  @ParameterizedTest
  @MethodSource("ourQueues")
  void nullFromSupplier_throwsAndKeepsEarlierElements(QueueKinds.Kind kind) {
    MessagePassingQueue<Integer> q = kind.create(8);
    int[] next = {0};
    // SPSC stops before the null; MPSC (claimed slots) documents the supplier must not return null
    if (kind == QueueKinds.OWN_SPSC || kind == QueueKinds.SPSC
        || kind == QueueKinds.INSTRUMENTED_OWN_SPSC || kind == QueueKinds.INSTRUMENTED_OWN_SPSC_EVERY) {
      assertThrows(
          NullPointerException.class, () -> q.fill(() -> next[0] < 2 ? next[0]++ : null, 5));
      assertEquals(List.of(0, 1), QueueModelPropertyTest.drainAll(q));
    }
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void waitStrategyLoops_drainAndFillUntilExit(QueueKinds.Kind kind) {
    MessagePassingQueue<Integer> q = kind.create(8);
    int[] rounds = {0};
    int[] next = {0};
    q.fill(() -> next[0]++, idle -> idle + 1, () -> rounds[0]++ < 3);
    int filled = q.size();
    assertTrue(filled > 0);
    List<Integer> out = new ArrayList<>();
    rounds[0] = 0;
    q.drain(out::add, idle -> idle + 1, () -> rounds[0]++ < 100);
    assertEquals(filled, out.size());
    for (int i = 0; i < out.size(); i++) {
      assertEquals(i, out.get(i));
    }
  }

  @ParameterizedTest
  @MethodSource("ourQueues")
  void unlimitedDrainAndFill_useTheCapacity(QueueKinds.Kind kind) {
    MessagePassingQueue<Integer> q = kind.create(8);
    int[] next = {0};
    assertEquals(8, q.fill(() -> next[0]++));
    assertFalse(q.offer(99));
    List<Integer> out = new ArrayList<>();
    assertEquals(8, q.drain(out::add));
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), out);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 8})
  void ownQueues_iterateWeaklyAndReport(int capacity) {
    for (MessagePassingQueue<Integer> q :
        List.<MessagePassingQueue<Integer>>of(
            new SpscArrayQueue<>(Math.max(1, capacity)), new MpscArrayQueue<>(Math.max(2, capacity)))) {
      for (int i = 0; i < q.capacity(); i++) {
        assertTrue(q.offer(i));
      }
      assertFalse(q.offer(-1));
      assertEquals(q.capacity(), q.size());
      @SuppressWarnings("unchecked") // our queues are Queue<Integer>
      Iterator<Integer> it = ((Queue<Integer>) q).iterator();
      for (int i = 0; i < q.capacity(); i++) {
        assertEquals(i, it.next());
      }
      assertFalse(it.hasNext());
      assertThrows(NoSuchElementException.class, it::next);
      assertEquals(0, q.peek());
      assertEquals(0, q.relaxedPeek());
      assertEquals(0, q.relaxedPoll());
      assertTrue(q.relaxedOffer(-5));
      assertTrue(q.toString().contains("capacity=" + q.capacity()));
      q.clear();
      assertTrue(q.isEmpty());
      assertNull(q.poll());
      assertNull(q.peek());
    }
  }

  @Test
  void ownQueues_rejectNonPowerOfTwoCapacity() {
    assertEquals(
        "capacity: 3 (expected: a power of two in [1, 1073741824])",
        assertThrows(IllegalArgumentException.class, () -> new SpscArrayQueue<Integer>(3))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> new MpscArrayQueue<Integer>(1));
    assertThrows(IllegalArgumentException.class, () -> new MpscArrayQueue<Integer>(0));
  }
}
