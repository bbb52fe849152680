package io.perfkit.balance.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

final class PredictiveScalerTest {
  private static final int DAY = 48;

  /** A daily cycle between 100 and 1100, plus optional noise. */
  private static double[] daily(int days, double noise, long seed) {
    Random r = new Random(seed);
    double[] y = new double[days * DAY];
    for (int t = 0; t < y.length; t++) {
      y[t] = 600 + 500 * Math.sin(2 * Math.PI * t / DAY) + noise * r.nextGaussian();
      y[t] = Math.max(0, y[t]);
    }
    return y;
  }

  @Test
  @DisplayName("Holt-Winters additive forecasts a clean daily cycle")
  void holtWintersAdditive() {
    double[] y = daily(10, 0, 1);
    HoltWinters hw = HoltWinters.fit(y, DAY, HoltWinters.Seasonality.ADDITIVE);
    Forecast f = hw.forecast(y, DAY, 3, DAY, 0.8);
    for (int h = 1; h <= DAY; h++) {
      double truth = 600 + 500 * Math.sin(2 * Math.PI * (y.length + h - 1) / DAY);
      assertEquals(truth, f.at(h), 5.0, "h=" + h);
      assertTrue(f.lower()[h - 1] <= f.at(h) && f.at(h) <= f.upperAt(h));
    }
    assertTrue(f.skill() > 0.9, "skill " + f.skill());
  }

  @Test
  @DisplayName("Holt-Winters multiplicative follows a growing amplitude")
  void holtWintersMultiplicative() {
    double[] y = new double[12 * DAY];
    for (int t = 0; t < y.length; t++) {
      double level = 1000 * (1 + t / 2000.0);
      y[t] = level * (1 + 0.5 * Math.sin(2 * Math.PI * t / DAY));
    }
    HoltWinters hw = HoltWinters.fit(y, DAY, HoltWinters.Seasonality.MULTIPLICATIVE);
    Forecast f = hw.forecast(y, 6, 3, DAY, 0.8);
    int t = y.length + 5;
    double truth = 1000 * (1 + t / 2000.0) * (1 + 0.5 * Math.sin(2 * Math.PI * t / DAY));
    assertEquals(truth, f.at(6), truth * 0.03);
  }

  @Test
  @DisplayName("given parameters are used as given")
  void givenParameters() {
    HoltWinters hw = HoltWinters.of(0.3, 0.01, 0.2, DAY, HoltWinters.Seasonality.ADDITIVE);
    assertEquals(0.3, hw.alpha());
    assertEquals("holt-winters-additive(48)", hw.name());
    assertThrows(IllegalArgumentException.class,
        () -> HoltWinters.of(1.5, 0, 0, DAY, HoltWinters.Seasonality.ADDITIVE));
    assertThrows(IllegalArgumentException.class,
        () -> hw.forecast(new double[DAY], 1, 1, 1, 0.8)); // shorter than two periods
  }

  @Test
  @DisplayName("seasonal naive repeats the last period; perfect skill on a periodic series")
  void seasonalNaive() {
    double[] y = daily(4, 0, 1);
    Forecast f = SeasonalNaive.forecast(y, DAY, DAY + 2, 3, DAY, 0.8);
    for (int h = 1; h <= DAY + 2; h++) {
      int k = (h + DAY - 1) / DAY;
      assertEquals(y[y.length + h - 1 - k * DAY], f.at(h), 1e-12);
    }
    assertEquals(1.0, f.skill(), 1e-12);
  }

  @Test
  @DisplayName("normal quantile")
  void normalQuantile() {
    assertEquals(1.959963985, Normal.quantile(0.975), 1e-8);
    assertEquals(-2.326347874, Normal.quantile(0.01), 1e-8);
    assertEquals(0.0, Normal.quantile(0.5), 1e-12);
  }

  private static PredictiveScaler scaler() {
    return PredictiveScaler.builder().capacityPerReplica(100).targetUtilization(0.8).lead(3)
        .periods(DAY).build();
  }

