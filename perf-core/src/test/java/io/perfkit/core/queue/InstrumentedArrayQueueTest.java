package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.internal.InstrumentedArrayQueue;
import io.perfkit.core.queue.internal.InstrumentedMpscArrayQueue;
import io.perfkit.core.queue.internal.InstrumentedSpscArrayQueue;
import io.perfkit.core.queue.internal.OfferFillMix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The queues that count inside themselves ({@link Queues#instrumentedSpsc}, {@link
 * Queues#instrumentedMpsc}): counters, exact sampling, the stamp table's reuse, bad input, and a
 * model-based property of the counters (which also holds the SPSC wrapper to the same model).
 */
class InstrumentedArrayQueueTest {

  /** Builds an instrumented queue of a kind: (capacity, sampleInterval, recorder). */
  interface Maker {
    InstrumentedQueue<Integer> make(int capacity, int sampleInterval, LatencyRecorder recorder);
  }

  static Maker maker(String kind) {
    return switch (kind) {
      case "spsc" -> Queues::instrumentedSpsc;
      case "mpsc" -> Queues::instrumentedMpsc;
      case "wrapper(spsc)" -> (c, s, r) -> Queues.instrumented(Queues.<Integer>spsc(c), s, r);
      default -> throw new IllegalArgumentException(kind);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void factory_countsInsideOurOwnQueue_andElementsTravelUnwrapped(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(8, 1, LatencyRecorder.create());
    assertTrue(q instanceof InstrumentedArrayQueue, q.getClass().getName());
    assertTrue(kind.equals("spsc")
        ? q instanceof InstrumentedSpscArrayQueue
        : q instanceof InstrumentedMpscArrayQueue);
    Integer element = 1_000_000; // not from the Integer cache: identity is observable
    assertTrue(q.offer(element));
    assertSame(element, q.peek());
    assertSame(element, q.iterator().next());
    assertSame(element, q.poll());
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void stats_countDepthRejectedOffersAndEmptyPolls(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(4, 2, LatencyRecorder.create());
    assertEquals(new QueueStats(0, 4, 0, 0, q.stats().timeInQueue()), q.stats());
    for (int i = 0; i < 4; i++) {
      assertTrue(q.offer(i));
    }
    assertTrue(!q.offer(4));
    assertTrue(!q.relaxedOffer(5));
    assertEquals(0, q.fill(() -> 6, 3));
    assertEquals(0, q.fill(() -> 6, 0), "a zero-limit fill is not a rejected offer");
    QueueStats stats = q.stats();
    assertEquals(4, stats.depth());
    assertEquals(4, stats.capacity());
    assertEquals(3, stats.offersRejected());
    assertEquals(0, stats.pollsEmpty());
    for (int i = 0; i < 4; i++) {
      assertEquals(i, i % 2 == 0 ? q.poll() : q.relaxedPoll());
    }
    assertEquals(null, q.poll());
    assertEquals(null, q.relaxedPoll());
    assertEquals(null, q.peek(), "peek counts nothing");
    assertEquals(0, q.drain(e -> {}, 5));
    assertEquals(0, q.drain(e -> {}, 0), "a zero-limit drain is not an empty poll");
    stats = q.stats();
    assertEquals(0, stats.depth());
    assertEquals(3, stats.offersRejected());
    assertEquals(3, stats.pollsEmpty());
    assertEquals(2, stats.timeInQueue().count(), "positions 0 and 2 of 0..3");
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void defaultSampling_timesOnePositionIn1024(String kind) {
    InstrumentedQueue<Integer> q = kind.equals("spsc") ? Queues.instrumentedSpsc(16) : Queues.instrumentedMpsc(16);
    for (int i = 0; i < 3000; i++) {
      assertTrue(q.offer(i));
      assertEquals(i, q.poll());
    }
    assertEquals(3, q.stats().timeInQueue().count(), "positions 0, 1024 and 2048");
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void clear_neitherTimesNorCounts_butKeepsPositionsAligned(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(8, 2, LatencyRecorder.create());
    for (int i = 0; i < 3; i++) {
      q.offer(i); // positions 0, 1, 2
    }
    q.clear();
    QueueStats stats = q.stats();
    assertEquals(0, stats.depth());
    assertEquals(0, stats.pollsEmpty());
    assertEquals(0, stats.timeInQueue().count());
    q.offer(3); // position 3: not sampled
    q.offer(4); // position 4: sampled
    assertEquals(3, q.poll());
    assertEquals(0, q.stats().timeInQueue().count());
    assertEquals(4, q.poll());
    assertEquals(1, q.stats().timeInQueue().count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void recordedTime_coversTheWholeStayInTheQueue(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(8, 1, LatencyRecorder.create());
    long waitNanos = 2_000_000;
    long before = System.nanoTime();
    q.offer(1);
    long start = System.nanoTime();
    while (System.nanoTime() - start < waitNanos) {
      Thread.onSpinWait(); // the element stays queued at least this long
    }
    assertEquals(1, q.poll());
    long after = System.nanoTime();
    assertEquals(1, q.stats().timeInQueue().count());
    // the recorder keeps 3 significant digits: allow its rounding
    assertTrue(q.stats().timeInQueue().max() >= waitNanos * 0.99);
    assertTrue(q.stats().timeInQueue().max() <= (after - before) * 1.01);
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void stampTable_isReusedLapAfterLap_withoutLosingOrMisattributingASample(String kind) {
    // capacity 8, interval 4: two stamp entries, each reused every 8 positions; keep the queue
    // full so that every restamp happens right after the consumer freed the slot
    InstrumentedQueue<Integer> q = maker(kind).make(8, 4, LatencyRecorder.create());
    int next = 0;
    for (; next < 8; next++) {
      assertTrue(q.offer(next));
    }
    for (int expected = 0; expected < 1000; expected++) {
      assertEquals(expected, q.poll());
      assertTrue(q.offer(next++));
    }
    assertEquals(250, q.stats().timeInQueue().count(), "positions 0, 4, ..., 996");
  }

  /**
   * Every sampled position is timed from its own stamp, never from a stale one of an earlier lap
   * (or from an unwritten entry): rounds of offers/fills and polls/drains are separated by idle
   * gaps longer than any round, so a stale stamp would record at least a gap, and a correct one at
   * most the duration of its own round.
   */
  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc", "wrapper(spsc)"})
  void everySampledPosition_isTimedFromItsOwnStamp(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(8, 2, LatencyRecorder.create());
    java.util.Random random = new java.util.Random(42);
    long gapNanos = 3_000_000;
    long longestRound = 0;
    long expectedSamples = 0;
    long position = 0;
    for (int round = 0; round < 40; round++) {
      long roundStart = System.nanoTime();
      int n = 1 + random.nextInt(8);
      OfferFillMix.addInOrder(q, n, random);
      int removed = 0;
      while (removed < n) {
        if (random.nextBoolean()) {
          assertEquals(removed, q.poll());
          removed++;
        } else {
          removed += q.drain(e -> {}, 1 + random.nextInt(3));
        }
      }
      longestRound = Math.max(longestRound, System.nanoTime() - roundStart);
      for (int i = 0; i < n; i++, position++) {
        if (position % 2 == 0) {
          expectedSamples++;
        }
      }
      long idleStart = System.nanoTime();
      while (System.nanoTime() - idleStart < gapNanos) {
        Thread.onSpinWait(); // stamps of this round are now at least a gap old
      }
    }
    QueueStats stats = q.stats();
    assertEquals(expectedSamples, stats.timeInQueue().count());
    // the recorder keeps 3 significant digits: allow its rounding
    assertTrue(stats.timeInQueue().max() <= longestRound * 1.01 + 1,
        "max " + stats.timeInQueue().max() + " ns, longest round " + longestRound + " ns");
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void drainAndFillWithWaitStrategy_moveEverythingAndCountNoFailures(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(8, 1, LatencyRecorder.create());
    int[] rounds = {0};
    int[] next = {0};
    q.fill(() -> next[0]++, idle -> idle + 1, () -> rounds[0]++ < 3);
    assertEquals(8, q.size());
    List<Integer> out = new ArrayList<>();
    rounds[0] = 0;
    q.drain(out::add, idle -> idle + 1, () -> rounds[0]++ < 3);
    assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), out);
    QueueStats stats = q.stats();
    assertEquals(0, stats.offersRejected());
    assertEquals(0, stats.pollsEmpty());
    assertEquals(8, stats.timeInQueue().count());
  }

  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void drain_whenTheConsumerThrows_theElementIsRemovedAndTimed(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(8, 1, LatencyRecorder.create());
    q.offer(1);
    q.offer(2);
    RuntimeException boom = new RuntimeException("boom");
    assertSame(boom, assertThrows(RuntimeException.class, () -> q.drain(e -> {
      throw boom;
    }, 2)));
    assertEquals(1, q.size());
    assertEquals(1, q.stats().timeInQueue().count());
    assertEquals(2, q.poll());
  }

  /**
   * The consumer hands sampled times to the caller's recorder in batches of 32 (not one by one);
   * stats() hands over the rest first, so it always sees every sample taken before it.
   */
  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void sampledTimes_reachTheRecorderInBatches_andAllOfThemInStats(String kind) {
    LatencyRecorder recorder = LatencyRecorder.create();
    InstrumentedQueue<Integer> q = maker(kind).make(8, 1, recorder);
    for (int i = 0; i < 40; i++) {
      assertTrue(q.offer(i));
      assertEquals(i, q.poll());
    }
    assertEquals(32, recorder.snapshot().count(), "one full batch handed over by the consumer");
    assertEquals(40, q.stats().timeInQueue().count(), "stats() hands over the other 8");
    assertEquals(40, recorder.snapshot().count());
    assertEquals(40, q.stats().timeInQueue().count(), "nothing recorded twice");
  }

  /**
   * Many sampled positions per look-ahead stretch (capacity 4096: SPSC look-ahead 1024, interval
   * 64), in bursts that fill the queue and lap it: every sampled position is timed exactly once.
   */
  @ParameterizedTest
  @ValueSource(strings = {"spsc", "mpsc"})
  void manySampledPositionsPerLookAhead_areEachTimedOnce(String kind) {
    InstrumentedQueue<Integer> q = maker(kind).make(4096, 64, LatencyRecorder.create());
    int offered = 0;
    int polled = 0;
    java.util.Random random = new java.util.Random(7);
    while (offered < 20_000) {
      int burst = random.nextInt(3000);
      for (int i = 0; i < burst && q.offer(offered); i++) {
        offered++;
      }
      int drain = random.nextInt(3000);
      for (int i = 0; i < drain && polled < offered; i++) {
        assertEquals(polled++, q.poll());
      }
    }
    while (polled < offered) {
      assertEquals(polled++, q.poll());
    }
    assertEquals((offered + 63) / 64, q.stats().timeInQueue().count());
  }

  @Test
  void badArguments_nameTheParameter() {
    LatencyRecorder r = LatencyRecorder.create();
    assertEquals("capacity: 0 (expected: in [1, 1073741824])",
        assertThrows(IllegalArgumentException.class, () -> Queues.instrumentedSpsc(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Queues.instrumentedMpsc(-1));
    assertThrows(IllegalArgumentException.class, () -> Queues.instrumentedSpsc((1 << 30) + 1, 1, r));
    for (int bad : new int[] {0, -1, 3, 6, (1 << 30) + 1, Integer.MIN_VALUE}) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Queues.instrumentedSpsc(8, bad, r));
      assertEquals("sampleInterval: " + bad + " (expected: a power of two in [1, 2^30])", e.getMessage());
      assertThrows(IllegalArgumentException.class, () -> Queues.instrumentedMpsc(8, bad, r));
    }
    assertTrue(assertThrows(NullPointerException.class, () -> Queues.instrumentedSpsc(8, 1, null))
        .getMessage().contains("timeInQueue"));
    assertThrows(NullPointerException.class, () -> Queues.instrumentedMpsc(8, 1, null));
    for (String kind : List.of("spsc", "mpsc")) {
      InstrumentedQueue<Integer> q = maker(kind).make(8, 1, r);
      assertThrows(NullPointerException.class, () -> q.offer(null));
      assertThrows(NullPointerException.class, () -> q.drain(null, 1));
      assertThrows(NullPointerException.class, () -> q.fill(null, 1));
      assertEquals("limit: -1 (expected: >= 0)",
          assertThrows(IllegalArgumentException.class, () -> q.drain(e -> {}, -1)).getMessage());
      assertThrows(IllegalArgumentException.class, () -> q.fill(() -> 1, -1));
      if (kind.equals("spsc")) {
        // (an MPSC fill has claimed its slots before it calls the supplier: a null there breaks
        // the queue, as for Queues.mpsc, which is why suppliers must not return null)
        assertThrows(NullPointerException.class, () -> q.fill(() -> null, 1));
      }
      assertEquals(0, q.size(), "a refused element is not added");
    }
  }

  /* ---------------- concurrent: exact counts ---------------- */

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  @Timeout(30)
  void concurrentTransfer_exactCountsAndOneTimePerSampledPosition(int producers) throws Exception {
    int perProducer = 30_000;
    int total = producers * perProducer;
    int interval = 8;
    InstrumentedQueue<Integer> q = producers == 1
        ? Queues.instrumentedSpsc(64, interval, LatencyRecorder.create())
        : Queues.instrumentedMpsc(64, interval, LatencyRecorder.create());
    AtomicLong rejected = new AtomicLong();
    AtomicBoolean failed = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(producers);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int p = 0; p < producers; p++) {
        int base = p * perProducer;
        futures.add(pool.submit(() -> {
          int i = 0;
          long myRejected = 0;
          while (i < perProducer) {
            int added;
            if ((i & 1) == 0) {
              added = q.offer(base + i) ? 1 : 0;
            } else {
              int[] next = {base + i};
              added = q.fill(() -> next[0]++, Math.min(3, perProducer - i));
            }
            if (added == 0) {
              myRejected++; // a failed offer and an empty fill each count one rejection
              Thread.yield(); // the machine may have fewer free cores than threads
            }
            i += added;
          }
          rejected.addAndGet(myRejected);
        }));
      }
      int[] lastSeen = new int[producers];
      java.util.Arrays.fill(lastSeen, -1);
      long empty = 0;
      int received = 0;
      while (received < total) {
        int removed;
        if ((received & 1) == 0) {
          Integer polled = (received & 2) == 0 ? q.poll() : q.relaxedPoll();
          removed = polled == null ? 0 : 1;
          if (polled != null) {
            checkOrder(lastSeen, polled, perProducer, failed);
          }
        } else {
          removed = q.drain(e -> checkOrder(lastSeen, e, perProducer, failed), 5);
        }
        if (removed == 0) {
          empty++;
          Thread.yield();
        }
        received += removed;
      }
      for (Future<?> f : futures) {
        f.get(20, TimeUnit.SECONDS);
      }
      assertTrue(!failed.get(), "per-producer FIFO order");
      for (int p = 0; p < producers; p++) {
        assertEquals(p * perProducer + perProducer - 1, lastSeen[p], "all of producer " + p);
      }
      QueueStats stats = q.stats();
      assertEquals(0, stats.depth());
      assertEquals(rejected.get(), stats.offersRejected());
      assertEquals(empty, stats.pollsEmpty());
      assertEquals(total / interval, stats.timeInQueue().count(),
          "exactly one time per sampled position, with " + producers + " producers");
    } finally {
      pool.shutdownNow();
    }
  }

  private static void checkOrder(int[] lastSeen, int element, int perProducer, AtomicBoolean failed) {
    int producer = element / perProducer;
    if (element != lastSeen[producer] + 1 && !(lastSeen[producer] == -1 && element == producer * perProducer)) {
      failed.set(true);
    }
    lastSeen[producer] = element;
  }

  /* ---------------- model-based: the counters ---------------- */

  /** One operation and its argument (a batch limit for drain/fill). */
  record Op(String name, int arg) {}

  @Provide
  Arbitrary<Op> ops() {
    return Combinators.combine(
            Arbitraries.of("offer", "offer", "offer", "relaxedOffer", "poll", "poll", "relaxedPoll",
                "peek", "drain", "fill", "clear", "stats"),
            Arbitraries.integers().between(0, 6))
        .as(Op::new);
  }

  /**
   * Any sequence of operations leaves the counters where a model says: rejected offers (failed
   * offers and empty fills with a positive limit), empty polls (null polls and empty drains with a
   * positive limit), depth, and one recorded time per polled or drained position that is a
   * multiple of the sample interval (cleared elements are not timed).
   */
  @Property(tries = 300)
  void countersFollowTheModel(
      @ForAll("kinds") String kind,
      @ForAll @IntRange(min = 0, max = 2) int intervalLog2,
      @ForAll @IntRange(min = 1, max = 6) int requestedCapacity,
      @ForAll @Size(max = 50) List<@From("ops") Op> ops) {
    int interval = 1 << intervalLog2;
    InstrumentedQueue<Integer> q = maker(kind).make(requestedCapacity, interval, LatencyRecorder.create());
    int capacity = q.capacity();
    ArrayDeque<Long> positions = new ArrayDeque<>(); // the model: positions of queued elements
    long nextPosition = 0;
    long rejected = 0;
    long empty = 0;
    long timed = 0;
    for (Op op : ops) {
      switch (op.name()) {
        case "offer", "relaxedOffer" -> {
          boolean added = op.name().equals("offer") ? q.offer(7) : q.relaxedOffer(7);
          assertEquals(positions.size() < capacity, added, op.toString());
          if (added) {
            positions.add(nextPosition++);
          } else {
            rejected++;
          }
        }
        case "poll", "relaxedPoll" -> {
          Integer polled = op.name().equals("poll") ? q.poll() : q.relaxedPoll();
          assertEquals(positions.isEmpty(), polled == null, op.toString());
          if (polled == null) {
            empty++;
          } else if (positions.poll() % interval == 0) {
            timed++;
          }
        }
        case "peek" -> assertEquals(positions.isEmpty(), q.peek() == null);
        case "drain" -> {
          int drained = q.drain(e -> {}, op.arg());
          int expected = Math.min(op.arg(), positions.size());
          assertEquals(expected, drained, op.toString());
          for (int i = 0; i < drained; i++) {
            if (positions.poll() % interval == 0) {
              timed++;
            }
          }
          if (drained == 0 && op.arg() > 0) {
            empty++;
          }
        }
        case "fill" -> {
          int filled = q.fill(() -> 7, op.arg());
          assertEquals(Math.min(op.arg(), capacity - positions.size()), filled, op.toString());
          for (int i = 0; i < filled; i++) {
            positions.add(nextPosition++);
          }
          if (filled == 0 && op.arg() > 0) {
            rejected++;
          }
        }
        case "clear" -> {
          q.clear();
          positions.clear();
        }
        default -> {
          QueueStats stats = q.stats();
          assertEquals(positions.size(), stats.depth());
          assertEquals(rejected, stats.offersRejected());
          assertEquals(empty, stats.pollsEmpty());
          assertEquals(timed, stats.timeInQueue().count());
        }
      }
    }
    QueueStats stats = q.stats();
    assertEquals(positions.size(), stats.depth(), kind);
    assertEquals(capacity, stats.capacity(), kind);
    assertEquals(rejected, stats.offersRejected(), kind);
    assertEquals(empty, stats.pollsEmpty(), kind);
    assertEquals(timed, stats.timeInQueue().count(), kind);
  }

  @Provide
  Arbitrary<String> kinds() {
    return Arbitraries.of("spsc", "mpsc", "wrapper(spsc)");
  }
}
