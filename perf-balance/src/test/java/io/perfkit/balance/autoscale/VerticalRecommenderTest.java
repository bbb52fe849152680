package io.perfkit.balance.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

final class VerticalRecommenderTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final double MIB = 1024 * 1024;

  private static List<UsageSample> cpuEveryMinute(int minutes, double cores) {
    List<UsageSample> s = new ArrayList<>();
    for (int i = 0; i < minutes; i++) {
      s.add(UsageSample.cpu(T0.plusSeconds(60L * i), cores, 1.0));
    }
    return s;
  }

  /** The end of the 5 % bucket holding {@code v} with first bucket {@code first}. */
  private static double bucketEnd(double v, double first) {
    int b = (int) (Math.log(v * 0.05 / first + 1) / Math.log(1.05));
    return first * (Math.pow(1.05, b + 1) - 1) / 0.05;
  }

  @Test
  @DisplayName("target is the p90 bucket end plus 15 % margin, in whole millicores")
  void cpuTarget() {
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(cpuEveryMinute(1440, 0.5), List.of(), 0, 1);
    long base = (long) Math.floor(bucketEnd(0.5, 0.01) * 1000); // 511
    assertEquals(511, base);
    assertEquals((long) Math.floor(base * 1.15), r.cpuTargetMillis());
    assertTrue(r.available());
  }

  @Test
  @DisplayName("confidence scaling: one day of history doubles the upper bound")
  void confidenceOneDay() {
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(cpuEveryMinute(1441, 0.5), List.of(), 0, 1);
    assertEquals(1.0, r.confidence(), 1e-9);
    long withMargin = (long) Math.floor(511 * 1.15);
    assertEquals(2 * withMargin, r.cpuUpperMillis());
    assertEquals((long) Math.floor(withMargin * Math.pow(1.001, -2)), r.cpuLowerMillis());
  }

  @Test
  @DisplayName("confidence scaling: 12 h of history triples the upper bound")
  void confidenceHalfDay() {
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(cpuEveryMinute(721, 0.5), List.of(), 0, 1);
    assertEquals(0.5, r.confidence(), 1e-9);
    assertEquals(3 * (long) Math.floor(511 * 1.15), r.cpuUpperMillis());
  }

  @Test
  @DisplayName("no history span: upper bound at VPA's maximum, lower bound at the minimum")
  void noConfidence() {
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(cpuEveryMinute(1, 0.5), List.of(), 0, 1);
    assertEquals(0.0, r.confidence());
    assertEquals((long) VerticalRecommender.MAX_RESOURCE_AMOUNT, r.cpuUpperMillis());
    assertEquals(25, r.cpuLowerMillis());
  }

  @Test
  @DisplayName("per-pod minimums are split across containers")
  void podMinimums() {
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(cpuEveryMinute(100, 0.0001), List.of(), 0, 2);
    assertEquals(12, r.cpuTargetMillis());
    assertEquals((long) (250 * MIB / 2), r.memoryTargetBytes());
  }

  @Test
  @DisplayName("memory: one peak per 24 h window")
  void memoryPeaks() {
    List<UsageSample> s = new ArrayList<>(cpuEveryMinute(10, 0.5));
    s.add(UsageSample.memory(T0, 100 * MIB, 0));
    s.add(UsageSample.memory(T0.plusSeconds(3600), 300 * MIB, 0));
    s.add(UsageSample.memory(T0.plusSeconds(7200), 200 * MIB, 0));
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(s, List.of(), 0, 1);
    long expected = (long) Math.floor(Math.floor(bucketEnd(300 * MIB, 1e7)) * 1.15);
    assertEquals(expected, r.memoryTargetBytes());
    // The p50 lower bound comes from the same single peak (100 MiB was replaced, not kept),
    // times the low-confidence factor (1 + 0.001 / (10 / 1440))^-2 = 0.76.
    assertTrue(r.memoryLowerBytes() > 200 * MIB, "" + r.memoryLowerBytes());
  }

  @Test
  @DisplayName("OOM bump: max(used + 100 MiB, used x 1.2)")
  void oomBump() {
    List<UsageSample> s = new ArrayList<>(cpuEveryMinute(10, 0.5));
    s.add(UsageSample.memory(T0, 1024 * MIB, 0));
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(s, List.of(T0.plusSeconds(60)), 512 * MIB, 1);
    double needed = 1024 * MIB * 1.2;
    long expected = (long) Math.floor(Math.floor(bucketEnd(needed, 1e7)) * 1.15);
    assertEquals(expected, r.memoryTargetBytes());
  }

  @Test
  @DisplayName("the seed configuration: p95 plus margin")
  void seedConfiguration() {
    List<UsageSample> s = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      s.add(UsageSample.cpu(T0.plusSeconds(60L * i), i < 94 ? 0.1 : 2.0, 1.0));
    }
    VerticalRecommender p95 = VerticalRecommender.builder().targetPercentile(0.95).build();
    VerticalRecommender p90 = VerticalRecommender.builder().build();
    assertTrue(p95.recommend(s, List.of(), 0, 1).cpuTargetMillis()
        > p90.recommend(s, List.of(), 0, 1).cpuTargetMillis());
  }

  @Test
  @DisplayName("decay: a sample 200 half-lives newer outweighs everything; reference renormalised")
  void renormalisation() {
    DecayingHistogram h = new DecayingHistogram(1000, 0.01, 1.05, 1e-4, Duration.ofHours(24));
    h.add(1.0, 1.0, T0);
    h.add(10.0, 1.0, T0.plus(Duration.ofDays(200)));
    assertEquals(bucketEnd(10.0, 0.01), h.percentile(0.01), 1e-9);
    h.add(1.0, 1.0, T0.plus(Duration.ofDays(201)));
    // The newest sample weighs twice the 10.0 one: p50 lands in 1.0's bucket.
    assertEquals(bucketEnd(1.0, 0.01), h.percentile(0.5), 1e-9);
  }

  @Test
  @DisplayName("no samples: no decision; unsorted samples rejected")
  void badInput() {
    VerticalRecommender v = VerticalRecommender.builder().build();
    assertFalse(v.recommend(List.of(), List.of(), 0, 1).available());
    List<UsageSample> unsorted = List.of(UsageSample.cpu(T0.plusSeconds(60), 1, 1),
        UsageSample.cpu(T0, 1, 1));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> v.recommend(unsorted, List.of(), 0, 1));
    assertTrue(e.getMessage().contains("samples[1]"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> UsageSample.cpu(T0, Double.NaN, 1));
    assertThrows(IllegalArgumentException.class, () -> UsageSample.cpu(T0, -1, 1));
    assertThrows(IllegalArgumentException.class, () -> v.recommend(List.of(), List.of(), 0, 0));
    assertThrows(IllegalArgumentException.class,
        () -> v.recommend(List.of(), List.of(T0.plusSeconds(1), T0), 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> v.recommend(List.of(), List.of(), Double.NaN, 1));
  }
}
