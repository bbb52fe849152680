package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A horizontal scaler that reproduces Kubernetes' horizontal pod autoscaler, decision for decision:
 * the replica calculator ({@code replica_calculator.go}) for each metric, the maximum over metrics,
 * then the controller's normalisation ({@code horizontal.go}): min/max replicas, and either the
 * legacy rules (down-scale stabilisation window, scale-up limit {@code max(2 * current, 4)}) or,
 * when a {@link ScalingBehavior} is set, stabilisation windows in both directions and
 * rate-limiting policies over the recorded scale events.
 *
 * <pre>{@code
 * HorizontalScaler hpa = HorizontalScaler.builder().minReplicas(2).maxReplicas(20).build();
 * ScalingHistory history = ScalingHistory.empty();
 * HorizontalDecision d = hpa.decide(HorizontalInput.of(current, pods, metrics, now), history);
 * history = d.history();            // keep for the next decision
 * scaleTo(d.desiredReplicas());
 * }</pre>
 *
 * <p>A pure function: no clocks (time comes in {@link HorizontalInput#now()}), no threads, no
 * mutable state (the controller's memory is the {@link ScalingHistory} passed in and returned).
 * Instances are immutable and thread-safe.
 *
 * <p>Numeric deviations from Go, all at values no Kubernetes API object can hold sensibly: sums of
 * milli-values are exact instead of wrapping at {@code Long.MAX_VALUE}, and conversions to replica
 * counts saturate at {@code Integer.MAX_VALUE} instead of wrapping, so no result is ever negative.
 */
public final class HorizontalScaler {
  /** The legacy scale-up limit factor. */
  static final double SCALE_UP_LIMIT_FACTOR = 2.0;
  /** The legacy scale-up limit minimum. */
  static final double SCALE_UP_LIMIT_MINIMUM = 4.0;

  private final int minReplicas;
  private final int maxReplicas;
  private final double tolerance;
  private final Duration downscaleStabilization;
  private final ScalingBehavior behavior;
  private final ReplicaCalculator calculator;

  private HorizontalScaler(Builder b) {
    this.minReplicas = b.minReplicas;
    this.maxReplicas = b.maxReplicas;
    this.tolerance = b.tolerance;
    this.downscaleStabilization = b.downscaleStabilization;
    this.behavior = b.behavior == null ? null : b.behavior.withDefaults();
    double up = Double.isNaN(b.toleranceUp) ? tolerance : b.toleranceUp;
    double down = Double.isNaN(b.toleranceDown) ? tolerance : b.toleranceDown;
    if (behavior != null) {
      if (behavior.scaleUp().tolerance() != null) {
        up = behavior.scaleUp().tolerance();
      }
      if (behavior.scaleDown().tolerance() != null) {
        down = behavior.scaleDown().tolerance();
      }
    }
    this.calculator =
        new ReplicaCalculator(up, down, b.cpuInitializationPeriod, b.initialReadinessDelay);
  }

  ReplicaCalculator calculator() {
    return calculator;
  }

  /** A builder with Kubernetes' defaults; {@link Builder#maxReplicas(int)} must be set. */
  public static Builder builder() {
    return new Builder();
  }

  /** The minimum replica count. */
  public int minReplicas() {
    return minReplicas;
  }

  /** The maximum replica count. */
  public int maxReplicas() {
    return maxReplicas;
  }

  /** The behavior with Kubernetes' defaults applied, or null for the legacy rules. */
  public ScalingBehavior behavior() {
    return behavior;
  }

  /**
   * Evaluates one metric as Kubernetes' replica calculator does, without normalisation.
   *
   * @param metric the metric with its target and observations
   * @param input the pods, replica counts and time ({@code input.metrics()} is not used)
   * @return the proposal; invalid (with an error) when Kubernetes would return an error
   * @throws NullPointerException if an argument is null
   */
  public ReplicaProposal propose(Metric metric, HorizontalInput input) {
    Checks.requireNonNull(metric, "metric");
    Checks.requireNonNull(input, "input");
    return calculator.propose(metric, input);
  }

  /**
   * Makes one scaling decision, as one reconcile of Kubernetes' HPA controller.
   *
   * @param input the observations and the decision time
   * @param history the history returned by the previous decision ({@link ScalingHistory#empty()}
   *     the first time)
   * @return the decision, including the updated history
   * @throws NullPointerException if an argument is null
   */
  public HorizontalDecision decide(HorizontalInput input, ScalingHistory history) {
    Checks.requireNonNull(input, "input");
    Checks.requireNonNull(history, "history");
    int current = input.currentReplicas();
    Instant now = input.now();
    if (current == 0 && minReplicas != 0) {
      return fixed(input, history, current, HorizontalDecision.Outcome.SCALING_DISABLED,
          List.of(), "scaling is disabled since the replica count of the target is zero");
    }
    if (current > maxReplicas) {
      return fixed(input, history, maxReplicas, HorizontalDecision.Outcome.ABOVE_MAX_REPLICAS,
          List.of(), "current number of replicas above maxReplicas");
    }
    if (current < minReplicas) {
      return fixed(input, history, minReplicas, HorizontalDecision.Outcome.BELOW_MIN_REPLICAS,
          List.of(), "current number of replicas below minReplicas");
    }

    // computeReplicasForMetrics: the maximum over valid metrics.
    List<ReplicaProposal> proposals = new ArrayList<>(input.metrics().size());
    int replicas = 0;
    String metricName = "";
    int invalid = 0;
    String firstError = "no metrics configured";
    for (Metric m : input.metrics()) {
      ReplicaProposal p = calculator.propose(m, input);
      proposals.add(p);
      if (!p.valid()) {
        if (invalid == 0) {
          firstError = "invalid metric " + p.metric() + ": " + p.error();
        }
        invalid++;
        continue;
      }
      if (replicas == 0 || p.replicas() > replicas) {
        replicas = p.replicas();
        metricName = p.metric();
      }
    }
    if (invalid >= input.metrics().size() || (invalid > 0 && replicas < current)) {
      return new HorizontalDecision(current, current, -1, "",
          HorizontalDecision.Outcome.NO_DECISION, HorizontalDecision.Stabilization.NOT_APPLIED,
          HorizontalDecision.Limit.DESIRED_WITHIN_RANGE, false, proposals, history, firstError);
    }
    int desired = Math.max(0, replicas);
    return behavior == null
        ? normalizeLegacy(input, history, proposals, desired, metricName, now)
        : normalizeWithBehavior(input, history, proposals, desired, metricName, now);
  }

  private HorizontalDecision fixed(HorizontalInput in, ScalingHistory history, int desired,
      HorizontalDecision.Outcome outcome, List<ReplicaProposal> proposals, String message) {
    ScalingHistory next = history.withScaleEvent(behavior, in.currentReplicas(), desired, in.now());
    return new HorizontalDecision(in.currentReplicas(), desired, -1, "", outcome,
        HorizontalDecision.Stabilization.NOT_APPLIED, HorizontalDecision.Limit.DESIRED_WITHIN_RANGE,
        false, proposals, next, message);
  }

  /* ---------------- legacy path (no behavior) ---------------- */

  private HorizontalDecision normalizeLegacy(HorizontalInput in, ScalingHistory history,
      List<ReplicaProposal> proposals, int prenormalized, String metric, Instant now) {
    // stabilizeRecommendation: the highest recommendation inside the window (cutoff inclusive).
    Instant cutoff = now.minus(downscaleStabilization);
    int max = prenormalized;
    int oldIndex = -1;
    List<ScalingHistory.Recommendation> recs = new ArrayList<>(history.recommendations());
    for (int i = 0; i < recs.size(); i++) {
      ScalingHistory.Recommendation r = recs.get(i);
      if (r.time().isBefore(cutoff)) {
        oldIndex = i;
      } else if (r.replicas() > max) {
        max = r.replicas();
      }
    }
    ScalingHistory.Recommendation record = new ScalingHistory.Recommendation(prenormalized, now);
    if (oldIndex >= 0) {
      recs.set(oldIndex, record);
    } else {
      recs.add(record);
    }
    int stabilized = max;
    HorizontalDecision.Stabilization stab = stabilized != prenormalized
        ? HorizontalDecision.Stabilization.SCALE_DOWN_STABILIZED
        : HorizontalDecision.Stabilization.READY_FOR_NEW_SCALE;

    // convertDesiredReplicasWithRules.
    int current = in.currentReplicas();
    int scaleUpLimit = (int) Math.max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM);
    int maximumAllowed;
    HorizontalDecision.Limit possible;
    if (maxReplicas > scaleUpLimit) {
      maximumAllowed = scaleUpLimit;
      possible = HorizontalDecision.Limit.SCALE_UP_LIMIT;
    } else {
      maximumAllowed = maxReplicas;
      possible = HorizontalDecision.Limit.TOO_MANY_REPLICAS;
    }
    int desired;
    HorizontalDecision.Limit limit;
    if (stabilized < minReplicas) {
      desired = minReplicas;
      limit = HorizontalDecision.Limit.TOO_FEW_REPLICAS;
    } else if (stabilized > maximumAllowed) {
      desired = maximumAllowed;
      limit = possible;
    } else {
      desired = stabilized;
      limit = HorizontalDecision.Limit.DESIRED_WITHIN_RANGE;
    }
    ScalingHistory next = history.withRecommendations(recs);
    return new HorizontalDecision(current, desired, prenormalized, metric,
        HorizontalDecision.Outcome.NORMALIZED, stab, limit, desired != stabilized, proposals, next,
        message(current, prenormalized, stabilized, desired, stab, limit));
  }

  /* ---------------- behavior path ---------------- */

  private HorizontalDecision normalizeWithBehavior(HorizontalInput in, ScalingHistory history,
      List<ReplicaProposal> proposals, int prenormalized, String metric, Instant now) {
    ScalingRules upRules = behavior.scaleUp();
    ScalingRules downRules = behavior.scaleDown();
    Duration upWindow = upRules.stabilizationWindow();
    Duration downWindow = downRules.stabilizationWindow() != null
        ? downRules.stabilizationWindow() : downscaleStabilization;
    int current = in.currentReplicas();

    // stabilizeRecommendationWithBehaviors.
    Instant upCutoff = now.minus(upWindow);
    Instant downCutoff = now.minus(downWindow);
    int upRecommendation = prenormalized;
    int downRecommendation = prenormalized;
    int oldIndex = -1;
    List<ScalingHistory.Recommendation> recs = new ArrayList<>(history.recommendations());
    for (int i = 0; i < recs.size(); i++) {
      ScalingHistory.Recommendation r = recs.get(i);
      if (r.time().isAfter(upCutoff)) {
        upRecommendation = Math.min(r.replicas(), upRecommendation);
      }
      if (r.time().isAfter(downCutoff)) {
        downRecommendation = Math.max(r.replicas(), downRecommendation);
      }
      if (r.time().isBefore(upCutoff) && r.time().isBefore(downCutoff)) {
        oldIndex = i;
      }
    }
    int stabilized = current;
    if (stabilized < upRecommendation) {
      stabilized = upRecommendation;
    }
    if (stabilized > downRecommendation) {
      stabilized = downRecommendation;
    }
    ScalingHistory.Recommendation record = new ScalingHistory.Recommendation(prenormalized, now);
    if (oldIndex >= 0) {
      recs.set(oldIndex, record);
    } else {
      recs.add(record);
    }
    HorizontalDecision.Stabilization stab;
    if (stabilized == prenormalized) {
      stab = HorizontalDecision.Stabilization.READY_FOR_NEW_SCALE;
    } else if (prenormalized >= current) {
      stab = HorizontalDecision.Stabilization.SCALE_UP_STABILIZED;
    } else {
      stab = HorizontalDecision.Stabilization.SCALE_DOWN_STABILIZED;
    }

    // convertDesiredReplicasWithBehaviorRate.
    int desired = stabilized;
    HorizontalDecision.Limit limit = HorizontalDecision.Limit.DESIRED_WITHIN_RANGE;
    if (stabilized > current) {
      long scaleUpLimit = scaleUpLimit(current, history, upRules, now);
      if (scaleUpLimit < current) {
        scaleUpLimit = current; // no further scale-up until old events leave the period
      }
      long maximumAllowed = maxReplicas;
      HorizontalDecision.Limit possible;
      if (maximumAllowed > scaleUpLimit) {
        maximumAllowed = scaleUpLimit;
        possible = HorizontalDecision.Limit.SCALE_UP_LIMIT;
      } else {
        possible = HorizontalDecision.Limit.TOO_MANY_REPLICAS;
      }
      if (stabilized > maximumAllowed) {
        desired = (int) maximumAllowed;
        limit = possible;
      }
    } else if (stabilized < current) {
      long scaleDownLimit = scaleDownLimit(current, history, downRules, now);
      if (scaleDownLimit > current) {
        scaleDownLimit = current;
      }
      long minimumAllowed = minReplicas;
      HorizontalDecision.Limit possible;
      if (minimumAllowed < scaleDownLimit) {
        minimumAllowed = scaleDownLimit;
        possible = HorizontalDecision.Limit.SCALE_DOWN_LIMIT;
      } else {
        possible = HorizontalDecision.Limit.TOO_FEW_REPLICAS;
      }
      if (stabilized < minimumAllowed) {
        desired = (int) minimumAllowed;
        limit = possible;
      }
    }
    ScalingHistory next = history.withRecommendations(recs)
        .withScaleEvent(behavior, current, desired, now);
    return new HorizontalDecision(current, desired, prenormalized, metric,
        HorizontalDecision.Outcome.NORMALIZED, stab, limit, desired != stabilized, proposals, next,
        message(current, prenormalized, stabilized, desired, stab, limit));
  }

  /** Kubernetes' {@code calculateScaleUpLimitWithScalingRules}, in long arithmetic. */
  private static long scaleUpLimit(int current, ScalingHistory h, ScalingRules rules, Instant now) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return current;
    }
    boolean min = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
    long result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (ScalingPolicy p : rules.policies()) {
      long added = changeInPeriod(p.period(), h.scaleUpEvents(), now);
      long deleted = changeInPeriod(p.period(), h.scaleDownEvents(), now);
      long periodStart = current - added + deleted;
      long proposed = p.type() == ScalingPolicy.Type.PODS
          ? periodStart + p.value()
          // rounded up so that a small percentage still adds a pod
          : toInt(Math.ceil(periodStart * (1 + p.value() / 100.0)));
      result = min ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  /** Kubernetes' {@code calculateScaleDownLimitWithBehaviors}, in long arithmetic. */
  private static long scaleDownLimit(int current, ScalingHistory h, ScalingRules rules,
      Instant now) {
    if (rules.selectPolicy() == ScalingRules.SelectPolicy.DISABLED) {
      return current;
    }
    boolean min = rules.selectPolicy() == ScalingRules.SelectPolicy.MIN;
    long result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (ScalingPolicy p : rules.policies()) {
      long added = changeInPeriod(p.period(), h.scaleUpEvents(), now);
      long deleted = changeInPeriod(p.period(), h.scaleDownEvents(), now);
      long periodStart = current - added + deleted;
      long proposed = p.type() == ScalingPolicy.Type.PODS
          ? periodStart - p.value()
          : toInt(periodStart * (1 - p.value() / 100.0)); // truncated toward zero, as in Go
      result = min ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  private static long toInt(double x) {
    return (int) x; // truncates toward zero and saturates (Go's int32() would wrap)
  }

  /** Kubernetes' {@code getReplicasChangePerPeriod}: events strictly after {@code now - period}. */
  private static long changeInPeriod(Duration period, List<ScalingHistory.ScaleEvent> events,
      Instant now) {
    Instant cutoff = now.minus(period);
    long replicas = 0;
    for (ScalingHistory.ScaleEvent e : events) {
      if (e.time().isAfter(cutoff)) {
        replicas += e.change();
      }
    }
    return replicas;
  }

  private static String message(int current, int prenormalized, int stabilized, int desired,
      HorizontalDecision.Stabilization stab, HorizontalDecision.Limit limit) {
    StringBuilder sb = new StringBuilder();
    sb.append("metrics recommend ").append(prenormalized);
    if (stab == HorizontalDecision.Stabilization.SCALE_DOWN_STABILIZED) {
      sb.append("; recent recommendations were higher, stabilised at ").append(stabilized);
    } else if (stab == HorizontalDecision.Stabilization.SCALE_UP_STABILIZED) {
      sb.append("; recent recommendations were lower, stabilised at ").append(stabilized);
    }
    switch (limit) {
      case SCALE_UP_LIMIT -> sb.append("; limited by the scale-up rate to ").append(desired);
      case SCALE_DOWN_LIMIT -> sb.append("; limited by the scale-down rate to ").append(desired);
      case TOO_MANY_REPLICAS -> sb.append("; capped at maxReplicas ").append(desired);
      case TOO_FEW_REPLICAS -> sb.append("; raised to minReplicas ").append(desired);
      case DESIRED_WITHIN_RANGE -> { }
    }
    sb.append(desired == current ? "; keeping " : "; scaling from " + current + " to ")
        .append(desired);
    return sb.toString();
  }

  /** Builds a {@link HorizontalScaler}; defaults are Kubernetes' controller and API defaults. */
  public static final class Builder {
    private int minReplicas = 1;
    private int maxReplicas = -1;
    private double tolerance = 0.1;
    private double toleranceUp = Double.NaN;
    private double toleranceDown = Double.NaN;
    private Duration cpuInitializationPeriod = Duration.ofMinutes(5);
    private Duration initialReadinessDelay = Duration.ofSeconds(30);
    private Duration downscaleStabilization = Duration.ofMinutes(5);
    private ScalingBehavior behavior;

    private Builder() {}

    /**
     * The minimum replica count (default 1; 0 allows scaling to zero).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder minReplicas(int min) {
      this.minReplicas = Checks.checkNonNegative(min, "minReplicas");
      return this;
    }

    /**
     * The maximum replica count (required).
     *
     * @throws IllegalArgumentException if {@code <= 0}
     */
    public Builder maxReplicas(int max) {
      this.maxReplicas = Checks.checkPositive(max, "maxReplicas");
      return this;
    }

    /**
     * The tolerance band around a usage ratio of 1 for both directions (default 0.1: ratios in
     * {@code [0.9, 1.1]} keep the current count). A behavior's per-direction tolerance overrides
     * it.
     *
     * @throws IllegalArgumentException if negative, NaN or infinite
     */
    public Builder tolerance(double tolerance) {
      this.tolerance = Checks.checkNonNegativeFinite(tolerance, "tolerance");
      return this;
    }

    /**
     * Separate tolerances: ratios in {@code [1 - down, 1 + up]} keep the current count (Kubernetes
     * 1.33's per-direction tolerance). Overrides {@link #tolerance(double)}; a behavior's
     * per-direction tolerance overrides this.
     *
     * @throws IllegalArgumentException if either is negative, NaN or infinite
     */
    public Builder tolerances(double up, double down) {
      this.toleranceUp = Checks.checkNonNegativeFinite(up, "scaleUpTolerance");
      this.toleranceDown = Checks.checkNonNegativeFinite(down, "scaleDownTolerance");
      return this;
    }

    /**
     * How long after start a pod's CPU samples are checked for readiness (default 5 min).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder cpuInitializationPeriod(Duration period) {
      this.cpuInitializationPeriod = nonNegative(period, "cpuInitializationPeriod");
      return this;
    }

    /**
     * After the initialisation period, an unready pod whose readiness last changed within this
     * delay of its start counts as never-ready (default 30 s).
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder initialReadinessDelay(Duration delay) {
      this.initialReadinessDelay = nonNegative(delay, "initialReadinessDelay");
      return this;
    }

    /**
     * The down-scale stabilisation window (default 5 min): the controller flag
     * {@code --horizontal-pod-autoscaler-downscale-stabilization}, used without behavior and when
     * a behavior leaves the scale-down window unset.
     *
     * @throws IllegalArgumentException if negative
     */
    public Builder downscaleStabilization(Duration window) {
      this.downscaleStabilization = nonNegative(window, "downscaleStabilization");
      return this;
    }

    /**
     * Use the behavior-based path with these rules; unset fields take Kubernetes' defaults (see
     * {@link ScalingBehavior}). Null (the default) selects the legacy path.
     */
    public Builder behavior(ScalingBehavior behavior) {
      this.behavior = behavior;
      return this;
    }

    /**
     * Builds the scaler.
     *
     * @throws IllegalStateException if {@code maxReplicas} is unset
     * @throws IllegalArgumentException if {@code minReplicas > maxReplicas}
     */
    public HorizontalScaler build() {
      Checks.requireState(maxReplicas > 0, "maxReplicas: unset (expected: > 0)");
      Checks.requireArgument(minReplicas <= maxReplicas,
          "minReplicas: %d (expected: <= maxReplicas %d)", minReplicas, maxReplicas);
      return new HorizontalScaler(this);
    }

    private static Duration nonNegative(Duration d, String name) {
      Checks.requireNonNull(d, name);
      Checks.requireArgument(!d.isNegative(), "%s: %s (expected: >= 0)", name, d);
      return d;
    }
  }
}
