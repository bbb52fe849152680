package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.util.Arrays;

/**
 * A validated load history: strictly increasing timestamps (seconds; any epoch) and finite,
 * non-negative values, on a nominal interval. {@link #regular()} puts it on that interval's grid,
 * filling each missing point with the previous value, which is what the forecasters consume.
 *
 * <p>Immutable and thread-safe.
 */
public final class LoadHistory {
  private final long[] timestamps;
  private final double[] values;
  private final long interval;

  private LoadHistory(long[] timestamps, double[] values, long interval) {
    this.timestamps = timestamps;
    this.values = values;
    this.interval = interval;
  }

  /**
   * Validates and copies a history. The interval is the smallest step between timestamps.
   *
   * @param timestampsSeconds strictly increasing timestamps in seconds
   * @param values the load at each timestamp, finite and {@code >= 0}
   * @return the history
   * @throws IllegalArgumentException if the arrays differ in length, hold fewer than two points,
   *     a timestamp repeats or goes backwards, or a value is negative, NaN or infinite (the message
   *     names the index and value)
   * @throws NullPointerException if an array is null
   */
  public static LoadHistory of(long[] timestampsSeconds, double[] values) {
    Checks.requireNonNull(timestampsSeconds, "timestampsSeconds");
    Checks.requireNonNull(values, "values");
    Checks.requireArgument(timestampsSeconds.length == values.length,
        "values: length %d (expected: %d, one per timestamp)", values.length,
        timestampsSeconds.length);
    Checks.requireArgument(values.length >= 2, "history: %d points (expected: >= 2)",
        values.length);
    long step = Long.MAX_VALUE;
    for (int i = 0; i < values.length; i++) {
      double v = values[i];
      Checks.requireArgument(v >= 0 && Double.isFinite(v),
          "values[%d]: %s (expected: finite and >= 0)", i, v);
      if (i > 0) {
        long prev = timestampsSeconds[i - 1];
        long cur = timestampsSeconds[i];
        Checks.requireArgument(cur != prev, "timestamps[%d]: %d (duplicate timestamp)", i, cur);
        Checks.requireArgument(cur > prev,
            "timestamps[%d]: %d (expected: after %d, history must be sorted)", i, cur, prev);
        step = Math.min(step, cur - prev);
      }
    }
    return new LoadHistory(timestampsSeconds.clone(), values.clone(), step);
  }

  /** The number of points. */
  public int size() {
    return values.length;
  }

  /** The nominal interval in seconds (the smallest step). */
  public long intervalSeconds() {
    return interval;
  }

  /** A copy of the timestamps. */
  public long[] timestamps() {
    return timestamps.clone();
  }

  /** A copy of the values. */
  public double[] values() {
    return values.clone();
  }

  /** The last value. */
  public double last() {
    return values[values.length - 1];
  }

  /**
   * The values on the regular grid from the first timestamp: gaps are filled with the previous
   * value; points off the grid are assigned to the grid slot they fall in (the last one wins).
   *
   * @return a new array of grid values
   */
  public double[] regular() {
    long span = timestamps[timestamps.length - 1] - timestamps[0];
    int n = (int) Math.min(Integer.MAX_VALUE - 8, span / interval + 1);
    double[] out = new double[n];
    Arrays.fill(out, Double.NaN);
    for (int i = 0; i < values.length; i++) {
      long slot = (timestamps[i] - timestamps[0]) / interval;
      if (slot < n) {
        out[(int) slot] = values[i];
      }
    }
    for (int i = 1; i < n; i++) {
      if (Double.isNaN(out[i])) {
        out[i] = out[i - 1];
      }
    }
    return out;
  }
}
