package io.perfkit.balance.autoscale;

import java.util.List;

/**
 * The result of one {@link HorizontalScaler#decide} call: the replica count to set, why, what each
 * metric proposed, and the updated {@link ScalingHistory} to pass to the next decision.
 *
 * <p>The fields mirror the HPA's status conditions: {@link #stabilization()} is the
 * {@code AbleToScale} reason, {@link #limit()} the {@code ScalingLimited} reason and
 * {@link #limited()} its status.
 *
 * <p>Immutable and thread-safe.
 *
 * @param currentReplicas the replica count before the decision
 * @param desiredReplicas the replica count to set ({@code >= 0}; equal to
 *     {@code currentReplicas} when {@link #outcome()} is {@link Outcome#NO_DECISION} or
 *     {@link Outcome#SCALING_DISABLED})
 * @param metricReplicas the largest valid metric proposal before normalisation, or {@code -1}
 * @param metric the name of the metric that produced {@code metricReplicas}, or {@code ""}
 * @param outcome which branch of the controller decided
 * @param stabilization the stabilisation result
 * @param limit the limit that applied (or {@link Limit#DESIRED_WITHIN_RANGE})
 * @param limited whether {@code limit} changed the stabilised recommendation
 * @param proposals each metric's proposal, in input order
 * @param history the history to pass to the next decision
 * @param message a human-readable explanation
 */
public record HorizontalDecision(
    int currentReplicas,
    int desiredReplicas,
    int metricReplicas,
    String metric,
    Outcome outcome,
    Stabilization stabilization,
    Limit limit,
    boolean limited,
    List<ReplicaProposal> proposals,
    ScalingHistory history,
    String message) {

  /** Which branch of the controller decided. */
  public enum Outcome {
    /** Metrics were evaluated and normalised; {@link #limit()} and stabilisation apply. */
    NORMALIZED,
    /** The target has zero replicas and {@code minReplicas > 0}: autoscaling is off. */
    SCALING_DISABLED,
    /** The current count exceeds {@code maxReplicas}: set to the maximum, metrics unused. */
    ABOVE_MAX_REPLICAS,
    /** The current count is below {@code minReplicas}: set to the minimum, metrics unused. */
    BELOW_MIN_REPLICAS,
    /**
     * No decision: every metric is invalid (or there are none), or some are invalid and the
     * valid ones would scale down. The replica count stays; see {@link #message()}.
     */
    NO_DECISION
  }

  /** The {@code AbleToScale} reason. */
  public enum Stabilization {
    /** The recommendation was not changed by stabilisation. */
    READY_FOR_NEW_SCALE,
    /** Recent recommendations were lower: the lowest recent one applies (behavior only). */
    SCALE_UP_STABILIZED,
    /** Recent recommendations were higher: the highest recent one applies. */
    SCALE_DOWN_STABILIZED,
    /** Stabilisation did not run (see {@link Outcome}). */
    NOT_APPLIED
  }

  /** The {@code ScalingLimited} reason. */
  public enum Limit {
    /** No limit applied. */
    DESIRED_WITHIN_RANGE,
    /** The scale-up rate limit applied (legacy {@code max(2 * current, 4)} or policies). */
    SCALE_UP_LIMIT,
    /** The scale-down rate limit applied (policies). */
    SCALE_DOWN_LIMIT,
    /** {@code maxReplicas} applied. */
    TOO_MANY_REPLICAS,
    /** {@code minReplicas} applied. */
    TOO_FEW_REPLICAS
  }

  /**
   * Copies the proposal list.
   *
   * @throws NullPointerException if a list or element is null
   */
  public HorizontalDecision {
    proposals = List.copyOf(proposals);
  }

  /** Whether the decision changes the replica count. */
  public boolean rescale() {
    return desiredReplicas != currentReplicas;
  }
}