  @Test
  @DisplayName("scales up ahead of a predicted rise when the forecast is skilled")
  void scalesUpAhead() {
    double[] y = daily(6, 10, 7);
    // Cut the history just before the daily rise: the sine climbs from t = 36 (trough) on.
    double[] upToTrough = java.util.Arrays.copyOf(y, 5 * DAY + 38);
    int reactive = (int) Math.ceil(upToTrough[upToTrough.length - 1] / 80);
    PredictiveDecision d = scaler().decide(upToTrough, reactive);
    assertEquals(PredictiveDecision.Reason.FORECAST, d.reason());
    assertTrue(d.replicas() > reactive);
    assertTrue(d.forecast().skill() >= 0.2);
  }

  @Test
  @DisplayName("never scales down on a forecast alone")
  void neverScalesDownOnForecast() {
    double[] y = daily(6, 10, 7);
    double[] beforeFall = java.util.Arrays.copyOf(y, 5 * DAY + 12); // near the peak
    PredictiveDecision d = scaler().decide(beforeFall, 20);
    assertEquals(20, d.replicas());
    assertTrue(d.forecastReplicas() < 20);
  }

  @Test
  @DisplayName("falls back to reactive when the forecast has no skill")
  void lowConfidence() {
    Random r = new Random(3);
    double[] y = new double[6 * DAY];
    for (int t = 0; t < y.length; t++) {
      y[t] = r.nextDouble() < 0.05 ? 5000 * r.nextDouble() : 100 * r.nextDouble();
    }
    PredictiveDecision d = scaler().decide(y, 4);
    assertEquals(PredictiveDecision.Reason.LOW_CONFIDENCE, d.reason());
    assertEquals(4, d.replicas());
  }

  @Test
  @DisplayName("too short a history: reactive")
  void historyTooShort() {
    PredictiveDecision d = scaler().decide(new double[] {1, 2, 3}, 2);
    assertEquals(PredictiveDecision.Reason.HISTORY_TOO_SHORT, d.reason());
    assertEquals(2, d.replicas());
  }

  @Test
  @DisplayName("bad input is rejected with the value named")
  void badInput() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> scaler().decide(new double[] {1, Double.NaN, 3}, 2));
    assertTrue(e.getMessage().contains("y[1]: NaN"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> scaler().decide(new double[] {1, -2}, 2));
    assertThrows(IllegalArgumentException.class, () -> scaler().decide(new double[] {1}, -1));
    assertThrows(IllegalArgumentException.class,
        () -> PredictiveScaler.builder().capacityPerReplica(0));
    assertThrows(IllegalStateException.class, () -> PredictiveScaler.builder().build());
  }

  @Test
  @DisplayName("load history: duplicates, unsorted, NaN, negative and too-short histories rejected")
  void loadHistoryValidation() {
    IllegalArgumentException dup = assertThrows(IllegalArgumentException.class,
        () -> LoadHistory.of(new long[] {0, 300, 300}, new double[] {1, 2, 3}));
    assertTrue(dup.getMessage().contains("duplicate"), dup.getMessage());
    IllegalArgumentException unsorted = assertThrows(IllegalArgumentException.class,
        () -> LoadHistory.of(new long[] {0, 600, 300}, new double[] {1, 2, 3}));
    assertTrue(unsorted.getMessage().contains("timestamps[2]"), unsorted.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> LoadHistory.of(new long[] {0, 300}, new double[] {1, Double.POSITIVE_INFINITY}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadHistory.of(new long[] {0, 300}, new double[] {-1, 1}));
    assertThrows(IllegalArgumentException.class,
        () -> LoadHistory.of(new long[] {0}, new double[] {1}));
    LoadHistory h = LoadHistory.of(new long[] {0, 300, 900, 1200}, new double[] {1, 2, 3, 4});
    assertEquals(300, h.intervalSeconds());
    assertEquals(List.of(1.0, 2.0, 2.0, 3.0, 4.0),
        java.util.Arrays.stream(h.regular()).boxed().toList());
  }

  @Property(tries = 60)
  void neverBelowReactive(
      @ForAll @LongRange(min = 0, max = 1000) long seed,
      @ForAll @IntRange(min = 0, max = 50) int reactive) {
    Random r = new Random(seed);
    double[] y = new double[3 * DAY + r.nextInt(DAY)];
    double scale = 1 + r.nextInt(1000);
    for (int t = 0; t < y.length; t++) {
      y[t] = scale * (1 + Math.sin(2 * Math.PI * t / DAY) + r.nextDouble());
    }
    PredictiveDecision d = scaler().decide(y, reactive);
    assertTrue(d.replicas() >= Math.max(1, reactive));
  }
}
