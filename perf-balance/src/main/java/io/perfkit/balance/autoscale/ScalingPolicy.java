package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;

/**
 * One rate limit of a {@link ScalingRules}: at most {@code value} pods ({@link Type#PODS}) or
 * {@code value} percent of the replicas at the start of the period ({@link Type#PERCENT}) may be
 * added (or removed) within any {@code period}. Mirrors Kubernetes' {@code HPAScalingPolicy}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type pods or percent
 * @param value the number of pods or the percentage, {@code > 0}
 * @param period the sliding period, in {@code (0 s, 1800 s]} and a whole number of seconds
 */
public record ScalingPolicy(Type type, int value, Duration period) {

  /** The unit of a policy's {@code value}. */
  public enum Type {
    /** An absolute number of pods. */
    PODS,
    /** A percentage of the replica count at the start of the period. */
    PERCENT
  }

  /**
   * Validates the policy as Kubernetes' API validation does.
   *
   * @throws IllegalArgumentException if {@code value <= 0} or {@code period} is not in
   *     {@code (0, 1800 s]} or not whole seconds
   * @throws NullPointerException if {@code type} or {@code period} is null
   */
  public ScalingPolicy {
    Checks.requireNonNull(type, "type");
    Checks.checkPositive(value, "value");
    Checks.requireNonNull(period, "period");
    Checks.requireArgument(
        period.compareTo(Duration.ZERO) > 0
            && period.compareTo(Duration.ofSeconds(1800)) <= 0
            && period.getNano() == 0,
        "period: %s (expected: whole seconds in (0, 1800])", period);
  }

  /** At most {@code pods} pods per {@code period}. */
  public static ScalingPolicy pods(int pods, Duration period) {
    return new ScalingPolicy(Type.PODS, pods, period);
  }

  /** At most {@code percent} percent of the replicas per {@code period}. */
  public static ScalingPolicy percent(int percent, Duration period) {
    return new ScalingPolicy(Type.PERCENT, percent, period);
  }
}
