package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The observations for one horizontal scaling decision: the scale target's replica counts, its
 * pods, the metrics (each with its target) and the decision time. Time is an input: the scaler
 * never reads a clock.
 *
 * <p>Immutable and thread-safe.
 *
 * @param currentReplicas the target's desired replica count ({@code spec.replicas}), {@code >= 0}
 * @param statusReplicas the target's observed replica count ({@code status.replicas}),
 *     {@code >= 0}; used by per-pod object and external targets
 * @param pods the pods the target's selector matches
 * @param metrics the metrics to evaluate
 * @param now the decision time
 */
public record HorizontalInput(
    int currentReplicas, int statusReplicas, List<PodSample> pods, List<Metric> metrics, Instant now) {

  /**
   * Validates and copies.
   *
   * @throws IllegalArgumentException if a replica count is negative or two pods share a name
   * @throws NullPointerException if a list, element or {@code now} is null
   */
  public HorizontalInput {
    Checks.checkNonNegative(currentReplicas, "currentReplicas");
    Checks.checkNonNegative(statusReplicas, "statusReplicas");
    pods = List.copyOf(Checks.requireNonNull(pods, "pods"));
    metrics = List.copyOf(Checks.requireNonNull(metrics, "metrics"));
    Checks.requireNonNull(now, "now");
    Set<String> names = new HashSet<>();
    for (PodSample p : pods) {
      Checks.requireArgument(names.add(p.name()), "pods: duplicate pod name %s", p.name());
    }
  }

  /**
   * Input whose status replica count equals {@code currentReplicas}.
   *
   * @param currentReplicas the target's replica count, {@code >= 0}
   * @param pods the pods
   * @param metrics the metrics
   * @param now the decision time
   * @return the input
   * @throws IllegalArgumentException if {@code currentReplicas < 0} or pod names repeat
   * @throws NullPointerException if an argument is null
   */
  public static HorizontalInput of(
      int currentReplicas, List<PodSample> pods, List<Metric> metrics, Instant now) {
    return new HorizontalInput(currentReplicas, currentReplicas, pods, metrics, now);
  }
}
