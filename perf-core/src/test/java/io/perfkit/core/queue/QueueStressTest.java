package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jctools.queues.MessagePassingQueue;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bounded concurrent stress: P producers x C consumers move K distinct items through each queue
 * kind and through the blocking adapter. Checks exactly-once delivery and, for every consumer,
 * that each producer's items arrive in the order that producer offered them (every array queue
 * here promises this; consumers of an MPMC queue see each producer's items in order because they
 * claim slots in sequence order).
 */
class QueueStressTest {
  private static final int ITEMS_PER_PRODUCER = 50_000;
  private static final int SMALL_CAPACITY = 64;

  static Stream<Arguments> configurations() {
    return Stream.of(
        Arguments.of(QueueKinds.SPSC, 1, 1),
        Arguments.of(QueueKinds.MPSC, 3, 1),
        Arguments.of(QueueKinds.MPMC, 2, 2),
        Arguments.of(QueueKinds.MPSC_CHUNKED, 2, 1),
        Arguments.of(QueueKinds.MPSC_UNBOUNDED, 2, 1),
        Arguments.of(QueueKinds.OWN_SPSC, 1, 1),
        Arguments.of(QueueKinds.OWN_MPSC, 3, 1),
        Arguments.of(QueueKinds.INSTRUMENTED_SPSC, 1, 1),
        Arguments.of(QueueKinds.INSTRUMENTED_MPMC, 2, 2),
        Arguments.of(QueueKinds.INSTRUMENTED_SPSC_EVERY, 1, 1),
        Arguments.of(QueueKinds.INSTRUMENTED_MPSC_EVERY, 2, 1),
        Arguments.of(QueueKinds.INSTRUMENTED_MPMC_EVERY, 2, 2),
        Arguments.of(QueueKinds.INSTRUMENTED_OWN_SPSC_EVERY, 1, 1),
        Arguments.of(QueueKinds.INSTRUMENTED_OWN_MPSC_EVERY, 3, 1));
  }

