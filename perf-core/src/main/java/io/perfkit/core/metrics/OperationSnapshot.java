package io.perfkit.core.metrics;

import io.perfkit.core.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One named operation's figures in a {@link PerformanceSnapshot}. The interval is the time since the
 * monitor's previous snapshot (or its creation).
 *
 * @param name the operation's name
 * @param count calls completed in the interval, successful or not
 * @param errors calls in the interval that threw or were recorded as failed
 * @param throughput {@code count} per second of the interval
 * @param errorRate {@code errors / count} (0 if no calls), at most 1
 * @param latency latency of the interval's calls, in nanoseconds
 * @param rate cumulative call count and its moving-average rates (calls per second)
 * @param totalErrors failed calls since the monitor was created
 */
public record OperationSnapshot(String name, long count, long errors, double throughput,
    double errorRate, LatencySnapshot latency, RateSnapshot rate, long totalErrors) {

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code name}, {@code latency} or {@code rate} is null
   */
  public OperationSnapshot {
    Checks.requireNonNull(name, "name");
    Checks.requireNonNull(latency, "latency");
    Checks.requireNonNull(rate, "rate");
  }

  /**
   * Returns the figures as an ordered, unmodifiable map for exporters; latency figures are nested
   * under {@code "latency"} and rates under {@code "rate"}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("name", name);
    map.put("count", count);
    map.put("errors", errors);
    map.put("throughput", throughput);
    map.put("errorRate", errorRate);
    map.put("totalCount", rate.count());
    map.put("totalErrors", totalErrors);
    map.put("latency", latency.toMap());
    map.put("rate", rate.toMap());
    return Collections.unmodifiableMap(map);
  }
}
