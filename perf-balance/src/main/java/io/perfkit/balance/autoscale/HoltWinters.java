package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.util.Locale;

/**
 * Holt-Winters triple exponential smoothing with one seasonal period, additive or multiplicative
 * seasonality, with given or fitted smoothing parameters.
 *
 * <p>Additive: {@code l_t = α (y_t - s_{t-m}) + (1-α)(l_{t-1} + b_{t-1})}, {@code b_t = β (l_t -
 * l_{t-1}) + (1-β) b_{t-1}}, {@code s_t = γ (y_t - l_t) + (1-γ) s_{t-m}}, forecast {@code l_t + h
 * b_t + s_{t+h-m}}. Multiplicative divides by (and multiplies with) the seasonal factor instead.
 * Initial state: the level is the mean of the first period, the trend the difference of the first
 * two periods' means over {@code m}, the seasonal terms the first period's deviations (ratios)
 * from its mean. The prediction interval uses the additive model's variance, {@code σ²(1 +
 * Σ_{j<h} (α(1 + jβ) + γ[j mod m = 0])²)}, with σ the one-step residual standard deviation.
 *
 * <p>{@link #fit} chooses α, β, γ from a fixed grid by the smallest one-step squared error.
 *
 * <p>Immutable and thread-safe; every method is a pure function of its arguments.
 *
 * @see Forecast#skill()
 */
public final class HoltWinters {
  private static final double[] ALPHAS = {0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9};
  private static final double[] BETAS = {0.0, 0.01, 0.05};
  private static final double[] GAMMAS = {0.05, 0.1, 0.2, 0.4};
  private static final double TINY = 1e-9;

  /** How the seasonal term combines with the level. */
  public enum Seasonality {
    /** {@code level + trend + season}. */
    ADDITIVE,
    /** {@code (level + trend) * season}; needs positive data. */
    MULTIPLICATIVE
  }

  private final double alpha;
  private final double beta;
  private final double gamma;
  private final int period;
  private final Seasonality seasonality;

  private HoltWinters(double alpha, double beta, double gamma, int period, Seasonality s) {
    this.alpha = alpha;
    this.beta = beta;
    this.gamma = gamma;
    this.period = period;
    this.seasonality = s;
  }

  /**
   * A model with given parameters.
   *
   * @param alpha level smoothing, in {@code [0, 1]}
   * @param beta trend smoothing, in {@code [0, 1]}
   * @param gamma seasonal smoothing, in {@code [0, 1]}
   * @param period the seasonal period in steps, {@code >= 2}
   * @param seasonality additive or multiplicative
   * @return the model
   * @throws IllegalArgumentException if a parameter is out of range or NaN
   * @throws NullPointerException if {@code seasonality} is null
   */
  public static HoltWinters of(double alpha, double beta, double gamma, int period,
      Seasonality seasonality) {
    checkUnit(alpha, "alpha");
    checkUnit(beta, "beta");
    checkUnit(gamma, "gamma");
    Checks.requireArgument(period >= 2, "period: %d (expected: >= 2)", period);
    Checks.requireNonNull(seasonality, "seasonality");
    return new HoltWinters(alpha, beta, gamma, period, seasonality);
  }

  private static void checkUnit(double v, String name) {
    Checks.requireArgument(v >= 0 && v <= 1, "%s: %s (expected: in [0, 1])", name, v);
  }

  /**
   * Fits α, β, γ on {@code y} by grid search on the one-step squared error.
   *
   * @param y the series on a regular grid, finite and {@code >= 0}, at least two periods long
   * @param period the seasonal period in steps, {@code >= 2}
   * @param seasonality additive or multiplicative (multiplicative needs positive period means)
   * @return the fitted model
   * @throws IllegalArgumentException if {@code y} is shorter than two periods, holds a negative
   *     or non-finite value, or (multiplicative) a period mean is not positive
   */
  public static HoltWinters fit(double[] y, int period, Seasonality seasonality) {
    HoltWinters best = null;
    double bestSse = Double.POSITIVE_INFINITY;
    for (double a : ALPHAS) {
      for (double b : BETAS) {
        for (double g : GAMMAS) {
          HoltWinters m = of(a, b, g, period, seasonality);
          double sse = m.run(y, 1, 0).sse;
          if (sse < bestSse || best == null) {
            bestSse = sse;
            best = m;
          }
        }
      }
    }
    return best;
  }

  /** The level smoothing parameter. */
  public double alpha() {
    return alpha;
  }

  /** The trend smoothing parameter. */
  public double beta() {
    return beta;
  }

  /** The seasonal smoothing parameter. */
  public double gamma() {
    return gamma;
  }

  /** The seasonal period in steps. */
  public int period() {
    return period;
  }

  /** Additive or multiplicative. */
  public Seasonality seasonality() {
    return seasonality;
  }

  /** A short name with the period, for reports. */
  public String name() {
    return "holt-winters-" + seasonality.name().toLowerCase(Locale.ROOT) + "(" + period + ")";
  }

