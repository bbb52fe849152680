package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Instant;

/**
 * One container usage sample for the {@link VerticalRecommender}: CPU in cores or memory
 * (working set) in bytes, with the container's request of that resource at the time.
 *
 * <p>Immutable and thread-safe.
 *
 * @param start when the measurement started
 * @param resource CPU or memory
 * @param usage cores (CPU) or bytes (memory), finite and {@code >= 0}
 * @param request the request in the same unit, finite and {@code >= 0} (CPU samples weigh
 *     {@code max(request, 0.1)})
 */
public record UsageSample(Instant start, Resource resource, double usage, double request) {

  /** The resource a sample measures. */
  public enum Resource {
    /** CPU, in cores. */
    CPU,
    /** Memory, in bytes. */
    MEMORY
  }

  /**
   * Validates.
   *
   * @throws IllegalArgumentException if {@code usage} or {@code request} is negative, NaN or
   *     infinite
   * @throws NullPointerException if {@code start} or {@code resource} is null
   */
  public UsageSample {
    Checks.requireNonNull(start, "start");
    Checks.requireNonNull(resource, "resource");
    Checks.checkNonNegativeFinite(usage, "usage");
    Checks.checkNonNegativeFinite(request, "request");
  }

  /** A CPU sample: {@code cores} used, {@code requestCores} requested. */
  public static UsageSample cpu(Instant start, double cores, double requestCores) {
    return new UsageSample(start, Resource.CPU, cores, requestCores);
  }

  /** A memory sample: {@code bytes} used, {@code requestBytes} requested. */
  public static UsageSample memory(Instant start, double bytes, double requestBytes) {
    return new UsageSample(start, Resource.MEMORY, bytes, requestBytes);
  }
}
