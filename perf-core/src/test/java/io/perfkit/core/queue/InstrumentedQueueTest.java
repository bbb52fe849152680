package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.metrics.LatencySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.jctools.queues.MessagePassingQueue;
import org.junit.jupiter.api.Test;

class InstrumentedQueueTest {

  @Test
  void failureCounters_singleWriterOnlyWhereTheQueueContractHasOneThread() {
    InstrumentedQueueWrapper<Integer> spsc = wrapper(Queues.instrumented(Queues.<Integer>spsc(4)));
    assertTrue(spsc.singleProducer && spsc.singleConsumer);
    InstrumentedQueueWrapper<Integer> mpsc = wrapper(Queues.instrumented(Queues.<Integer>mpsc(4)));
    assertTrue(!mpsc.singleProducer && mpsc.singleConsumer);
    InstrumentedQueueWrapper<Integer> mpmc = wrapper(Queues.instrumented(Queues.<Integer>mpmc(4)));
    assertTrue(!mpmc.singleProducer && !mpmc.singleConsumer);
    InstrumentedQueueWrapper<Integer> unbounded =
        wrapper(Queues.instrumented(Queues.<Integer>mpscUnbounded(4)));
    assertTrue(!unbounded.singleProducer && unbounded.singleConsumer);
  }

