package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.List;

/**
 * Kubernetes' {@code spec.behavior}: separate {@link ScalingRules} for scaling up and down. When
 * a behavior is configured, the horizontal scaler follows the behavior-based path (stabilisation
 * windows in both directions, rate-limiting policies, scale-event history) instead of the legacy
 * path (down-scale stabilisation and a scale-up limit of {@code max(2 * current, 4)}).
 *
 * <p>{@link #withDefaults()} applies the defaults the Kubernetes API server applies:
 *
 * <ul>
 *   <li>scale up: window 0 s, select {@code Max}, policies 4 pods per 15 s and 100 % per 15 s;
 *   <li>scale down: window unset (the scaler's down-scale stabilisation, default 300 s), select
 *       {@code Max}, policy 100 % per 15 s.
 * </ul>
 *
 * Only fields left null take the default; a set field (even a set policy list) replaces it whole.
 *
 * <p>Immutable and thread-safe.
 *
 * @param scaleUp rules for scaling up, or null for all defaults
 * @param scaleDown rules for scaling down, or null for all defaults
 */
public record ScalingBehavior(ScalingRules scaleUp, ScalingRules scaleDown) {

  /** The default scale-up rules Kubernetes applies when a behavior is set. */
  public static final ScalingRules DEFAULT_SCALE_UP =
      new ScalingRules(
          Duration.ZERO,
          ScalingRules.SelectPolicy.MAX,
          List.of(
              ScalingPolicy.pods(4, Duration.ofSeconds(15)),
              ScalingPolicy.percent(100, Duration.ofSeconds(15))),
          null);

  /**
   * The default scale-down rules Kubernetes applies when a behavior is set; the window stays unset
   * so that the scaler's down-scale stabilisation applies.
   */
  public static final ScalingRules DEFAULT_SCALE_DOWN =
      new ScalingRules(
          null,
          ScalingRules.SelectPolicy.MAX,
          List.of(ScalingPolicy.percent(100, Duration.ofSeconds(15))),
          null);

  /** A behavior with every field at Kubernetes' default. */
  public static ScalingBehavior defaults() {
    return new ScalingBehavior(null, null).withDefaults();
  }

  /**
   * Returns a copy with every unset field filled with Kubernetes' default, field by field.
   *
   * @return the defaulted behavior
   */
  public ScalingBehavior withDefaults() {
    return new ScalingBehavior(merge(scaleUp, DEFAULT_SCALE_UP), merge(scaleDown, DEFAULT_SCALE_DOWN));
  }

  private static ScalingRules merge(ScalingRules from, ScalingRules to) {
    if (from == null) {
      return to;
    }
    return new ScalingRules(
        from.stabilizationWindow() != null ? from.stabilizationWindow() : to.stabilizationWindow(),
        from.selectPolicy() != null ? from.selectPolicy() : to.selectPolicy(),
        from.policies() != null ? from.policies() : to.policies(),
        from.tolerance() != null ? from.tolerance() : to.tolerance());
  }

  /**
   * Returns the rules for the given direction, never null (defaults applied).
   *
   * @param up true for scale-up
   * @return the rules
   */
  ScalingRules rules(boolean up) {
    ScalingBehavior d = withDefaults();
    return Checks.requireNonNull(up ? d.scaleUp : d.scaleDown, "rules");
  }
}