  @ParameterizedTest(name = "{0} {1}x{2}")
  @MethodSource("configurations")
  @Timeout(30)
  void offerPollDrainFill_exactlyOnceAndPerProducerFifo(
      QueueKinds.Kind kind, int producers, int consumers) throws Exception {
    MessagePassingQueue<Integer> queue = kind.create(SMALL_CAPACITY);
    int total = producers * ITEMS_PER_PRODUCER;
    AtomicInteger consumed = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
    try {
      List<Future<?>> producerFutures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int producer = p;
        producerFutures.add(pool.submit(() -> produce(queue, producer)));
      }
      List<Future<List<Integer>>> consumerFutures = new ArrayList<>();
      for (int c = 0; c < consumers; c++) {
        boolean useDrain = c % 2 == 1;
        consumerFutures.add(pool.submit(consume(queue, total, consumed, useDrain)));
      }
      for (Future<?> f : producerFutures) {
        f.get(30, TimeUnit.SECONDS);
      }
      List<List<Integer>> received = new ArrayList<>();
      for (Future<List<Integer>> f : consumerFutures) {
        received.add(f.get(30, TimeUnit.SECONDS));
      }
      assertExactlyOnceInProducerOrder(received, producers);
      assertTrue(queue.isEmpty());
    } finally {
      pool.shutdownNow();
    }
  }

  /** Producer p offers p * ITEMS .. (p + 1) * ITEMS - 1, half by offer, half by fill. */
  private static Void produce(MessagePassingQueue<Integer> queue, int producer) {
    int next = producer * ITEMS_PER_PRODUCER;
    int end = next + ITEMS_PER_PRODUCER;
    int[] cursor = {next};
    while (cursor[0] < end) {
      if ((cursor[0] & 1024) == 0) {
        if (queue.offer(cursor[0])) {
          cursor[0]++;
        } else {
          Thread.yield();
        }
      } else {
        int limit = Math.min(7, end - cursor[0]);
        if (queue.fill(() -> cursor[0]++, limit) == 0) {
          Thread.yield();
        }
      }
    }
    return null;
  }

  private static Callable<List<Integer>> consume(
      MessagePassingQueue<Integer> queue, int total, AtomicInteger consumed, boolean useDrain) {
    return () -> {
      List<Integer> mine = new ArrayList<>();
      while (consumed.get() < total) {
        int got;
        if (useDrain) {
          got = queue.drain(mine::add, 5);
        } else {
          Integer item = queue.poll();
          got = item == null ? 0 : 1;
          if (item != null) {
            mine.add(item);
          }
        }
        if (got == 0) {
          Thread.yield();
        } else {
          consumed.addAndGet(got);
        }
      }
      return mine;
    };
  }

  @ParameterizedTest(name = "blocking over {0} {1}x{2}")
  @MethodSource("blockingConfigurations")
  @Timeout(30)
  void blockingPutTake_exactlyOnceAndPerProducerFifo(
      QueueKinds.Kind kind, int producers, int consumers, int idleRounds) throws Exception {
    BlockingQueue<Integer> queue =
        Queues.blocking(kind.create(8), IdleStrategy::yielding, idleRounds);
    int perProducer = 10_000;
    int total = producers * perProducer;
    ExecutorService pool = Executors.newFixedThreadPool(producers + consumers);
    try {
      List<Future<?>> producerFutures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int first = p * ITEMS_PER_PRODUCER;
        producerFutures.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perProducer; i++) {
                    if ((i & 1) == 0) {
                      queue.put(first + i);
                    } else {
                      while (!queue.offer(first + i, 100, TimeUnit.MICROSECONDS)) {
                        // timed out: try again
                      }
                    }
                  }
                  return null;
                }));
      }
      // consumers take a fixed share each, so none waits forever on an empty queue
      List<Future<List<Integer>>> consumerFutures = new ArrayList<>();
      for (int c = 0; c < consumers; c++) {
        int share = total / consumers + (c < total % consumers ? 1 : 0);
        consumerFutures.add(
            pool.submit(
                () -> {
                  List<Integer> mine = new ArrayList<>();
                  while (mine.size() < share) {
                    if ((mine.size() & 1) == 0) {
                      mine.add(queue.take());
                    } else {
                      Integer item = queue.poll(100, TimeUnit.MICROSECONDS);
                      if (item != null) {
                        mine.add(item);
                      }
                    }
                  }
                  return mine;
                }));
      }
      for (Future<?> f : producerFutures) {
        f.get(30, TimeUnit.SECONDS);
      }
      List<List<Integer>> received = new ArrayList<>();
      for (Future<List<Integer>> f : consumerFutures) {
        received.add(f.get(30, TimeUnit.SECONDS));
      }
      List<List<Integer>> rebased = new ArrayList<>();
      for (List<Integer> list : received) {
        List<Integer> r = new ArrayList<>();
        for (int item : list) {
          int producer = item / ITEMS_PER_PRODUCER;
          r.add(producer * perProducer + item % ITEMS_PER_PRODUCER);
        }
        rebased.add(r);
      }
      assertExactlyOnce(rebased, total);
      assertPerProducerOrder(received);
      assertTrue(queue.isEmpty());
    } finally {
      pool.shutdownNow();
    }
  }

  static Stream<Arguments> blockingConfigurations() {
    return Stream.of(
        Arguments.of(QueueKinds.SPSC, 1, 1, 0),
        Arguments.of(QueueKinds.SPSC, 1, 1, Queues.DEFAULT_IDLE_ROUNDS),
        Arguments.of(QueueKinds.OWN_SPSC, 1, 1, Queues.DEFAULT_IDLE_ROUNDS),
        Arguments.of(QueueKinds.MPSC, 3, 1, 0),
        Arguments.of(QueueKinds.MPMC, 2, 2, 0),
        Arguments.of(QueueKinds.MPMC, 2, 2, 4));
  }

  private static void assertExactlyOnceInProducerOrder(List<List<Integer>> received, int producers) {
    assertExactlyOnce(received, producers * ITEMS_PER_PRODUCER);
    assertPerProducerOrder(received);
  }

  private static void assertExactlyOnce(List<List<Integer>> received, int total) {
    BitSet seen = new BitSet(total);
    int count = 0;
    for (List<Integer> list : received) {
      for (int item : list) {
        assertTrue(item >= 0 && item < total, "unexpected item " + item);
        assertTrue(!seen.get(item), "duplicate item " + item);
        seen.set(item);
        count++;
      }
    }
    assertEquals(total, count, "items delivered");
    assertEquals(total, seen.cardinality(), "distinct items delivered");
  }

  private static void assertPerProducerOrder(List<List<Integer>> received) {
    for (List<Integer> list : received) {
      int[] last = new int[16];
      java.util.Arrays.fill(last, -1);
      for (int item : list) {
        int producer = item / ITEMS_PER_PRODUCER;
        assertTrue(item > last[producer], "producer " + producer + " out of order at " + item);
        last[producer] = item;
      }
    }
  }
}