  @Test
  void failureCounters_exactUnderConcurrentProducersAndConsumers() throws InterruptedException {
    int threads = 4;
    int attempts = 50_000;
    // Many producers on a full MPMC queue, then many consumers on an empty one: every failure counts.
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>mpmc(2));
    assertTrue(q.offer(1) && q.offer(2));
    runConcurrently(threads, () -> {
      for (int i = 0; i < attempts; i++) {
        assertTrue(!q.offer(3));
      }
    });
    assertEquals((long) threads * attempts, q.stats().offersRejected());
    assertEquals(1, q.poll());
    assertEquals(2, q.poll());
    runConcurrently(threads, () -> {
      for (int i = 0; i < attempts; i++) {
        assertEquals(null, q.poll());
      }
    });
    assertEquals((long) threads * attempts, q.stats().pollsEmpty());
  }

  @Test
  void failureCounters_singleWriterCountsAreExact() throws InterruptedException {
    int attempts = 100_000;
    MessagePassingQueue<Integer> spsc = Queues.spsc(1);
    InstrumentedQueue<Integer> q = Queues.instrumented(spsc);
    assertTrue(q.offer(1));
    Thread producer = new Thread(() -> {
      for (int i = 0; i < attempts; i++) {
        assertTrue(!q.offer(2));
      }
    });
    producer.start();
    producer.join();
    assertEquals(1, q.poll());
    Thread consumer = new Thread(() -> {
      for (int i = 0; i < attempts; i++) {
        assertEquals(null, q.poll());
      }
    });
    consumer.start();
    consumer.join();
    QueueStats stats = q.stats();
    assertEquals(attempts, stats.offersRejected());
    assertEquals(attempts, stats.pollsEmpty());
  }

  private static void runConcurrently(int threads, Runnable body) throws InterruptedException {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> started = new ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
          body.run();
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      thread.start();
      started.add(thread);
    }
    start.countDown();
    for (Thread thread : started) {
      thread.join();
    }
    assertTrue(failures.isEmpty(), failures::toString);
  }

  @Test
  void stats_countDepthRejectedOffersAndEmptyPolls() {
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>spsc(4));
    assertEquals(new QueueStats(0, 4, 0, 0, LatencySnapshot.empty()).depth(), q.stats().depth());
    for (int i = 0; i < 4; i++) {
      assertTrue(q.offer(i));
    }
    assertTrue(!q.offer(4));
    assertTrue(!q.relaxedOffer(5));
    assertEquals(0, q.fill(() -> 6, 3));
    QueueStats stats = q.stats();
    assertEquals(4, stats.depth());
    assertEquals(4, stats.capacity());
    assertEquals(3, stats.offersRejected());
    assertEquals(0, stats.pollsEmpty());
    for (int i = 0; i < 4; i++) {
      assertEquals(i, q.poll());
    }
    assertEquals(null, q.poll());
    assertEquals(null, q.relaxedPoll());
    assertEquals(0, q.drain(e -> {}, 5));
    assertEquals(0, q.drain(e -> {}, 0), "a zero-limit drain is not an empty poll");
    stats = q.stats();
    assertEquals(0, stats.depth());
    assertEquals(3, stats.pollsEmpty());
  }

  @Test
  void sampleIntervalOne_timesEveryElement_andElementsComeOutUnwrapped() {
    LatencyRecorder recorder = LatencyRecorder.create();
    InstrumentedQueue<String> q = Queues.instrumented(Queues.<String>mpsc(8), 1, recorder);
    q.offer("a");
    q.relaxedOffer("b");
    String[] batch = {"c", "d"};
    int[] i = {0};
    assertEquals(2, q.fill(() -> batch[i[0]++], 2));
    assertEquals("a", q.peek());
    assertEquals("a", q.relaxedPeek());
    List<String> iterated = new ArrayList<>(q);
    assertEquals(List.of("a", "b", "c", "d"), iterated);
    assertEquals("a", q.poll());
    assertEquals("b", q.relaxedPoll());
    List<String> out = new ArrayList<>();
    assertEquals(2, q.drain(out::add));
    assertEquals(List.of("c", "d"), out);
    assertEquals(4, q.stats().timeInQueue().count());
    assertTrue(q.stats().timeInQueue().max() >= 0);
  }

  @Test
  void defaultSampling_timesOneOfEach1024Offers() {
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>spsc(4096));
    for (int i = 0; i < 4096; i++) {
      q.offer(i);
    }
    for (int i = 0; i < 4096; i++) {
      assertEquals(i, q.poll());
    }
    assertEquals(4, q.stats().timeInQueue().count());
  }

  @Test
  void clear_emptiesWithoutCounting() {
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>mpmc(4), 1, LatencyRecorder.create());
    q.offer(1);
    q.offer(2);
    q.clear();
    assertTrue(q.isEmpty());
    assertEquals(0, q.size());
    assertEquals(0, q.stats().timeInQueue().count());
    assertEquals(0, q.stats().pollsEmpty());
    assertTrue(q.toString().startsWith("InstrumentedQueue["));
  }

  @Test
  void badArguments_nameTheParameter() {
    assertTrue(
        assertThrows(NullPointerException.class, () -> Queues.instrumented(null))
            .getMessage()
            .contains("queue"));
    assertTrue(
        assertThrows(
                NullPointerException.class,
                () -> Queues.instrumented(Queues.<Integer>spsc(2), 1, null))
            .getMessage()
            .contains("timeInQueue"));
    for (int bad : new int[] {0, -1, 3, 1 << 31}) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> Queues.instrumented(Queues.<Integer>spsc(2), bad, LatencyRecorder.create()));
      assertEquals(
          "sampleInterval: " + bad + " (expected: a power of two in [1, 2^30])", e.getMessage());
    }
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>spsc(2));
    assertThrows(NullPointerException.class, () -> q.offer(null));
    assertThrows(IllegalArgumentException.class, () -> q.drain(e -> {}, -1));
    assertThrows(IllegalArgumentException.class, () -> q.fill(() -> 1, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> new QueueStats(-1, 2, 0, 0, LatencySnapshot.empty()));
    assertThrows(NullPointerException.class, () -> new QueueStats(0, 2, 0, 0, null));
  }

  /* ---------------- time in queue: exactness of the sampled positions ---------------- */

  @Test
  void elementsTravelUnwrapped_evenWhenSampled() {
    InstrumentedQueueWrapper<Integer> q =
        wrapper(Queues.instrumented(Queues.<Integer>spsc(8), 1, LatencyRecorder.create()));
    Integer element = 1_000_000; // not from the Integer cache: identity is observable
    assertTrue(q.offer(element));
    MessagePassingQueue<Object> raw = q.delegate;
    assertSame(element, raw.peek(), "the wrapped queue holds the element itself");
    assertSame(element, q.poll());
  }

  @Test
  void spsc_concurrentTransfer_recordsExactlyOneTimePerSampledPosition() throws InterruptedException {
    int items = 40_000;
    int interval = 8;
    LatencyRecorder recorder = LatencyRecorder.create();
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>spsc(64), interval, recorder);
    Thread producer = new Thread(() -> {
      int i = 0;
      while (i < items) {
        // alternate offer and fill, so both producer paths number positions
        int added;
        if ((i & 1) == 0) {
          added = q.offer(i) ? 1 : 0;
        } else {
          int[] next = {i};
          added = q.fill(() -> next[0]++, Math.min(3, items - i));
        }
        if (added == 0) {
          Thread.yield(); // the machine may have fewer free cores than threads
        }
        i += added;
      }
    });
    producer.start();
    int received = 0;
    while (received < items) {
      int removed;
      if ((received & 1) == 0) {
        Integer polled = q.poll();
        removed = polled == null ? 0 : 1;
        if (polled != null) {
          assertEquals(received, polled);
        }
      } else {
        int[] expected = {received};
        removed = q.drain(e -> assertEquals(expected[0]++, e), 5);
      }
      if (removed == 0) {
        Thread.yield();
      }
      received += removed;
    }
    producer.join();
    assertEquals(items / interval, q.stats().timeInQueue().count());
  }

  @Test
  void mpsc_concurrentProducers_recordAtMostOneTimePerSampledPosition() throws InterruptedException {
    int perProducer = 10_000;
    int producers = 3;
    int interval = 4;
    InstrumentedQueue<Integer> q =
        Queues.instrumented(Queues.<Integer>mpsc(64), interval, LatencyRecorder.create());
    CountDownLatch done = new CountDownLatch(producers);
    runInBackground(producers, () -> {
      for (int i = 0; i < perProducer; i++) {
        while (!q.offer(i)) {
          Thread.yield(); // more spinning threads than cores here
        }
      }
      done.countDown();
    });
    int total = producers * perProducer;
    int received = 0;
    while (received < total) {
      if (q.poll() != null) {
        received++;
      } else {
        Thread.yield();
      }
    }
    done.await();
    long count = q.stats().timeInQueue().count();
    assertTrue(count <= total / interval, "at most one sample per sampled position: " + count);
    assertTrue(count > 0, "some positions are sampled");
    assertTrue(q.stats().timeInQueue().max() >= 0);
  }

  @Test
  void mpmc_concurrentConsumers_recordEachSampledPositionAtMostOnce() throws InterruptedException {
    int items = 20_000;
    InstrumentedQueue<Integer> q =
        Queues.instrumented(Queues.<Integer>mpmc(64), 1, LatencyRecorder.create());
    java.util.concurrent.atomic.AtomicInteger received = new java.util.concurrent.atomic.AtomicInteger();
    runInBackground(2, () -> {
      while (received.get() < items) {
        if (q.poll() != null) {
          received.incrementAndGet();
        } else {
          Thread.yield(); // more spinning threads than cores here
        }
      }
    });
    for (int i = 0; i < items; i++) {
      while (!q.offer(i)) {
        Thread.onSpinWait();
      }
    }
    while (received.get() < items) {
      Thread.onSpinWait();
    }
    long count = q.stats().timeInQueue().count();
    assertTrue(count <= items && count > 0, "count: " + count);
  }

  @Test
  void singleThreaded_everyKind_recordsExactlyTheSampledPositions() {
    for (QueueKinds.Kind kind :
        List.of(QueueKinds.SPSC, QueueKinds.MPSC, QueueKinds.MPMC, QueueKinds.MPSC_UNBOUNDED)) {
      LatencyRecorder recorder = LatencyRecorder.create();
      InstrumentedQueue<Integer> q = Queues.instrumented(kind.create(16), 4, recorder);
      int moved = 0;
      for (int round = 0; round < 50; round++) {
        // one offer, a fill of 3 (or what fits), then everything out through poll and drain
        assertTrue(q.offer(moved), kind.name());
        int[] next = {moved + 1};
        int filled = q.fill(() -> next[0]++, 3);
        assertTrue(filled >= 1, kind.name());
        assertEquals(moved, q.poll(), kind.name());
        int[] expected = {moved + 1};
        assertEquals(filled, q.drain(e -> assertEquals(expected[0]++, e), 16), kind.name());
        moved += 1 + filled;
      }
      assertEquals((moved + 3) / 4, q.stats().timeInQueue().count(), kind.name());
    }
  }

  @Test
  void wrappingANonEmptyQueue_numbersPositionsFromTheQueuesContent() {
    for (QueueKinds.Kind kind : List.of(QueueKinds.SPSC, QueueKinds.MPSC, QueueKinds.MPMC)) {
      MessagePassingQueue<Integer> bare = kind.create(16);
      for (int i = 0; i < 3; i++) {
        assertTrue(bare.offer(i));
      }
      assertEquals(0, bare.poll()); // positions 0 (taken), 1, 2 (queued)
      InstrumentedQueue<Integer> q = Queues.instrumented(bare, 2, LatencyRecorder.create());
      // MPSC/MPMC: the queue's own indices, elements 3..9 take positions 3..9 (4, 6, 8 sampled).
      // SPSC: counted from wrapping, queued 1, 2 are positions 0, 1; 3..9 take 2..8 (2, 4, 6, 8).
      for (int i = 3; i < 10; i++) {
        assertTrue(q.offer(i));
      }
      for (int i = 1; i < 10; i++) {
        assertEquals(i, q.poll(), kind.name());
      }
      assertEquals(kind == QueueKinds.SPSC ? 4 : 3, q.stats().timeInQueue().count(), kind.name());
    }
  }

  @Test
  void clear_keepsPositionsAligned() {
    LatencyRecorder recorder = LatencyRecorder.create();
    InstrumentedQueue<Integer> q = Queues.instrumented(Queues.<Integer>spsc(8), 2, recorder);
    q.offer(0); // position 0, sampled
    q.offer(1);
    q.offer(2); // position 2, sampled
    q.clear();
    assertEquals(0, recorder.snapshot().count(), "cleared elements are not timed");
    q.offer(3); // position 3
    q.offer(4); // position 4, sampled
    assertEquals(3, q.poll());
    assertEquals(4, q.poll());
    assertEquals(1, recorder.snapshot().count());
  }

  @Test
  void recordedTime_coversTheWholeStayInTheQueue() {
    for (QueueKinds.Kind kind : List.of(QueueKinds.SPSC, QueueKinds.MPSC, QueueKinds.MPMC)) {
      InstrumentedQueue<Integer> q = Queues.instrumented(kind.create(8), 1, LatencyRecorder.create());
      long waitNanos = 2_000_000;
      q.offer(1);
      long start = System.nanoTime();
      while (System.nanoTime() - start < waitNanos) {
        Thread.onSpinWait(); // the element stays queued at least this long
      }
      assertEquals(1, q.poll());
      assertEquals(1, q.stats().timeInQueue().count(), kind.name());
      // the recorder keeps 3 significant digits: allow its rounding
      assertTrue(q.stats().timeInQueue().max() >= waitNanos * 0.99, kind.name());
    }
  }

  @Test
  void failedOffer_withdrawsItsStamp_soALaterElementIsNotTimedFromIt() {
    InstrumentedQueueWrapper<Integer> q =
        wrapper(Queues.instrumented(Queues.<Integer>mpsc(2), 2, LatencyRecorder.create()));
    assertTrue(q.offer(0)); // position 0
    assertTrue(q.offer(1));
    assertTrue(!q.offer(2), "full: position 2 is stamped, then withdrawn");
    assertEquals(Long.MIN_VALUE, q.stamps.take(2));
    int[] next = {2};
    assertEquals(0, q.fill(() -> next[0]++, 4), "full: the fill withdraws its stamps too");
    assertEquals(Long.MIN_VALUE, q.stamps.take(2));
    assertEquals(0, q.poll());
    assertEquals(1, q.poll());
    assertEquals(1, q.stats().timeInQueue().count());
  }

  @Test
  void drainAndFillWithWaitStrategy_moveEverythingAndCountNoFailures() {
    for (QueueKinds.Kind kind : List.of(QueueKinds.SPSC, QueueKinds.MPSC, QueueKinds.MPMC)) {
      InstrumentedQueue<Integer> q = Queues.instrumented(kind.create(8), 1, LatencyRecorder.create());
      int[] rounds = {0};
      int[] next = {0};
      q.fill(() -> next[0]++, idle -> idle + 1, () -> rounds[0]++ < 3);
      assertEquals(8, q.size(), kind.name());
      List<Integer> out = new ArrayList<>();
      rounds[0] = 0;
      q.drain(out::add, idle -> idle + 1, () -> rounds[0]++ < 3);
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), out, kind.name());
      QueueStats stats = q.stats();
      assertEquals(0, stats.offersRejected(), kind.name());
      assertEquals(0, stats.pollsEmpty(), kind.name());
      assertEquals(8, stats.timeInQueue().count(), kind.name());
    }
  }

  @Test
  void severalProducers_withoutQueueIndices_countButDoNotTime() {
    MessagePassingQueue<Integer> noIndices = new io.perfkit.core.queue.internal.MpscArrayQueue<>(4);
    assertTrue(!(noIndices instanceof org.jctools.queues.QueueProgressIndicators));
    InstrumentedQueue<Integer> q = Queues.instrumented(noIndices, 1, LatencyRecorder.create());
    for (int i = 0; i < 4; i++) {
      assertTrue(q.offer(i));
    }
    assertTrue(!q.offer(4));
    for (int i = 0; i < 4; i++) {
      assertEquals(i, q.poll());
    }
    assertEquals(null, q.poll());
    QueueStats stats = q.stats();
    assertEquals(1, stats.offersRejected());
    assertEquals(1, stats.pollsEmpty());
    assertEquals(0, stats.timeInQueue().count(), "positions unknown: not timed");
  }

  private static void runInBackground(int threads, Runnable body) {
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(body);
      thread.setDaemon(true);
      thread.start();
    }
  }

  /** The wrapper behind {@code Queues.instrumented}, for its package-private state. */
  private static <E> InstrumentedQueueWrapper<E> wrapper(InstrumentedQueue<E> queue) {
    return (InstrumentedQueueWrapper<E>) queue;
  }
}
