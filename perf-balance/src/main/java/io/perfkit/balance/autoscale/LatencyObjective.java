package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;

/**
 * A latency objective for the {@link QueueingScaler}: a bound on the waiting time at a
 * percentile (for example "p99 waiting time at most 50 ms"), on the mean waiting time, or on the
 * mean response time (waiting plus service).
 *
 * <p>Immutable and thread-safe.
 *
 * @param kind which statistic is bounded
 * @param percentile for {@link Kind#WAIT_PERCENTILE}, the percentile in {@code (0, 1)}; otherwise
 *     ignored (0)
 * @param bound the largest acceptable value, {@code >= 0}
 */
public record LatencyObjective(Kind kind, double percentile, Duration bound) {

  /** Which statistic an objective bounds. */
  public enum Kind {
    /** The waiting time (time in queue) at a percentile. */
    WAIT_PERCENTILE,
    /** The mean waiting time. */
    MEAN_WAIT,
    /** The mean response time: waiting plus service. */
    MEAN_RESPONSE
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if the percentile is not in {@code (0, 1)} for a percentile
   *     objective, or {@code bound} is negative
   * @throws NullPointerException if {@code kind} or {@code bound} is null
   */
  public LatencyObjective {
    Checks.requireNonNull(kind, "kind");
    Checks.requireNonNull(bound, "bound");
    Checks.requireArgument(!bound.isNegative(), "bound: %s (expected: >= 0)", bound);
    if (kind == Kind.WAIT_PERCENTILE) {
      Checks.requireArgument(percentile > 0 && percentile < 1,
          "percentile: %s (expected: in (0, 1))", percentile);
    }
  }

  /** The waiting time at {@code percentile} (for example 0.99) is at most {@code bound}. */
  public static LatencyObjective waitPercentile(double percentile, Duration bound) {
    return new LatencyObjective(Kind.WAIT_PERCENTILE, percentile, bound);
  }

  /** The mean waiting time is at most {@code bound}. */
  public static LatencyObjective meanWait(Duration bound) {
    return new LatencyObjective(Kind.MEAN_WAIT, 0, bound);
  }

  /** The mean response time (waiting plus service) is at most {@code bound}. */
  public static LatencyObjective meanResponse(Duration bound) {
    return new LatencyObjective(Kind.MEAN_RESPONSE, 0, bound);
  }

  double boundSeconds() {
    return bound.getSeconds() + bound.getNano() / 1e9;
  }
}
