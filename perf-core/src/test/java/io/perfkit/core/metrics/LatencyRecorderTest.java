package io.perfkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

final class LatencyRecorderTest {

  /** Exact percentile on a sorted array, HdrHistogram's rank rule. */
  static long exactPercentile(long[] sorted, double percentile) {
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * sorted.length));
    return sorted[(int) rank - 1];
  }

  static void assertWithinPrecision(long exact, long actual, int digits, String what) {
    // HdrHistogram reports the highest equivalent value: never below exact, above by < exact/10^(d)
    // (the bucket width is at most exact / 10^digits, rounded up to a power of two fraction).
    double tolerance = Math.max(1.0, exact / Math.pow(10, digits)) * 2;
    assertTrue(actual >= exact && actual - exact <= tolerance,
        what + ": exact " + exact + " vs reported " + actual + " (tolerance " + tolerance + ")");
  }

  @Property(tries = 200)
  void percentiles_matchSortedModel(
      @ForAll @Size(min = 1, max = 300) List<@LongRange(min = 0, max = 10_000_000_000L) Long> values,
      @ForAll @IntRange(min = 1, max = 4) int digits) {
    LatencyRecorder recorder = LatencyRecorder.newBuilder().significantDigits(digits).build();
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    for (long v : sorted) {
      recorder.record(v);
    }
    Arrays.sort(sorted);
    LatencySnapshot s = recorder.snapshot();
    assertEquals(sorted.length, s.count());
    assertWithinPrecision(sorted[sorted.length - 1], s.max(), digits, "max");
    assertWithinPrecision(exactPercentile(sorted, 50), s.p50(), digits, "p50");
    assertWithinPrecision(exactPercentile(sorted, 90), s.p90(), digits, "p90");
    assertWithinPrecision(exactPercentile(sorted, 95), s.p95(), digits, "p95");
    assertWithinPrecision(exactPercentile(sorted, 99), s.p99(), digits, "p99");
    assertWithinPrecision(exactPercentile(sorted, 99.9), s.p999(), digits, "p999");
    for (double p : new double[] {0.0, 12.5, 33.3, 75, 100}) {
      assertWithinPrecision(exactPercentile(sorted, p), s.percentile(p), digits, "p" + p);
    }
    double exactMean = Arrays.stream(sorted).average().orElse(0);
    assertEquals(exactMean, s.mean(), Math.max(1.0, exactMean / Math.pow(10, digits)) * 2);
    assertTrue(s.min() <= sorted[0] + Math.max(1, sorted[0] / Math.pow(10, digits)) * 2
        && s.min() >= sorted[0] - Math.max(1, sorted[0] / Math.pow(10, digits)) * 2);
  }

  @Property(tries = 100)
  void percentiles_matchHdrHistogram(
      @ForAll @Size(min = 1, max = 200) List<@LongRange(min = 0, max = 1_000_000_000L) Long> values) {
    LatencyRecorder recorder = LatencyRecorder.create();
    Histogram model = new Histogram(3);
    model.setAutoResize(true);
    for (long v : values) {
      recorder.record(v);
      model.recordValue(v);
    }
    LatencySnapshot s = recorder.snapshot();
    assertEquals(model.getTotalCount(), s.count());
    assertEquals(model.getMaxValue(), s.max());
    assertEquals(model.getMinValue(), s.min());
    assertEquals(model.getMean(), s.mean(), 1e-9 * Math.max(1, model.getMean()));
    assertEquals(model.getStdDeviation(), s.stdDev(), 1e-9 * Math.max(1, model.getStdDeviation()));
    for (double p : new double[] {1, 50, 90, 95, 99, 99.9, 100}) {
      assertEquals(Math.min(model.getValueAtPercentile(p), model.getMaxValue()), s.percentile(p),
          "p" + p);
    }
  }

  @Test
  void snapshot_empty() {
    LatencySnapshot s = LatencyRecorder.create().snapshot();
    assertEquals(LatencySnapshot.empty(), s);
    assertEquals(0, s.count());
    assertEquals(0, s.p99());
    assertEquals(0, s.percentile(50));
  }

  @Test
  void intervalSnapshot_splitsWithoutLossAndSnapshotAccumulates() {
    LatencyRecorder recorder = LatencyRecorder.create();
    recorder.record(100);
    recorder.record(200);
    assertEquals(2, recorder.intervalSnapshot().count());
    recorder.record(300);
    assertEquals(3, recorder.snapshot().count());
    LatencySnapshot second = recorder.intervalSnapshot();
    assertEquals(1, second.count());
    assertEquals(300, second.max(), 1);
    assertEquals(0, recorder.intervalSnapshot().count());
    assertEquals(3, recorder.snapshot().count());
  }

  @Test
  void reset_discardsEverything() {
    LatencyRecorder recorder = LatencyRecorder.create();
    recorder.record(5);
    recorder.reset();
    assertEquals(0, recorder.snapshot().count());
    assertEquals(0, recorder.intervalSnapshot().count());
    recorder.record(7);
    assertEquals(1, recorder.snapshot().count());
  }

  @Test
  void record_aboveHighest_isClampedAndCounted() {
    LatencyRecorder recorder = LatencyRecorder.newBuilder().highestTrackableValue(1000).build();
    recorder.record(5000);
    recorder.record(10);
    LatencySnapshot s = recorder.snapshot();
    assertEquals(2, s.count());
    assertEquals(1, s.clampedCount());
    assertEquals(1000, s.max(), 1);
    assertEquals(1, recorder.intervalSnapshot().clampedCount());
    assertEquals(0, recorder.intervalSnapshot().clampedCount());
  }

  @Test
  void record_negative_throws() {
    LatencyRecorder recorder = LatencyRecorder.create();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recorder.record(-1));
    assertEquals("nanos: -1 (expected: >= 0)", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> recorder.recordWithExpectedInterval(-1, 5));
    assertThrows(IllegalArgumentException.class, () -> recorder.recordWithExpectedInterval(1, -5));
  }

  @Test
  void recordWithExpectedInterval_addsSyntheticSamplesLikeHdrHistogram() {
    LatencyRecorder recorder = LatencyRecorder.create();
    Histogram model = new Histogram(3);
    recorder.recordWithExpectedInterval(1_000, 100);
    model.recordValueWithExpectedInterval(1_000, 100);
    assertEquals(10, recorder.snapshot().count());
    assertEquals(model.getTotalCount(), recorder.snapshot().count());
    assertEquals(model.getValueAtPercentile(50), recorder.snapshot().p50());
  }

  @Test
  void builderExpectedInterval_appliesToRecord() {
    LatencyRecorder recorder =
        LatencyRecorder.newBuilder().expectedInterval(Duration.ofNanos(100)).build();
    recorder.record(1_000);
    recorder.record(50);
    assertEquals(11, recorder.snapshot().count());
  }

  @Test
  void percentile_badInput_throws() {
    LatencySnapshot s = LatencyRecorder.create().snapshot();
    assertThrows(IllegalArgumentException.class, () -> s.percentile(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> s.percentile(-0.1));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> s.percentile(100.5));
    assertEquals("percentile: 100.5 (expected: in [0.0, 100.0])", e.getMessage());
  }

  @Test
  void builder_badInput_throws() {
    assertThrows(IllegalArgumentException.class,
        () -> LatencyRecorder.newBuilder().highestTrackableValue(1));
    assertThrows(IllegalArgumentException.class,
        () -> LatencyRecorder.newBuilder().highestTrackableValue(Duration.ofNanos(-5)));
    assertThrows(NullPointerException.class,
        () -> LatencyRecorder.newBuilder().highestTrackableValue((Duration) null));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> LatencyRecorder.newBuilder().significantDigits(6));
    assertEquals("significantDigits: 6 (expected: in [0, 5])", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> LatencyRecorder.newBuilder().stripes(3));
    assertThrows(IllegalArgumentException.class,
        () -> LatencyRecorder.newBuilder().stripes(0));
    assertThrows(IllegalArgumentException.class,
        () -> LatencyRecorder.newBuilder().expectedInterval(Duration.ZERO));
    assertThrows(IllegalStateException.class,
        () -> LatencyRecorder.newBuilder().significantDigits(2).significantDigits(3));
    assertThrows(IllegalStateException.class,
        () -> LatencyRecorder.newBuilder().stripes(2).stripes(4));
  }

  @Test
  void builder_defaults() {
    LatencyRecorder recorder = LatencyRecorder.create();
    assertEquals(LatencyRecorder.DEFAULT_HIGHEST_TRACKABLE_VALUE, recorder.highestTrackableValue());
    assertEquals(3, recorder.significantDigits());
    assertTrue(Integer.bitCount(recorder.stripes()) == 1 && recorder.stripes() >= 2);
    assertEquals(1, LatencyRecorder.newBuilder().stripes(1).build().stripes());
  }

  @Test
  void deadThreads_valuesAreKept() throws InterruptedException {
    LatencyRecorder recorder = LatencyRecorder.newBuilder().stripes(4).build();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 20; t++) {
      Thread thread = new Thread(() -> {
        for (int i = 0; i < 100; i++) {
          recorder.record(i);
        }
      });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(2_000, recorder.snapshot().count());
  }

  @Test
  void stress_concurrentWritersAndIntervalReader_noLossNoDuplication() throws Exception {
    int threads = 4;
    int perThread = 200_000;
    // 2 stripes for 4 threads: shared stripes are exercised too.
    LatencyRecorder recorder = LatencyRecorder.newBuilder().stripes(2).build();
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean done = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < perThread; i++) {
          recorder.record(1_000 + (i & 1023));
        }
      });
      writers.add(thread);
      thread.start();
    }
    long[] intervalTotal = new long[1];
    Thread reader = new Thread(() -> {
      while (!done.get()) {
        intervalTotal[0] += recorder.intervalSnapshot().count();
        recorder.snapshot();
      }
    });
    reader.start();
    start.countDown();
    for (Thread thread : writers) {
      thread.join();
    }
    done.set(true);
    reader.join();
    intervalTotal[0] += recorder.intervalSnapshot().count();
    assertEquals((long) threads * perThread, intervalTotal[0]);
    LatencySnapshot total = recorder.snapshot();
    assertEquals((long) threads * perThread, total.count());
    assertEquals(1_000, total.min());
    assertEquals(2_023, total.max(), 2);
  }

  @Test
  void toMap_andToString() {
    LatencyRecorder recorder = LatencyRecorder.create();
    recorder.record(42);
    LatencySnapshot s = recorder.snapshot();
    assertEquals(1L, s.toMap().get("count"));
    assertEquals(42L, s.toMap().get("p99"));
    assertEquals(List.of("count", "min", "max", "mean", "stdDev", "p50", "p90", "p95", "p99", "p999",
        "clamped"), new ArrayList<>(s.toMap().keySet()));
    assertTrue(s.toString().contains("p99=42"), s.toString());
    assertThrows(UnsupportedOperationException.class, () -> s.toMap().put("x", 1));
  }
}
