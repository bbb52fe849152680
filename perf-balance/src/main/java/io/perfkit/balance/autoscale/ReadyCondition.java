package io.perfkit.balance.autoscale;

/**
 * The status of a pod's {@code Ready} condition. {@link #ABSENT} means the pod has no such condition
 * yet, which the horizontal scaler treats as unready for CPU metrics.
 */
public enum ReadyCondition {
  /** {@code Ready=True}. */
  TRUE,
  /** {@code Ready=False}. */
  FALSE,
  /** {@code Ready=Unknown}. */
  UNKNOWN,
  /** The pod reports no {@code Ready} condition. */
  ABSENT
}
