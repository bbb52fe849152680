package io.perfkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

final class RateMeterTest {
  private static final double EPS = 1e-9;

  /** Closed form for a constant rate r, averages starting at 0: r * (1 - e^(-5n / 60M)). */
  static double expected(double ratePerSecond, int ticks, double minutes) {
    return ratePerSecond * (1 - Math.exp(-5.0 * ticks / (60.0 * minutes)));
  }

  @Property(tries = 50)
  void constantRate_matchesClosedForm(@ForAll @IntRange(min = 1, max = 400) int ticks,
      @ForAll @IntRange(min = 0, max = 10_000) int perSecond) {
    FakeTicker ticker = new FakeTicker();
    RateMeter meter = RateMeter.create(ticker);
    for (int i = 0; i < ticks; i++) {
      meter.mark(perSecond * 5L);
      ticker.advance(5, TimeUnit.SECONDS);
      meter.oneMinuteRate(); // tick every interval, as a periodic reader would
    }
    RateSnapshot s = meter.snapshot();
    assertEquals((long) perSecond * 5 * ticks, s.count());
    double tolerance = EPS * Math.max(1, perSecond);
    assertEquals(expected(perSecond, ticks, 1), s.oneMinuteRate(), tolerance);
    assertEquals(expected(perSecond, ticks, 5), s.fiveMinuteRate(), tolerance);
    assertEquals(expected(perSecond, ticks, 15), s.fifteenMinuteRate(), tolerance);
    assertEquals(perSecond, s.meanRate(), tolerance);
  }

  @Test
  void oneMinute_afterOneMinuteAtConstantRate_is63Percent() {
    FakeTicker ticker = new FakeTicker();
    RateMeter meter = RateMeter.create(ticker);
    for (int i = 0; i < 12; i++) {
      meter.mark(500); // 100 per second
      ticker.advance(5, TimeUnit.SECONDS);
      meter.snapshot();
    }
    assertEquals(100 * (1 - Math.exp(-1)), meter.oneMinuteRate(), 1e-9);
  }

  @Test
  void lazyTicks_catchUpInOneRead_andDecay() {
    FakeTicker ticker = new FakeTicker();
    RateMeter meter = RateMeter.create(ticker);
    meter.mark(50); // 10/s over the first interval
    ticker.advance(5, TimeUnit.SECONDS);
    double afterOne = meter.oneMinuteRate();
    assertEquals(10 * (1 - Math.exp(-5.0 / 60)), afterOne, EPS);
    // Nothing for 10 more intervals, read once: decays by e^(-5/60) per interval.
    ticker.advance(50, TimeUnit.SECONDS);
    assertEquals(afterOne * Math.exp(-50.0 / 60), meter.oneMinuteRate(), EPS);
    // A partial interval does not change the rate.
    meter.mark(1_000);
    ticker.advance(4, TimeUnit.SECONDS);
    assertEquals(afterOne * Math.exp(-50.0 / 60), meter.oneMinuteRate(), EPS);
  }

  @Test
  void manyElapsedTicks_attributeEventsToFirstInterval() {
    FakeTicker ticker = new FakeTicker();
    RateMeter meter = RateMeter.create(ticker);
    meter.mark(50);
    ticker.advance(15, TimeUnit.SECONDS); // 3 intervals
    double first = 10 * (1 - Math.exp(-5.0 / 300));
    assertEquals(first * Math.exp(-10.0 / 300), meter.fiveMinuteRate(), EPS);
  }

  @Test
  void noTimePassed_ratesAreZero() {
    RateMeter meter = RateMeter.create(new FakeTicker());
    meter.mark();
    RateSnapshot s = meter.snapshot();
    assertEquals(new RateSnapshot(1, 0.0, 0.0, 0.0, 0.0), s);
    assertEquals(1L, s.toMap().get("count"));
  }

  @Test
  void badInput_throws() {
    assertThrows(NullPointerException.class, () -> RateMeter.create(null));
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RateMeter.create().mark(-1));
    assertEquals("n: -1 (expected: >= 0)", e.getMessage());
  }

  @Test
  void stress_concurrentMarks_exactCount() throws InterruptedException {
    FakeTicker ticker = new FakeTicker();
    RateMeter meter = RateMeter.create(ticker);
    int threads = 4;
    int perThread = 100_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < perThread; i++) {
          meter.mark();
        }
      });
      workers.add(thread);
      thread.start();
    }
    start.countDown();
    for (int i = 0; i < 100; i++) {
      ticker.advance(5, TimeUnit.SECONDS);
      meter.snapshot();
    }
    for (Thread thread : workers) {
      thread.join();
    }
    ticker.advance(5, TimeUnit.SECONDS);
    RateSnapshot s = meter.snapshot();
    assertEquals((long) threads * perThread, s.count());
  }
}
