package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.metrics.LatencySnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The consumer's sample buffer: every sample reaches the recorder exactly once, whether the
 * consumer hands a full batch over or a reader claims the pending ones, also when both race.
 * Values below 2048 are exact in the recorder (3 significant digits), so count and sum identify
 * the multiset recorded.
 */
class PendingTimesTest {

  private static long sum(LatencySnapshot snapshot) {
    return Math.round(snapshot.mean() * snapshot.count());
  }

  @Test
  void samplesWaitForAFullBatchOrAHandOver() {
    LatencyRecorder recorder = LatencyRecorder.create();
    PendingTimes pending = new PendingTimes(recorder);
    for (int i = 0; i < PendingTimes.CAPACITY - 1; i++) {
      pending.add(i);
    }
    assertEquals(0, recorder.snapshot().count(), "a partial batch stays with the consumer");
    pending.add(PendingTimes.CAPACITY - 1);
    assertEquals(PendingTimes.CAPACITY, recorder.snapshot().count(), "a full batch is recorded");
    pending.add(7);
    pending.add(9);
    pending.handOver();
    LatencySnapshot snapshot = recorder.snapshot();
    assertEquals(PendingTimes.CAPACITY + 2, snapshot.count());
    long expected = (long) PendingTimes.CAPACITY * (PendingTimes.CAPACITY - 1) / 2 + 7 + 9;
    assertEquals(expected, sum(snapshot));
    pending.handOver();
    assertEquals(PendingTimes.CAPACITY + 2, recorder.snapshot().count(), "nothing twice");
  }

  @Test
  void aBatchPartlyHandedOverByAReader_isCompletedByTheConsumerWithoutDuplicates() {
    LatencyRecorder recorder = LatencyRecorder.create();
    PendingTimes pending = new PendingTimes(recorder);
    for (int i = 0; i < 5; i++) {
      pending.add(100);
    }
    pending.handOver(); // 5 samples claimed by the reader
    for (int i = 5; i < PendingTimes.CAPACITY; i++) {
      pending.add(200); // the last one completes the batch: the consumer records the other 27
    }
    LatencySnapshot snapshot = recorder.snapshot();
    assertEquals(PendingTimes.CAPACITY, snapshot.count());
    assertEquals(5 * 100 + (PendingTimes.CAPACITY - 5) * 200L, sum(snapshot));
  }

  /** Model: any interleaving of adds and hand-overs records each added value exactly once. */
  @Property(tries = 200)
  void everySampleIsRecordedExactlyOnce(
      @ForAll @Size(max = 200) List<@IntRange(min = -300, max = 2000) Integer> script) {
    LatencyRecorder recorder = LatencyRecorder.create();
    PendingTimes pending = new PendingTimes(recorder);
    List<Integer> added = new ArrayList<>();
    for (int step : script) {
      if (step < 0) {
        pending.handOver(); // a negative step: a reader's hand-over
        LatencySnapshot snapshot = recorder.snapshot();
        assertEquals(added.size(), snapshot.count());
        assertEquals(added.stream().mapToLong(Integer::longValue).sum(), sum(snapshot));
      } else {
        pending.add(step);
        added.add(step);
        // between hand-overs the recorder holds every complete batch and nothing more
        assertTrue(recorder.snapshot().count() <= added.size());
      }
    }
    pending.handOver();
    LatencySnapshot snapshot = recorder.snapshot();
    assertEquals(added.size(), snapshot.count());
    assertEquals(added.stream().mapToLong(Integer::longValue).sum(), sum(snapshot));
  }

  /** A consumer adding while readers hand over concurrently: exact count and sum. */
  @Test
  @Timeout(20)
  void concurrentReaders_neitherLoseNorDuplicateSamples() throws Exception {
    LatencyRecorder recorder = LatencyRecorder.create();
    PendingTimes pending = new PendingTimes(recorder);
    int samples = 2_000_000;
    AtomicBoolean done = new AtomicBoolean();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> readers = new ArrayList<>();
    for (int r = 0; r < 2; r++) {
      Thread reader =
          new Thread(
              () -> {
                try {
                  start.await();
                } catch (InterruptedException e) {
                  return;
                }
                while (!done.get()) {
                  pending.handOver();
                }
              },
              "pending-times-reader-" + r);
      reader.setDaemon(true);
      readers.add(reader);
      reader.start();
    }
    long expectedSum = 0;
    start.countDown();
    for (int i = 0; i < samples; i++) {
      int value = i & 2047;
      pending.add(value);
      expectedSum += value;
    }
    done.set(true);
    for (Thread reader : readers) {
      reader.join();
    }
    pending.handOver();
    LatencySnapshot snapshot = recorder.snapshot();
    assertEquals(samples, snapshot.count());
    assertEquals(expectedSum, sum(snapshot));
  }
}
