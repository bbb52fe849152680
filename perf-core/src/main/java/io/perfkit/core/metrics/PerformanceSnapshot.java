package io.perfkit.core.metrics;

import io.perfkit.core.internal.Checks;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Everything a {@link PerformanceMonitor} measured over one interval: per-operation figures, the
 * JVM's figures, and the thresholds breached. Immutable.
 *
 * @param intervalNanos length of the interval the operation figures cover
 * @param operations per-operation figures, by name, in name order (unmodifiable)
 * @param system JVM-wide figures at the end of the interval
 * @param alerts every threshold breached at the end of the interval (unmodifiable), whether or not
 *     listeners were notified of it this time
 */
public record PerformanceSnapshot(long intervalNanos, Map<String, OperationSnapshot> operations,
    SystemSnapshot system, List<Alert> alerts) {

  /**
   * Validates and defensively copies the components.
   *
   * @throws NullPointerException if any component is null
   * @throws IllegalArgumentException if {@code intervalNanos < 0}
   */
  public PerformanceSnapshot {
    Checks.checkNonNegative(intervalNanos, "intervalNanos");
    operations = Collections.unmodifiableMap(
        new LinkedHashMap<>(Checks.requireNonNull(operations, "operations")));
    Checks.requireNonNull(system, "system");
    alerts = List.copyOf(Checks.requireNonNull(alerts, "alerts"));
  }

  /**
   * Returns the figures of operation {@code name}, or null if it recorded nothing yet.
   *
   * @param name the operation's name
   * @return its figures or null
   */
  public OperationSnapshot operation(String name) {
    return operations.get(name);
  }

  /**
   * Returns the snapshot as nested, ordered, unmodifiable maps for exporters (JSON, Prometheus
   * adapters): {@code intervalNanos}, {@code operations} (name to map), {@code system},
   * {@code alerts} (list of maps).
   */
  public Map<String, Object> toMap() {
    Map<String, Object> ops = new LinkedHashMap<>();
    operations.forEach((name, op) -> ops.put(name, op.toMap()));
    List<Map<String, Object>> alertMaps = new ArrayList<>();
    alerts.forEach(a -> alertMaps.add(a.toMap()));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("intervalNanos", intervalNanos);
    map.put("operations", Collections.unmodifiableMap(ops));
    map.put("system", system.toMap());
    map.put("alerts", Collections.unmodifiableList(alertMaps));
    return Collections.unmodifiableMap(map);
  }

  /**
   * Returns a fixed-width text table: one row per operation (count, errors, throughput, error rate,
   * mean and percentile latencies with units), then the system line and any alerts.
   */
  public String toTable() {
    String[] header = {"operation", "count", "errors", "ops/s", "err%", "mean", "p50", "p90",
        "p99", "p99.9", "max"};
    List<String[]> rows = new ArrayList<>();
    rows.add(header);
    for (OperationSnapshot op : operations.values()) {
      LatencySnapshot l = op.latency();
      rows.add(new String[] {op.name(), Long.toString(op.count()), Long.toString(op.errors()),
          String.format(Locale.US, "%.1f", op.throughput()),
          String.format(Locale.US, "%.2f", op.errorRate() * 100), duration(l.mean()),
          duration(l.p50()), duration(l.p90()), duration(l.p99()), duration(l.p999()),
          duration(l.max())});
    }
    int[] widths = new int[header.length];
    for (String[] row : rows) {
      for (int i = 0; i < row.length; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.US, "interval %s%n", duration(intervalNanos)));
    for (int r = 0; r < rows.size(); r++) {
      String[] row = rows.get(r);
      for (int i = 0; i < row.length; i++) {
        String cell = i == 0 ? pad(row[i], widths[i], false) : pad(row[i], widths[i], true);
        sb.append(i == 0 ? "" : "  ").append(cell);
      }
      sb.append(System.lineSeparator());
      if (r == 0) {
        int total = 0;
        for (int w : widths) {
          total += w + 2;
        }
        sb.append("-".repeat(total - 2)).append(System.lineSeparator());
      }
    }
    sb.append(String.format(Locale.US,
        "system: cpu %s  heap %s / %s (%s)  gc %d (%d ms)  threads %d%n",
        Double.isNaN(system.processCpuLoad()) ? "n/a"
            : String.format(Locale.US, "%.1f%%", system.processCpuLoad() * 100),
        bytes(system.heapUsed()), system.heapMax() < 0 ? "n/a" : bytes(system.heapMax()),
        Double.isNaN(system.heapUsage()) ? "n/a"
            : String.format(Locale.US, "%.1f%%", system.heapUsage() * 100),
        system.gcCount(), system.gcTimeMillis(), system.liveThreads()));
    for (Alert alert : alerts) {
      sb.append("ALERT ").append(alert.message()).append(System.lineSeparator());
    }
    return sb.toString();
  }

  /** Returns {@link #toTable()}. */
  @Override
  public String toString() {
    return toTable();
  }

  private static String pad(String s, int width, boolean right) {
    String spaces = " ".repeat(width - s.length());
    return right ? spaces + s : s + spaces;
  }

  static String duration(double nanos) {
    if (nanos < 1_000) {
      return String.format(Locale.US, "%.0fns", nanos);
    } else if (nanos < 1_000_000) {
      return String.format(Locale.US, "%.1fus", nanos / 1e3);
    } else if (nanos < 1_000_000_000) {
      return String.format(Locale.US, "%.1fms", nanos / 1e6);
    }
    return String.format(Locale.US, "%.2fs", nanos / 1e9);
  }

  private static String bytes(long bytes) {
    if (bytes < 1L << 20) {
      return String.format(Locale.US, "%.1fKiB", bytes / 1024.0);
    } else if (bytes < 1L << 30) {
      return String.format(Locale.US, "%.1fMiB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.US, "%.2fGiB", bytes / (double) (1L << 30));
  }
}
