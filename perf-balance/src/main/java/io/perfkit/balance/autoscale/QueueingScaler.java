package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;

/**
 * Sizes a service as an M/M/c queue: Poisson arrivals at rate λ, exponential service with mean
 * {@code serviceTime}, {@code c} identical replicas. Returns the fewest replicas whose waiting
 * time meets a {@link LatencyObjective} and whose utilization {@code λ * serviceTime / c} stays at
 * or under a cap.
 *
 * <p>Erlang C is computed from the Erlang B recurrence {@code B(0) = 1, B(k) = a B(k-1) / (k + a
 * B(k-1))}, which stays in {@code [0, 1]} for every {@code k}: no factorials or powers, so it is
 * exact to rounding for thousands of replicas and offered loads in the millions. Then
 * {@code C = c B / (c - a (1 - B))}, {@code P(W > t) = C e^{-(c μ - λ) t}}, mean wait
 * {@code C / (c μ - λ)}. The cost is O(c) per call.
 *
 * <p>A pure function; immutable and thread-safe.
 */
public final class QueueingScaler {
  private final double serviceSeconds;
  private final LatencyObjective objective;
  private final double utilizationCap;
  private final int minReplicas;
  private final int maxReplicas;

  private QueueingScaler(Builder b) {
    this.serviceSeconds = b.serviceSeconds;
    this.objective = b.objective;
    this.utilizationCap = b.utilizationCap;
    this.minReplicas = b.minReplicas;
    this.maxReplicas = b.maxReplicas;
  }

  /** A builder; {@link Builder#serviceTime} and {@link Builder#objective} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The replicas needed for an arrival rate.
   *
   * @param arrivalsPerSecond λ, finite and {@code >= 0}
   * @return the decision with its M/M/c figures
   * @throws IllegalArgumentException if {@code arrivalsPerSecond} is negative, NaN or infinite
   */
  public QueueingDecision decide(double arrivalsPerSecond) {
    Checks.checkNonNegativeFinite(arrivalsPerSecond, "arrivalsPerSecond");
    double lambda = arrivalsPerSecond;
    double a = lambda * serviceSeconds;
    if (lambda == 0) {
      int c = minReplicas;
      return new QueueingDecision(c, QueueingDecision.Reason.MIN_REPLICAS, true, 0, 0, 0, 0, 0,
          serviceSeconds, 0, 0);
    }
    // Smallest c for the cap (and for stability: c > a).
    double capBound = Math.ceil(a / utilizationCap);
    long stable = (long) Math.floor(a) + 1;
    long lowest = Math.max(Math.max((long) Math.min(capBound, Long.MAX_VALUE), stable), 1);
    if (lowest > maxReplicas) {
      return figures(maxReplicas, lambda, a, erlangB(maxReplicas, a),
          QueueingDecision.Reason.MAX_REPLICAS);
    }
    int c = (int) lowest;
    double b = erlangB(c, a);
    boolean capBinding = true;
    while (!meets(c, lambda, a, b)) {
      capBinding = false;
      if (c == maxReplicas) {
        return figures(c, lambda, a, b, QueueingDecision.Reason.MAX_REPLICAS);
      }
      c++;
      b = a * b / (c + a * b);
    }
    QueueingDecision.Reason reason = capBinding && capBound >= stable
        ? QueueingDecision.Reason.UTILIZATION_CAP : QueueingDecision.Reason.LATENCY_OBJECTIVE;
    if (c < minReplicas) {
      c = minReplicas;
      b = erlangB(c, a);
      reason = QueueingDecision.Reason.MIN_REPLICAS;
    }
    return figures(c, lambda, a, b, reason);
  }

  /** Erlang B for {@code c} servers and offered load {@code a}, by the stable recurrence. */
  static double erlangB(int c, double a) {
    double b = 1.0;
    for (int k = 1; k <= c; k++) {
      b = a * b / (k + a * b);
    }
    return b;
  }

  /** Erlang C from Erlang B; 1 when {@code a >= c} (every request waits, queue unstable). */
  static double erlangC(int c, double a, double b) {
    if (a >= c) {
      return 1.0;
    }
    return c * b / (c - a * (1 - b));
  }

  private boolean meets(int c, double lambda, double a, double b) {
    return value(c, lambda, a, b) <= objective.boundSeconds();
  }

  private double value(int c, double lambda, double a, double b) {
    if (a >= c) {
      return Double.POSITIVE_INFINITY;
    }
    double pWait = erlangC(c, a, b);
    double drain = c / serviceSeconds - lambda; // c μ - λ > 0
    return switch (objective.kind()) {
      case MEAN_WAIT -> pWait / drain;
      case MEAN_RESPONSE -> pWait / drain + serviceSeconds;
      case WAIT_PERCENTILE -> {
        double tail = 1 - objective.percentile();
        yield pWait <= tail ? 0.0 : Math.log(pWait / tail) / drain;
      }
    };
  }

  private QueueingDecision figures(int c, double lambda, double a, double b,
      QueueingDecision.Reason reason) {
    if (c == 0 || a >= c) {
      double inf = Double.POSITIVE_INFINITY;
      return new QueueingDecision(c, reason, false, a, c == 0 ? 0 : a / c, 1, inf, inf, inf, inf,
          inf);
    }
    double pWait = erlangC(c, a, b);
    double wq = pWait / (c / serviceSeconds - lambda);
    double w = wq + serviceSeconds;
    double v = value(c, lambda, a, b);
    return new QueueingDecision(c, reason, v <= objective.boundSeconds(), a, a / c, pWait, wq, v, w,
        lambda * wq, lambda * w);
  }

  /** Builds a {@link QueueingScaler}. */
  public static final class Builder {
    private double serviceSeconds = Double.NaN;
    private LatencyObjective objective;
    private double utilizationCap = 0.9;
    private int minReplicas = 1;
    private int maxReplicas = 10_000;

    private Builder() {}

    /**
     * The mean service time of one request on one replica (required).
     *
     * @throws IllegalArgumentException if not positive
     */
    public Builder serviceTime(Duration mean) {
      Checks.requireNonNull(mean, "serviceTime");
      Checks.requireArgument(mean.compareTo(Duration.ZERO) > 0,
          "serviceTime: %s (expected: > 0)", mean);
      this.serviceSeconds = mean.getSeconds() + mean.getNano() / 1e9;
      return this;
    }

    /** The latency objective (required). */
    public Builder objective(LatencyObjective objective) {
      this.objective = Checks.requireNonNull(objective, "objective");
      return this;
    }

    /**
     * The highest acceptable utilization per replica, in {@code (0, 1]} (default 0.9).
     *
     * @throws IllegalArgumentException if outside {@code (0, 1]} or NaN
     */
    public Builder utilizationCap(double cap) {
      Checks.requireArgument(cap > 0 && cap <= 1, "utilizationCap: %s (expected: in (0, 1])", cap);
      this.utilizationCap = cap;
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
     * The maximum replica count (default 10,000); the cost of a decision is O(maxReplicas) at
     * worst.
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
     * @throws IllegalStateException if the service time or objective is unset
     * @throws IllegalArgumentException if {@code minReplicas > maxReplicas}
     */
    public QueueingScaler build() {
      Checks.requireState(!Double.isNaN(serviceSeconds), "serviceTime: unset");
      Checks.requireState(objective != null, "objective: unset");
      Checks.requireArgument(minReplicas <= maxReplicas,
          "minReplicas: %d (expected: <= maxReplicas %d)", minReplicas, maxReplicas);
      return new QueueingScaler(this);
    }
  }
}
