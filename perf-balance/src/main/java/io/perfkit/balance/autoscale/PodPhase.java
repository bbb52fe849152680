package io.perfkit.balance.autoscale;

/**
 * A pod's lifecycle phase, as Kubernetes reports it in {@code status.phase}. The horizontal scaler
 * ignores {@link #FAILED} pods and treats {@link #PENDING} pods as unready.
 */
public enum PodPhase {
  /** Accepted but not all containers are running yet. Counted as unready. */
  PENDING,
  /** Bound to a node and at least one container is running. */
  RUNNING,
  /** All containers terminated successfully. */
  SUCCEEDED,
  /** All containers terminated and at least one failed. Ignored by the calculator. */
  FAILED,
  /** The state could not be obtained. */
  UNKNOWN
}
