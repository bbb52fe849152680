package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the horizontal scaler needs to know about one pod: its name, phase, {@code Ready}
 * condition (status and last transition time), start time, whether it is being deleted, and its
 * resource requests in milli-units summed over its containers (for example {@code "cpu" -> 500}
 * for half a core, {@code "memory" -> 1024L * 1024 * 1024 * 1000} for 1 GiB).
 *
 * <p>Map your own pod objects onto this record; no Kubernetes client is involved. Immutable and
 * thread-safe.
 *
 * @param name the pod's name, unique within one calculation
 * @param phase the pod's phase
 * @param ready the status of the {@code Ready} condition
 * @param readyTransition the {@code Ready} condition's last transition time, or null if absent
 * @param startTime when the pod started, or null if not yet started
 * @param deleting whether the pod has a deletion timestamp
 * @param requestsMilli summed container requests per resource name, in milli-units
 */
public record PodSample(
    String name,
    PodPhase phase,
    ReadyCondition ready,
    Instant readyTransition,
    Instant startTime,
    boolean deleting,
    Map<String, Long> requestsMilli) {

  /**
   * Validates and copies the sample.
   *
   * @throws NullPointerException if {@code name}, {@code phase}, {@code ready} or
   *     {@code requestsMilli} (or one of its keys or values) is null
   * @throws IllegalArgumentException if a request is negative
   */
  public PodSample {
    Checks.requireNonNull(name, "name");
    Checks.requireNonNull(phase, "phase");
    Checks.requireNonNull(ready, "ready");
    Checks.requireNonNull(requestsMilli, "requestsMilli");
    TreeMap<String, Long> copy = new TreeMap<>();
    for (Map.Entry<String, Long> e : requestsMilli.entrySet()) {
      Checks.requireNonNull(e.getKey(), "requestsMilli key");
      Checks.requireNonNull(e.getValue(), "requestsMilli[" + e.getKey() + "]");
      Checks.checkNonNegative(e.getValue().longValue(), "requestsMilli[" + e.getKey() + "]");
      copy.put(e.getKey(), e.getValue());
    }
    requestsMilli = Map.copyOf(copy);
  }

  /**
   * A running, ready pod that started (and became ready) at {@code startTime}, with the given
   * requests.
   *
   * @param name the pod's name
   * @param startTime when the pod started and became ready
   * @param requestsMilli summed container requests per resource, in milli-units
   * @return the sample
   * @throws NullPointerException if an argument is null
   */
  public static PodSample ready(String name, Instant startTime, Map<String, Long> requestsMilli) {
    return new PodSample(
        name, PodPhase.RUNNING, ReadyCondition.TRUE, startTime, startTime, false, requestsMilli);
  }

  /** Returns a copy with another phase. */
  public PodSample withPhase(PodPhase newPhase) {
    return new PodSample(name, newPhase, ready, readyTransition, startTime, deleting, requestsMilli);
  }

  /** Returns a copy with another {@code Ready} condition status and transition time. */
  public PodSample withReady(ReadyCondition newReady, Instant newTransition) {
    return new PodSample(name, phase, newReady, newTransition, startTime, deleting, requestsMilli);
  }

  /** Returns a copy with another start time (null: not started). */
  public PodSample withStartTime(Instant newStartTime) {
    return new PodSample(name, phase, ready, readyTransition, newStartTime, deleting, requestsMilli);
  }

  /** Returns a copy marked as being deleted. */
  public PodSample deleted() {
    return new PodSample(name, phase, ready, readyTransition, startTime, true, requestsMilli);
  }
}
