package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Scales up ahead of predicted load and down only reactively. Each decision forecasts the load
 * over the lead time (the provisioning delay plus one step) with every candidate model — Holt-Winters
 * (additive, and multiplicative on positive data) and seasonal-naive, for each configured seasonal
 * period — and keeps the one with the best recent skill against persistence (see
 * {@link Forecast#skill()}). If that skill reaches the confidence threshold, the forecast asks for
 * {@code ceil(forecast lead steps ahead / (capacityPerReplica * targetUtilization))}
 * replicas; the decision is the larger of that and the reactive recommendation passed in, so a
 * forecast alone never scales down. Below the threshold, or with too little history, the reactive
 * recommendation applies unchanged.
 *
 * <p>Holt-Winters parameters are fitted on each call unless {@link #withModels fitted models} are
 * supplied (refit them as often as you like, for example daily, with {@link #fitModels}).
 *
 * <p>A pure function; immutable and thread-safe.
 */
public final class PredictiveScaler {
  private final double capacityPerReplica;
  private final double targetUtilization;
  private final int lead;
  private final int[] periods;
  private final double confidenceThreshold;
  private final int skillWindow;
  private final int historyWindow;
  private final double intervalLevel;
  private final boolean provisionForUpperBound;
  private final boolean multiplicative;
  private final int minReplicas;
  private final int maxReplicas;
  private final List<HoltWinters> models;
  private final Builder builder;

  private PredictiveScaler(Builder b, List<HoltWinters> models) {
    this.capacityPerReplica = b.capacityPerReplica;
    this.targetUtilization = b.targetUtilization;
    this.lead = b.lead;
    this.periods = b.periods.clone();
    this.confidenceThreshold = b.confidenceThreshold;
    this.skillWindow = b.skillWindow > 0 ? b.skillWindow : Arrays.stream(periods).min().orElse(1);
    this.historyWindow = b.historyWindow > 0
        ? b.historyWindow : 3 * Arrays.stream(periods).max().orElse(1);
    this.intervalLevel = b.intervalLevel;
    this.provisionForUpperBound = b.provisionForUpperBound;
    this.multiplicative = b.multiplicative;
    this.minReplicas = b.minReplicas;
    this.maxReplicas = b.maxReplicas;
    this.models = models;
    this.builder = b;
  }

  /** A builder; {@link Builder#capacityPerReplica} and {@link Builder#periods} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The lead time in steps. */
  public int lead() {
    return lead;
  }

  /**
   * A copy that uses these Holt-Winters models instead of fitting on every call.
   *
   * @param fitted the models (may be empty: then only seasonal-naive is used)
   * @return the copy
   * @throws NullPointerException if {@code fitted} or an element is null
   */
  public PredictiveScaler withModels(List<HoltWinters> fitted) {
    return new PredictiveScaler(builder, List.copyOf(fitted));
  }

  /**
   * Fits the Holt-Winters candidates (each period; additive, and multiplicative when enabled and
   * the data is positive) on the tail of {@code y}. Periods with too little history are skipped.
   *
   * @param y the history on a regular grid
   * @return the fitted models, possibly empty
   * @throws IllegalArgumentException if a value is negative or not finite
   */
  public List<HoltWinters> fitModels(double[] y) {
    double[] tail = tail(y);
    List<HoltWinters> out = new ArrayList<>();
    boolean positive = Arrays.stream(tail).allMatch(v -> v > 0);
    for (int p : periods) {
      if (tail.length < 2 * p + lead) {
        continue;
      }
      out.add(HoltWinters.fit(tail, p, HoltWinters.Seasonality.ADDITIVE));
      if (multiplicative && positive) {
        out.add(HoltWinters.fit(tail, p, HoltWinters.Seasonality.MULTIPLICATIVE));
      }
    }
    return out;
  }

  /**
   * Decides the replica count.
   *
   * @param y the load history on a regular grid (oldest first), each value finite and
   *     {@code >= 0}; see {@link LoadHistory#regular()}
   * @param reactiveReplicas what a reactive scaler (for example {@link HorizontalScaler})
   *     recommends now, {@code >= 0}
   * @return the decision
   * @throws IllegalArgumentException if {@code reactiveReplicas < 0} or a value in {@code y} is
   *     negative or not finite
   * @throws NullPointerException if {@code y} is null
   */
  public PredictiveDecision decide(double[] y, int reactiveReplicas) {
    Checks.requireNonNull(y, "y");
    Checks.checkNonNegative(reactiveReplicas, "reactiveReplicas");
    for (int i = Math.max(0, y.length - historyWindow); i < y.length; i++) {
      Checks.requireArgument(y[i] >= 0 && Double.isFinite(y[i]),
          "y[%d]: %s (expected: finite and >= 0)", i, y[i]);
    }
    int reactive = clamp(reactiveReplicas);
    double[] tail = tail(y);
    List<HoltWinters> candidates = models != null ? models : fitModels(y);
    Forecast best = null;
    for (HoltWinters m : candidates) {
      if (tail.length >= 2 * m.period() + lead) {
        best = better(best, m.forecast(tail, lead, lead, skillWindow, intervalLevel));
      }
    }
    for (int p : periods) {
      if (tail.length >= p + lead + skillWindow) {
        best = better(best,
            SeasonalNaive.forecast(tail, p, lead, lead, skillWindow, intervalLevel));
      }
    }
    if (best == null) {
      return new PredictiveDecision(reactive, PredictiveDecision.Reason.HISTORY_TOO_SHORT,
          reactiveReplicas, -1, null);
    }
    // Capacity requested now serves from `lead` steps on; earlier steps are already decided.
    double peak = provisionForUpperBound ? best.upperAt(lead) : best.at(lead);
    int forecastReplicas = clamp(ReplicaCalculator.ceilToInt(
        peak / (capacityPerReplica * targetUtilization)));
    if (best.skill() < confidenceThreshold) {
      return new PredictiveDecision(reactive, PredictiveDecision.Reason.LOW_CONFIDENCE,
          reactiveReplicas, forecastReplicas, best);
    }
    if (forecastReplicas > reactive) {
      return new PredictiveDecision(forecastReplicas, PredictiveDecision.Reason.FORECAST,
          reactiveReplicas, forecastReplicas, best);
    }
    return new PredictiveDecision(reactive, PredictiveDecision.Reason.REACTIVE, reactiveReplicas,
        forecastReplicas, best);
  }

  private static Forecast better(Forecast a, Forecast b) {
    return a == null || b.skill() > a.skill() ? b : a;
  }

  private double[] tail(double[] y) {
    return y.length <= historyWindow ? y : Arrays.copyOfRange(y, y.length - historyWindow, y.length);
  }

  private int clamp(int r) {
    return Math.max(minReplicas, Math.min(maxReplicas, r));
  }

  /** Builds a {@link PredictiveScaler}. */
  public static final class Builder {
    private double capacityPerReplica = Double.NaN;
    private double targetUtilization = 0.8;
    private int lead = 3;
    private int[] periods;
    private double confidenceThreshold = 0.2;
    private int skillWindow;
    private int historyWindow;
    private double intervalLevel = 0.8;
    private boolean provisionForUpperBound;
    private boolean multiplicative = true;
    private int minReplicas = 1;
    private int maxReplicas = Integer.MAX_VALUE;

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.capacityPerReplica = capacityPerReplica;
      c.targetUtilization = targetUtilization;
      c.lead = lead;
      c.periods = periods.clone();
      c.confidenceThreshold = confidenceThreshold;
      c.skillWindow = skillWindow;
      c.historyWindow = historyWindow;
      c.intervalLevel = intervalLevel;
      c.provisionForUpperBound = provisionForUpperBound;
      c.multiplicative = multiplicative;
      c.minReplicas = minReplicas;
      c.maxReplicas = maxReplicas;
      return c;
    }

    /**
     * The load one replica serves at 100 % utilization, in the history's units (required).
     *
     * @throws IllegalArgumentException if not finite and positive
     */
    public Builder capacityPerReplica(double capacity) {
      this.capacityPerReplica = Checks.checkPositiveFinite(capacity, "capacityPerReplica");
      return this;
    }

    /**
     * The utilization to provision for, in {@code (0, 1]} (default 0.8).
     *
     * @throws IllegalArgumentException if outside {@code (0, 1]}
     */
    public Builder targetUtilization(double target) {
      Checks.requireArgument(target > 0 && target <= 1,
          "targetUtilization: %s (expected: in (0, 1])", target);
      this.targetUtilization = target;
      return this;
    }

    /**
     * The lead time in steps: the provisioning delay plus one (default 3). Replicas requested now
     * serve from this step on, so the forecast this many steps ahead is provisioned for, and skill
     * is measured at this lead.
     *
     * @throws IllegalArgumentException if {@code <= 0}
     */
    public Builder lead(int steps) {
      this.lead = Checks.checkPositive(steps, "lead");
      return this;
    }

    /**
     * The seasonal periods in steps, for example one day and one week (required).
     *
     * @throws IllegalArgumentException if empty or a period is below 2
     */
    public Builder periods(int... stepsPerPeriod) {
      Checks.requireNonNull(stepsPerPeriod, "periods");
      Checks.requireArgument(stepsPerPeriod.length > 0, "periods: [] (expected: at least one)");
      for (int p : stepsPerPeriod) {
        Checks.requireArgument(p >= 2, "periods: %d (expected: >= 2)", p);
      }
      this.periods = stepsPerPeriod.clone();
      return this;
    }

    /**
     * The skill a forecast needs before it may scale up ahead (default 0.2: its recent error at
     * the lead time is at least 20 % below persistence's).
     *
     * @throws IllegalArgumentException if NaN or above 1
     */
    public Builder confidenceThreshold(double threshold) {
      Checks.requireArgument(threshold <= 1 && !Double.isNaN(threshold), "confidenceThreshold: %s (expected: <= 1)", threshold);
      this.confidenceThreshold = threshold;
      return this;
    }

    /**
     * How many recent steps the skill is measured over (default: the shortest period).
     *
     * @throws IllegalArgumentException if {@code <= 0}
     */
    public Builder skillWindow(int steps) {
      this.skillWindow = Checks.checkPositive(steps, "skillWindow");
      return this;
    }

    /**
     * How many recent steps the models run over (default: three of the longest period).
     *
     * @throws IllegalArgumentException if {@code <= 0}
     */
    public Builder historyWindow(int steps) {
      this.historyWindow = Checks.checkPositive(steps, "historyWindow");
      return this;
    }

    /**
     * The prediction interval's coverage, in {@code (0, 1)} (default 0.8).
     *
     * @throws IllegalArgumentException if outside {@code (0, 1)}
     */
    public Builder intervalLevel(double level) {
      Checks.requireArgument(level > 0 && level < 1, "intervalLevel: %s (expected: in (0, 1))",
          level);
      this.intervalLevel = level;
      return this;
    }

    /** Provision for the interval's upper bound instead of the point forecast (default false). */
    public Builder provisionForUpperBound(boolean upper) {
      this.provisionForUpperBound = upper;
      return this;
    }

    /** Whether multiplicative Holt-Winters is a candidate on positive data (default true). */
    public Builder multiplicative(boolean enabled) {
      this.multiplicative = enabled;
      return this;
    }

    /**
     * The minimum replica count (default 1).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder minReplicas(int min) {
      this.minReplicas = Checks.checkNonNegative(min, "minReplicas");
      return this;
    }

    /**
     * The maximum replica count (default unbounded).
     *
     * @throws IllegalArgumentException if {@code <= 0}
     */
    public Builder maxReplicas(int max) {
      this.maxReplicas = Checks.checkPositive(max, "maxReplicas");
      return this;
    }

    /**
     * Builds the scaler.
     *
     * @throws IllegalStateException if the capacity or periods are unset
     * @throws IllegalArgumentException if {@code minReplicas > maxReplicas}
     */
    public PredictiveScaler build() {
      Checks.requireState(!Double.isNaN(capacityPerReplica), "capacityPerReplica: unset");
      Checks.requireState(periods != null, "periods: unset");
      Checks.requireArgument(minReplicas <= maxReplicas,
          "minReplicas: %d (expected: <= maxReplicas %d)", minReplicas, maxReplicas);
      return new PredictiveScaler(copy(), null);
    }
  }
}
