package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.List;

/**
 * The rules for one direction of scaling, mirroring Kubernetes' {@code HPAScalingRules}: a
 * stabilisation window, the policies limiting the rate of change and how to pick among them, and
 * an optional tolerance for this direction. A null field means "not set": Kubernetes' defaults
 * fill it in (see {@link ScalingBehavior#withDefaults()}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param stabilizationWindow the window over which past recommendations are considered, in
 *     {@code [0, 3600 s]}, or null
 * @param selectPolicy how to combine policies, or null
 * @param policies the rate limits, or null; when set, non-empty unless {@code selectPolicy} is
 *     {@link SelectPolicy#DISABLED}
 * @param tolerance the tolerance for this direction, {@code >= 0}, or null for the scaler's
 */
public record ScalingRules(
    Duration stabilizationWindow,
    SelectPolicy selectPolicy,
    List<ScalingPolicy> policies,
    Double tolerance) {

  /** How several policies combine. */
  public enum SelectPolicy {
    /** The policy allowing the largest change wins (the default). */
    MAX,
    /** The policy allowing the smallest change wins. */
    MIN,
    /** Scaling in this direction is switched off. */
    DISABLED
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if the window is negative, above one hour or not whole
   *     seconds, if {@code policies} is empty, or if {@code tolerance} is negative or not finite
   */
  public ScalingRules {
    if (stabilizationWindow != null) {
      Checks.requireArgument(
          !stabilizationWindow.isNegative()
              && stabilizationWindow.compareTo(Duration.ofHours(1)) <= 0
              && stabilizationWindow.getNano() == 0,
          "stabilizationWindow: %s (expected: whole seconds in [0, 3600])", stabilizationWindow);
    }
    if (policies != null) {
      policies = List.copyOf(policies);
      Checks.requireArgument(!policies.isEmpty() || selectPolicy == SelectPolicy.DISABLED,
          "policies: [] (expected: at least one policy)");
    }
    if (tolerance != null) {
      Checks.checkNonNegativeFinite(tolerance, "tolerance");
    }
  }

  /** Rules with nothing set: every field takes Kubernetes' default. */
  public static ScalingRules unset() {
    return new ScalingRules(null, null, null, null);
  }

  /** Returns a copy with the given stabilisation window. */
  public ScalingRules withStabilizationWindow(Duration window) {
    return new ScalingRules(window, selectPolicy, policies, tolerance);
  }

  /** Returns a copy with the given select policy. */
  public ScalingRules withSelectPolicy(SelectPolicy select) {
    return new ScalingRules(stabilizationWindow, select, policies, tolerance);
  }

  /** Returns a copy with the given policies. */
  public ScalingRules withPolicies(ScalingPolicy... newPolicies) {
    return new ScalingRules(stabilizationWindow, selectPolicy, List.of(newPolicies), tolerance);
  }

  /** Returns a copy with the given tolerance. */
  public ScalingRules withTolerance(double newTolerance) {
    return new ScalingRules(stabilizationWindow, selectPolicy, policies, newTolerance);
  }

  /** The longest policy period, or zero without policies. */
  Duration longestPeriod() {
    Duration longest = Duration.ZERO;
    if (policies != null) {
      for (ScalingPolicy p : policies) {
        if (p.period().compareTo(longest) > 0) {
          longest = p.period();
        }
      }
    }
    return longest;
  }
}
