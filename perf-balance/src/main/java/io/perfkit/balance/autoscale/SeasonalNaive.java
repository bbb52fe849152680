package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;

/**
 * The seasonal-naive forecaster, the baseline every seasonal model must beat: the forecast for a
 * step is the value one period earlier ({@code ŷ_{t+h} = y_{t+h-km}}, the smallest such k). The
 * interval uses the standard deviation σ of the seasonal differences, widened by {@code sqrt(k)}.
 *
 * <p>Stateless and thread-safe.
 */
public final class SeasonalNaive {
  private SeasonalNaive() {}

  /**
   * Forecasts {@code horizon} steps after {@code y}.
   *
   * @param y the series on a regular grid, at least {@code period + lead} long, finite and
   *     {@code >= 0}
   * @param period the seasonal period in steps, {@code >= 1}
   * @param horizon steps to forecast, {@code >= 1}
   * @param lead the lead time at which {@link Forecast#skill()} is measured, {@code >= 1}
   * @param window how many recent points the skill is measured over, {@code >= 1}
   * @param level the interval's coverage, in {@code (0, 1)}
   * @return the forecast
   * @throws IllegalArgumentException if an argument is out of range or {@code y} is too short
   */
  public static Forecast forecast(double[] y, int period, int horizon, int lead, int window,
      double level) {
    Checks.checkPositive(period, "period");
    Checks.checkPositive(horizon, "horizon");
    Checks.checkPositive(lead, "lead");
    Checks.checkPositive(window, "window");
    int n = y.length;
    Checks.requireArgument(n >= period + lead + 1,
        "history: %d points (expected: >= %d)", n, period + lead + 1);
    double sum = 0;
    double sumSq = 0;
    int count = 0;
    for (int t = period; t < n; t++) {
      Checks.requireArgument(y[t] >= 0 && Double.isFinite(y[t]),
          "y[%d]: %s (expected: finite and >= 0)", t, y[t]);
      double d = y[t] - y[t - period];
      sum += d;
      sumSq += d * d;
      count++;
    }
    double mean = sum / count;
    double sigma = Math.sqrt(Math.max(0, sumSq / count - mean * mean));
    double modelErr = 0;
    double naiveErr = 0;
    for (int t = Math.max(period + lead, n - window); t < n; t++) {
      // Forecast for t made at t - lead: the last value of t's slot known at t - lead.
      int k = (lead + period - 1) / period;
      modelErr += Math.abs(y[t] - y[t - k * period]);
      naiveErr += Math.abs(y[t] - y[t - lead]);
    }
    double z = Normal.quantile(0.5 + level / 2);
    double[] f = new double[horizon];
    double[] lo = new double[horizon];
    double[] hi = new double[horizon];
    for (int h = 1; h <= horizon; h++) {
      int k = (h + period - 1) / period;
      double v = y[n + h - 1 - k * period];
      double half = z * sigma * Math.sqrt(k);
      f[h - 1] = v;
      lo[h - 1] = Math.max(0, v - half);
      hi[h - 1] = v + half;
    }
    return new Forecast("seasonal-naive(" + period + ")", f, lo, hi, level,
        HoltWinters.skill(modelErr, naiveErr));
  }
}
