package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link BlockingQueue} contract checks of the JSR-166 TCK's {@code BlockingQueueTest} (and the
 * queue-generic parts of {@code ArrayBlockingQueueTest}), re-expressed for {@link
 * BlockingQueueAdapter} over each bounded queue kind. Waiting threads are detected by their thread
 * state (WAITING/TIMED_WAITING), never by sleeping.
 */
class BlockingQueueAdapterTest {
  private static final int SIZE = 20;
  private static final long LONG_DELAY_MS = 10_000;

  static Stream<QueueKinds.Kind> kinds() {
    return Stream.of(QueueKinds.SPSC, QueueKinds.MPSC, QueueKinds.MPMC, QueueKinds.MPSC_CHUNKED);
  }

  /** An adapter holding 0..n-1 over a queue of exactly SIZE (a power of two rounds up to 32). */
  private static BlockingQueue<Integer> populated(QueueKinds.Kind kind, int n) {
    BlockingQueue<Integer> q = Queues.blocking(kind.create(SIZE));
    for (int i = 0; i < n; i++) {
      assertTrue(q.offer(i));
    }
    return q;
  }

  private static BlockingQueue<Integer> full(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = Queues.blocking(kind.create(SIZE));
    int i = 0;
    while (q.remainingCapacity() > 0) {
      assertTrue(q.offer(i++));
    }
    assertFalse(q.offer(-1));
    return q;
  }

