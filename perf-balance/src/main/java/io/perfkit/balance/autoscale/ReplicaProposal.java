package io.perfkit.balance.autoscale;

/**
 * What one metric proposes: the replica count Kubernetes' replica calculator would return for it,
 * the observed usage, and why.
 *
 * <p>Immutable and thread-safe.
 *
 * @param metric the metric's name
 * @param replicas the proposed replica count ({@code >= 0}), or {@code -1} when {@link #valid()}
 *     is false
 * @param usageMilli the usage the calculator reports: the average per pod (pod metrics), the
 *     object or summed external value, or the value per current replica (average targets)
 * @param utilizationPercent for {@link Metric.ResourceUtilization}, the utilization in percent
 *     (integer-truncated as Kubernetes computes it); otherwise {@code -1}
 * @param usageRatio the usage over the target before any rebalancing ({@code NaN} when invalid)
 * @param reason why this count
 * @param error why the metric is invalid, or null when valid
 */
public record ReplicaProposal(
    String metric,
    int replicas,
    long usageMilli,
    int utilizationPercent,
    double usageRatio,
    Reason reason,
    String error) {

  /** Why a metric proposes its replica count. */
  public enum Reason {
    /** The usage ratio lies inside the tolerance band: keep the current count. */
    WITHIN_TOLERANCE,
    /**
     * Assuming missing pods at their fallback value and unready pods at zero would reverse the
     * direction of scaling (or the replica count moved against the ratio): keep the current count.
     */
    DIRECTION_CHANGED,
    /** {@code ceil(ratio * pods)}: scale in proportion to the usage ratio. */
    PROPORTIONAL,
    /** Scaling from zero replicas: {@code ceil(ratio)} (object and external value metrics). */
    FROM_ZERO,
    /** The metric could not be evaluated; see {@link #error()}. */
    INVALID
  }

  /** Whether the metric produced a proposal. */
  public boolean valid() {
    return error == null;
  }

  static ReplicaProposal invalid(String metric, String error) {
    return new ReplicaProposal(metric, -1, 0, -1, Double.NaN, Reason.INVALID, error);
  }
}