  /**
   * Runs the model over {@code y} and forecasts {@code horizon} steps.
   *
   * @param y the series on a regular grid, at least two periods long
   * @param horizon steps to forecast, {@code >= 1}
   * @param lead the lead time at which {@link Forecast#skill()} is measured, {@code >= 1}
   * @param window how many recent points the skill is measured over, {@code >= 1}
   * @param level the prediction interval's coverage, in {@code (0, 1)}
   * @return the forecast
   * @throws IllegalArgumentException if an argument is out of range or {@code y} is invalid
   */
  public Forecast forecast(double[] y, int horizon, int lead, int window, double level) {
    Checks.checkPositive(horizon, "horizon");
    Checks.checkPositive(lead, "lead");
    Checks.checkPositive(window, "window");
    double z = Normal.quantile(0.5 + level / 2);
    Run r = run(y, lead, window);
    double[] mean = new double[horizon];
    double[] lower = new double[horizon];
    double[] upper = new double[horizon];
    double cumulative = 0;
    for (int h = 1; h <= horizon; h++) {
      double season = r.season[Math.floorMod(y.length + h - 1, period)];
      double base = r.level + h * r.trend;
      double f = seasonality == Seasonality.ADDITIVE ? base + season : base * season;
      if (h > 1) {
        int j = h - 1;
        double c = alpha * (1 + j * beta) + (j % period == 0 ? gamma : 0);
        cumulative += c * c;
      }
      double half = z * r.sigma * Math.sqrt(1 + cumulative);
      mean[h - 1] = Math.max(0, f);
      lower[h - 1] = Math.max(0, f - half);
      upper[h - 1] = Math.max(0, f + half);
    }
    return new Forecast(name(), mean, lower, upper, level, skill(r.leadModelError, r.leadNaiveError));
  }

  static double skill(double modelError, double naiveError) {
    if (!(naiveError > 0)) {
      return 0;
    }
    return 1 - modelError / naiveError;
  }

  private static final class Run {
    double level;
    double trend;
    double[] season;
    double sse;
    double sigma;
    double leadModelError;
    double leadNaiveError;
  }

  /**
   * The smoothing recursion. Also accumulates the lead-{@code lead} forecast error and the
   * persistence error over the last {@code window} points (window 0: skip).
   */
  private Run run(double[] y, int lead, int window) {
    int m = period;
    Checks.requireArgument(y.length >= 2 * m,
        "history: %d points (expected: >= %d, two seasonal periods)", y.length, 2 * m);
    boolean mult = seasonality == Seasonality.MULTIPLICATIVE;
    double mean1 = 0;
    double mean2 = 0;
    for (int i = 0; i < m; i++) {
      double v = y[i];
      double w = y[i + m];
      Checks.requireArgument(v >= 0 && Double.isFinite(v), "y[%d]: %s (expected: finite and >= 0)", i, v);
      Checks.requireArgument(w >= 0 && Double.isFinite(w), "y[%d]: %s (expected: finite and >= 0)", i + m, w);
      mean1 += v;
      mean2 += w;
    }
    mean1 /= m;
    mean2 /= m;
    if (mult) {
      Checks.requireArgument(mean1 > 0 && mean2 > 0,
          "y: period mean %s (expected: > 0 for multiplicative seasonality)", Math.min(mean1, mean2));
    }
    double level = mean1;
    double trend = (mean2 - mean1) / m;
    double[] season = new double[m];
    for (int i = 0; i < m; i++) {
      season[i] = mult ? Math.max(TINY, y[i] / mean1) : y[i] - mean1;
    }
    // Ring buffers of level and trend for lead-time forecasts.
    int ring = lead + 1;
    double[] levels = new double[ring];
    double[] trends = new double[ring];
    double sse = 0;
    int count = 0;
    double modelErr = 0;
    double naiveErr = 0;
    int windowStart = Math.max(m + lead, y.length - window);
    // The first period initialised the state; smoothing starts at index m.
    for (int t = m; t < y.length; t++) {
      double v = y[t];
      Checks.requireArgument(v >= 0 && Double.isFinite(v), "y[%d]: %s (expected: finite and >= 0)", t, v);
      int slot = t % m;
      double s = season[slot];
      double oneStep = mult ? (level + trend) * s : level + trend + s;
      double e = v - oneStep;
      sse += e * e;
      count++;
      if (window > 0 && t >= windowStart && t - lead >= m) {
        // Forecast made at t - lead; the seasonal term for this slot was last updated at t - m,
        // which is no later than t - lead when lead <= m.
        int k = (t - lead) % ring;
        double base = levels[k] + lead * trends[k];
        double f = Math.max(0, mult ? base * s : base + s);
        modelErr += Math.abs(v - f);
        naiveErr += Math.abs(v - y[t - lead]);
      }
      double prevLevel = level;
      if (mult) {
        level = alpha * (v / s) + (1 - alpha) * (level + trend);
        level = Math.max(level, TINY);
        trend = beta * (level - prevLevel) + (1 - beta) * trend;
        season[slot] = Math.max(TINY, gamma * (v / level) + (1 - gamma) * s);
      } else {
        level = alpha * (v - s) + (1 - alpha) * (level + trend);
        trend = beta * (level - prevLevel) + (1 - beta) * trend;
        season[slot] = gamma * (v - level) + (1 - gamma) * s;
      }
      levels[t % ring] = level;
      trends[t % ring] = trend;
    }
    Run r = new Run();
    r.level = level;
    r.trend = trend;
    r.season = season;
    r.sse = sse;
    r.sigma = count > 1 ? Math.sqrt(sse / (count - 1)) : 0;
    r.leadModelError = modelErr;
    r.leadNaiveError = naiveErr;
    return r;
  }
}