  /** Waits (by polling the thread state, with a generous bound) until {@code t} blocks. */
  private static void awaitBlocked(Thread t) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LONG_DELAY_MS);
    while (true) {
      Thread.State s = t.getState();
      if (s == Thread.State.WAITING || s == Thread.State.TIMED_WAITING) {
        return;
      }
      assertTrue(t.isAlive(), "thread ended before blocking");
      assertTrue(System.nanoTime() < deadline, "thread never blocked: " + s);
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  private static Thread start(ThrowingRunnable body, AtomicReference<Throwable> failure) {
    Thread t =
        new Thread(
            () -> {
              try {
                body.run();
              } catch (Throwable e) {
                failure.set(e);
              }
            },
            "blocking-queue-test");
    t.setDaemon(true);
    t.start();
    return t;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  private static void joinAndCheck(Thread t, AtomicReference<Throwable> failure)
      throws InterruptedException {
    t.join(LONG_DELAY_MS);
    assertFalse(t.isAlive(), "thread did not finish");
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
  }

  // ---------------------------------------------------------------- null and self arguments

  @ParameterizedTest
  @MethodSource("kinds")
  void nullElements_throwNullPointerException(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 0);
    assertThrows(NullPointerException.class, () -> q.offer(null));
    assertThrows(NullPointerException.class, () -> q.add(null));
    assertThrows(NullPointerException.class, () -> q.put(null));
    assertThrows(NullPointerException.class, () -> q.offer(null, LONG_DELAY_MS, TimeUnit.MILLISECONDS));
    assertThrows(NullPointerException.class, () -> q.addAll(null));
    assertThrows(NullPointerException.class, () -> q.offer(1, 1, null));
    assertThrows(NullPointerException.class, () -> q.poll(1, null));
    assertTrue(q.isEmpty());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void addAll_withNullElement_addsThePrefixThenThrows(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 0);
    List<Integer> items = Arrays.asList(0, 1, null, 3);
    assertThrows(NullPointerException.class, () -> q.addAll(items));
    assertEquals(List.of(0, 1), new ArrayList<>(q));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void addAll_self_throwsIllegalArgumentException(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 3);
    assertThrows(IllegalArgumentException.class, () -> q.addAll(q));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void addAll_beyondCapacity_throwsIllegalStateException(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = full(kind);
    assertThrows(IllegalStateException.class, () -> q.addAll(List.of(1)));
    assertThrows(IllegalStateException.class, () -> q.add(1));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void toArray_nullArray_throwsNullPointerException(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 3);
    assertThrows(NullPointerException.class, () -> q.toArray((Object[]) null));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void drainTo_nullOrSelf_throws(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 3);
    NullPointerException npe = assertThrows(NullPointerException.class, () -> q.drainTo(null));
    assertTrue(npe.getMessage().contains("c"), npe.getMessage());
    assertThrows(IllegalArgumentException.class, () -> q.drainTo(q));
    assertThrows(NullPointerException.class, () -> q.drainTo(null, 0));
    assertThrows(IllegalArgumentException.class, () -> q.drainTo(q, 0));
    assertEquals(3, q.size());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void drainTo_nonPositiveMaxElements_movesNothing(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 3);
    List<Integer> sink = new ArrayList<>();
    assertEquals(0, q.drainTo(sink, 0));
    assertEquals(0, q.drainTo(sink, -1));
    assertEquals(0, q.drainTo(sink, Integer.MIN_VALUE));
    assertTrue(sink.isEmpty());
    assertEquals(3, q.size());
  }

  // ---------------------------------------------------------------- capacity and order

  @ParameterizedTest
  @MethodSource("kinds")
  void remainingCapacity_plusSize_isCapacity(QueueKinds.Kind kind) throws InterruptedException {
    BlockingQueue<Integer> q = full(kind);
    int capacity = q.size();
    assertEquals(0, q.remainingCapacity());
    for (int i = 0; i < capacity; i++) {
      assertEquals(i, q.remainingCapacity());
      assertEquals(capacity - i, q.size());
      assertEquals(i, q.take());
    }
    assertEquals(capacity, q.remainingCapacity());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void putThenTake_isFifo(QueueKinds.Kind kind) throws InterruptedException {
    BlockingQueue<Integer> q = populated(kind, 0);
    for (int i = 0; i < SIZE; i++) {
      q.put(i);
    }
    assertEquals(0, q.peek());
    assertEquals(0, q.element());
    for (int i = 0; i < SIZE; i++) {
      assertEquals(i, q.take());
    }
    assertNull(q.peek());
    assertNull(q.poll());
    assertThrows(NoSuchElementException.class, q::element);
    assertThrows(NoSuchElementException.class, q::remove);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void drainTo_movesAllInOrder_andFreesProducers(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, SIZE);
    List<Integer> sink = new ArrayList<>();
    assertEquals(5, q.drainTo(sink, 5));
    assertEquals(SIZE - 5, q.drainTo(sink));
    List<Integer> expected = new ArrayList<>();
    for (int i = 0; i < SIZE; i++) {
      expected.add(i);
    }
    assertEquals(expected, sink);
    assertTrue(q.isEmpty());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void iterationAndContainsAndToArray_areWeaklyConsistentViews(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 4);
    assertTrue(q.contains(2));
    assertFalse(q.contains(9));
    assertArrayEquals(new Object[] {0, 1, 2, 3}, q.toArray());
    assertArrayEquals(new Integer[] {0, 1, 2, 3}, q.toArray(new Integer[0]));
    assertTrue(q.toString().contains("BlockingQueueAdapter"));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void removeObject_isUnsupported(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 2);
    assertThrows(UnsupportedOperationException.class, () -> q.remove(1));
    assertEquals(2, q.size());
  }

  // ---------------------------------------------------------------- timeouts

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void timedOffer_onFull_timesOut(QueueKinds.Kind kind) throws InterruptedException {
    BlockingQueue<Integer> q = full(kind);
    assertFalse(q.offer(-1, 0, TimeUnit.MILLISECONDS));
    assertFalse(q.offer(-1, -5, TimeUnit.MILLISECONDS));
    long start = System.nanoTime();
    assertFalse(q.offer(-1, 20, TimeUnit.MILLISECONDS));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void timedPoll_onEmpty_timesOut(QueueKinds.Kind kind) throws InterruptedException {
    BlockingQueue<Integer> q = populated(kind, 0);
    assertNull(q.poll(0, TimeUnit.MILLISECONDS));
    assertNull(q.poll(-1, TimeUnit.MILLISECONDS));
    long start = System.nanoTime();
    assertNull(q.poll(20, TimeUnit.MILLISECONDS));
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(20));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void timedPoll_isWokenByOffer(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = populated(kind, 0);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch ready = new CountDownLatch(1);
    Thread t =
        start(
            () -> {
              ready.countDown();
              assertEquals(7, q.poll(LONG_DELAY_MS, TimeUnit.MILLISECONDS));
            },
            failure);
    ready.await();
    awaitBlocked(t);
    assertTrue(q.offer(7));
    joinAndCheck(t, failure);
  }

  // ---------------------------------------------------------------- blocking and interruption

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void take_onEmpty_blocksUntilPut(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = populated(kind, 0);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = start(() -> assertEquals(42, q.take()), failure);
    awaitBlocked(t);
    q.put(42);
    joinAndCheck(t, failure);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void put_onFull_blocksUntilTake(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = full(kind);
    int capacity = q.size();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = start(() -> q.put(-7), failure);
    awaitBlocked(t);
    assertEquals(0, q.take());
    joinAndCheck(t, failure);
    assertEquals(capacity, q.size());
    List<Integer> all = new ArrayList<>();
    q.drainTo(all);
    assertEquals(-7, all.get(all.size() - 1));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void take_onEmpty_blocksInterruptibly(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = populated(kind, 0);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        start(
            () -> {
              assertThrows(InterruptedException.class, q::take);
              assertFalse(Thread.currentThread().isInterrupted());
            },
            failure);
    awaitBlocked(t);
    t.interrupt();
    joinAndCheck(t, failure);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void take_onEmptyAfterInterrupt_throws(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = populated(kind, 0);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, q::take);
    assertFalse(Thread.interrupted());
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> q.poll(LONG_DELAY_MS, TimeUnit.MILLISECONDS));
    assertFalse(Thread.interrupted());
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void timedPoll_onEmpty_blocksInterruptibly(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = populated(kind, 0);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        start(
            () ->
                assertThrows(
                    InterruptedException.class,
                    () -> q.poll(2 * LONG_DELAY_MS, TimeUnit.MILLISECONDS)),
            failure);
    awaitBlocked(t);
    t.interrupt();
    joinAndCheck(t, failure);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void put_onFull_blocksInterruptibly(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = full(kind);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t = start(() -> assertThrows(InterruptedException.class, () -> q.put(-1)), failure);
    awaitBlocked(t);
    t.interrupt();
    joinAndCheck(t, failure);
    assertFalse(q.contains(-1));
  }

  @ParameterizedTest
  @MethodSource("kinds")
  @Timeout(20)
  void timedOffer_onFull_blocksInterruptibly(QueueKinds.Kind kind) throws Exception {
    BlockingQueue<Integer> q = full(kind);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread t =
        start(
            () ->
                assertThrows(
                    InterruptedException.class,
                    () -> q.offer(-1, 2 * LONG_DELAY_MS, TimeUnit.MILLISECONDS)),
            failure);
    awaitBlocked(t);
    t.interrupt();
    joinAndCheck(t, failure);
  }

  @ParameterizedTest
  @MethodSource("kinds")
  void put_onFullAfterInterrupt_throws(QueueKinds.Kind kind) {
    BlockingQueue<Integer> q = full(kind);
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> q.put(-1));
    assertFalse(Thread.interrupted());
  }

  @Test
  @Timeout(20)
  void manyBlockedConsumers_areAllWoken() throws Exception {
    BlockingQueue<Integer> q = Queues.blocking(Queues.<Integer>mpmc(4), IdleStrategy::noOp, 0);
    int consumers = 4;
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < consumers; i++) {
      threads.add(start(() -> assertTrue(q.take() >= 0), failure));
    }
    for (Thread t : threads) {
      awaitBlocked(t);
    }
    for (int i = 0; i < consumers; i++) {
      q.put(i);
    }
    for (Thread t : threads) {
      joinAndCheck(t, failure);
    }
    assertTrue(q.isEmpty());
  }

  @Test
  void unboundedQueue_reportsMaxRemainingCapacity() {
    BlockingQueue<Integer> q = Queues.blocking(Queues.<Integer>mpscUnbounded(16));
    assertEquals(Integer.MAX_VALUE, q.remainingCapacity());
  }

  @Test
  void badArguments_nameTheParameter() {
    NullPointerException npe =
        assertThrows(NullPointerException.class, () -> Queues.blocking(null));
    assertTrue(npe.getMessage().contains("queue"), npe.getMessage());
    npe =
        assertThrows(
            NullPointerException.class, () -> Queues.blocking(Queues.<Integer>spsc(4), null, 1));
    assertTrue(npe.getMessage().contains("idleStrategies"), npe.getMessage());
    IllegalArgumentException iae =
        assertThrows(
            IllegalArgumentException.class,
            () -> Queues.blocking(Queues.<Integer>spsc(4), IdleStrategy::busySpin, -1));
    assertEquals("idleRounds: -1 (expected: >= 0)", iae.getMessage());
  }

  @Test
  void idleStrategy_isCreatedOncePerWait() throws InterruptedException {
    int[] made = {0};
    BlockingQueue<Integer> q =
        Queues.blocking(
            Queues.<Integer>spsc(2),
            () -> {
              made[0]++;
              return IdleStrategy.noOp();
            },
            3);
    assertNull(q.poll(1, TimeUnit.MILLISECONDS));
    assertEquals(1, made[0]);
    q.put(1);
    assertSame(1, q.take());
    assertEquals(1, made[0], "fast path must not create an idle strategy");
  }
}
