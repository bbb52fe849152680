package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;

/**
 * One pod's metric sample: the value in milli-units (Kubernetes' {@code MilliValue()}: 1 core =
 * 1000, 1 byte = 1000), the end of the window it was measured over and the window's length. The
 * timestamp and window only matter for CPU readiness checks inside the initialisation period.
 *
 * <p>Immutable and thread-safe.
 *
 * @param valueMilli the metric value in milli-units, {@code >= 0}
 * @param timestamp when the sample was taken
 * @param window the length of the measurement window, {@code >= 0}
 */
public record PodMetric(long valueMilli, Instant timestamp, Duration window) {

  /**
   * Validates the sample.
   *
   * @throws IllegalArgumentException if {@code valueMilli} or {@code window} is negative
   * @throws NullPointerException if {@code timestamp} or {@code window} is null
   */
  public PodMetric {
    Checks.checkNonNegative(valueMilli, "valueMilli");
    Checks.requireNonNull(timestamp, "timestamp");
    Checks.requireNonNull(window, "window");
    Checks.requireArgument(!window.isNegative(), "window: %s (expected: >= 0)", window);
  }

  /**
   * A sample with no timing information (timestamp {@link Instant#EPOCH}, zero window), for metrics
   * whose readiness does not depend on timing (everything but CPU).
   *
   * @param valueMilli the metric value in milli-units, {@code >= 0}
   * @return the sample
   * @throws IllegalArgumentException if {@code valueMilli} is negative
   */
  public static PodMetric of(long valueMilli) {
    return new PodMetric(valueMilli, Instant.EPOCH, Duration.ZERO);
  }
}
