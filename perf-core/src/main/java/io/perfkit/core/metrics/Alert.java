package io.perfkit.core.metrics;

import io.perfkit.core.internal.Checks;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A threshold a {@link PerformanceMonitor} found breached when it took a snapshot.
 *
 * @param level how severe: {@link Level#CRITICAL} if the critical threshold is breached, else
 *     {@link Level#WARNING}
 * @param metric which figure: {@code "p99"} (nanoseconds), {@code "errorRate"} (fraction 0..1) or
 *     {@code "heapUsage"} (fraction 0..1 of the maximum heap)
 * @param operation the operation's name, or {@code ""} for a system-wide figure
 * @param value the measured value
 * @param threshold the threshold it exceeded
 */
public record Alert(Level level, String metric, String operation, double value, double threshold) {

  /** Alert severity. */
  public enum Level {
    /** The warning threshold is exceeded. */
    WARNING,
    /** The critical threshold is exceeded. */
    CRITICAL
  }

  /**
   * Validates the components.
   *
   * @throws NullPointerException if {@code level}, {@code metric} or {@code operation} is null
   */
  public Alert {
    Checks.requireNonNull(level, "level");
    Checks.requireNonNull(metric, "metric");
    Checks.requireNonNull(operation, "operation");
  }

  /** Returns a one-line description, e.g. {@code "CRITICAL db.query p99 1200000 > 1000000"}. */
  public String message() {
    String subject = operation.isEmpty() ? "system" : operation;
    return String.format(Locale.US, "%s %s %s %s > %s", level, subject, metric, format(value),
        format(threshold));
  }

  private static String format(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15
        ? Long.toString((long) v) : String.format(Locale.US, "%.4f", v);
  }

  /** Returns the components as an ordered, unmodifiable map for exporters. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("level", level.name());
    map.put("metric", metric);
    map.put("operation", operation);
    map.put("value", value);
    map.put("threshold", threshold);
    return Collections.unmodifiableMap(map);
  }
}
