package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
    InstrumentedQueue<Integer> spsc = Queues.instrumented(Queues.<Integer>spsc(4));
    assertTrue(spsc.singleProducer && spsc.singleConsumer);
    InstrumentedQueue<Integer> mpsc = Queues.instrumented(Queues.<Integer>mpsc(4));
    assertTrue(!mpsc.singleProducer && mpsc.singleConsumer);
    InstrumentedQueue<Integer> mpmc = Queues.instrumented(Queues.<Integer>mpmc(4));
    assertTrue(!mpmc.singleProducer && !mpmc.singleConsumer);
    InstrumentedQueue<Integer> unbounded = Queues.instrumented(Queues.<Integer>mpscUnbounded(4));
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
}
