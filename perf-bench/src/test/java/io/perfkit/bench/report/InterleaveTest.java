package io.perfkit.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.bench.report.Interleave.ForkScore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class InterleaveTest {

  private static ForkScore fork(int order, String side, double score, boolean higher) {
    return new ForkScore(order, "12:00:00", "1.0", side, "B.m [kind=spsc]", "ops/us", higher, score);
  }

  @Test
  void median_oddAndEven() {
    assertEquals(2.0, Interleave.median(new double[] {3, 1, 2}), 0);
    assertEquals(2.5, Interleave.median(new double[] {4, 1, 3, 2}), 0);
    assertTrue(Double.isNaN(Interleave.median(new double[0])));
  }

  @Test
  void ratio_aboveOneMeansAFaster_forBothModes() {
    assertEquals(2.0, Interleave.ratio(20, 10, true), 1e-12);
    assertEquals(2.0, Interleave.ratio(10, 20, false), 1e-12);
  }

  @Test
  void summary_givesMeansMediansAndPerRoundRatios() {
    // round 1 (forks 1-4, A B B A): A 100, 140 vs B 100, 100 -> 1.2
    // round 2 (forks 5-8): A 50, 50 vs B 100, 100 -> 0.5 (a slow spell hits A only)
    List<ForkScore> scores = new ArrayList<>(List.of(
        fork(1, "a", 100, true), fork(2, "b", 100, true), fork(3, "b", 100, true),
        fork(4, "a", 140, true), fork(5, "a", 50, true), fork(6, "b", 100, true),
        fork(7, "b", 100, true), fork(8, "a", 50, true)));
    String summary = Interleave.summary(scores, "impl", new String[] {"a", "b"}, 2);
    // means 85 vs 100 -> 0.850; medians 75 vs 100 -> 0.750; per-round ratios 1.2 and 0.5 -> 0.850
    assertTrue(summary.contains("| 85.000 | 100.000 | 0.850 | 0.750 | 0.850 |"), summary);
    assertTrue(summary.contains("| 100, 140, 50.0, 50.0 | 100, 100, 100, 100 |"), summary);
  }
}
