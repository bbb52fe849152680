package io.perfkit.core.metrics;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * An immutable summary of the values a {@link LatencyRecorder} recorded over some period: count, min,
 * max, mean, standard deviation and the usual percentiles, plus {@link #percentile(double)} for any
 * other percentile.
 *
 * <p><b>Units:</b> whatever the recorder was fed, normally nanoseconds. <b>Precision:</b> every value
 * except {@link #count()} and {@link #clampedCount()} is within the recorder's configured number of
 * significant decimal digits of the exact value (HdrHistogram's guarantee): percentiles, min and max
 * report the highest value equivalent to the recorded one at that precision (so they may exceed the
 * exact value by at most {@code value / 10^digits}), the mean uses each bucket's median.
 *
 * <p><b>Threading:</b> immutable, safe to share. <b>Allocation:</b> holds one {@code long} pair per
 * distinct recorded bucket (at most a few thousand), not the histogram itself.
 */
public final class LatencySnapshot {
  private static final LatencySnapshot EMPTY =
      new LatencySnapshot(0, 0, 0, 0.0, 0.0, 0, new long[0], new long[0]);

  private final long count;
  private final long min;
  private final long max;
  private final double mean;
  private final double stdDev;
  private final long clampedCount;
  // Distinct recorded bucket values (ascending, highest-equivalent) and cumulative counts up to them.
  private final long[] values;
  private final long[] cumulativeCounts;
  private final long p50;
  private final long p90;
  private final long p95;
  private final long p99;
  private final long p999;

  private LatencySnapshot(long count, long min, long max, double mean, double stdDev,
      long clampedCount, long[] values, long[] cumulativeCounts) {
    this.count = count;
    this.min = min;
    this.max = max;
    this.mean = mean;
    this.stdDev = stdDev;
    this.clampedCount = clampedCount;
    this.values = values;
    this.cumulativeCounts = cumulativeCounts;
    this.p50 = valueAt(50.0);
    this.p90 = valueAt(90.0);
    this.p95 = valueAt(95.0);
    this.p99 = valueAt(99.0);
    this.p999 = valueAt(99.9);
  }

  /** Returns the snapshot of nothing recorded: every figure is zero. */
  public static LatencySnapshot empty() {
    return EMPTY;
  }

  /**
   * Summarises {@code histogram}, which the caller must not modify during the call.
   */
  static LatencySnapshot of(AbstractHistogram histogram, long clampedCount) {
    long total = histogram.getTotalCount();
    if (total == 0) {
      return clampedCount == 0 ? EMPTY
          : new LatencySnapshot(0, 0, 0, 0.0, 0.0, clampedCount, new long[0], new long[0]);
    }
    // One pass over the recorded buckets instead of three (getMean and getStdDeviation each
    // iterate the whole histogram); same arithmetic as HdrHistogram, so the same doubles.
    long[] values = new long[64];
    long[] cumulative = new long[64];
    double[] medians = new double[64];
    int n = 0;
    long running = 0;
    double totalValue = 0.0;
    for (HistogramIterationValue v : histogram.recordedValues()) {
      if (n == values.length) {
        values = Arrays.copyOf(values, n * 2);
        cumulative = Arrays.copyOf(cumulative, n * 2);
        medians = Arrays.copyOf(medians, n * 2);
      }
      long count = v.getCountAtValueIteratedTo();
      running += count;
      values[n] = v.getValueIteratedTo();
      cumulative[n] = running;
      medians[n] = histogram.medianEquivalentValue(v.getValueIteratedTo());
      totalValue += medians[n] * (double) count;
      n++;
    }
    double mean = totalValue / total;
    double deviationTotal = 0.0;
    long previous = 0;
    for (int i = 0; i < n; i++) {
      double deviation = medians[i] - mean;
      deviationTotal += (deviation * deviation) * (cumulative[i] - previous);
      previous = cumulative[i];
    }
    return new LatencySnapshot(total, histogram.getMinValue(), histogram.getMaxValue(), mean,
        Math.sqrt(deviationTotal / total), clampedCount, Arrays.copyOf(values, n),
        Arrays.copyOf(cumulative, n));
  }

  /** Returns the number of values recorded (including coordinated-omission corrections). */
  public long count() {
    return count;
  }

  /** Returns the smallest recorded value (at the recorder's precision), or 0 if none. */
  public long min() {
    return min;
  }

  /** Returns the largest recorded value (at the recorder's precision), or 0 if none. */
  public long max() {
    return max;
  }

  /** Returns the mean of the recorded values, or 0 if none. */
  public double mean() {
    return mean;
  }

  /** Returns the standard deviation of the recorded values, or 0 if none. */
  public double stdDev() {
    return stdDev;
  }

  /** Returns the median (50th percentile). */
  public long p50() {
    return p50;
  }

  /** Returns the 90th percentile. */
  public long p90() {
    return p90;
  }

  /** Returns the 95th percentile. */
  public long p95() {
    return p95;
  }

  /** Returns the 99th percentile. */
  public long p99() {
    return p99;
  }

  /** Returns the 99.9th percentile. */
  public long p999() {
    return p999;
  }

  /**
   * Returns how many recorded values exceeded the recorder's highest trackable value and were
   * therefore counted as that highest value (they are included in {@link #count()}).
   */
  public long clampedCount() {
    return clampedCount;
  }

  /**
   * Returns the value at {@code percentile}: the smallest recorded value (at the recorder's precision)
   * such that at least {@code percentile} % of the values are less than or equal to it.
   *
   * @param percentile in {@code [0, 100]}
   * @return the value, or 0 if nothing was recorded
   * @throws IllegalArgumentException if {@code percentile} is NaN or outside {@code [0, 100]}
   */
  public long percentile(double percentile) {
    if (!(percentile >= 0.0 && percentile <= 100.0)) {
      throw new IllegalArgumentException(
          "percentile: " + percentile + " (expected: in [0.0, 100.0])");
    }
    return valueAt(percentile);
  }

  private long valueAt(double percentile) {
    if (values.length == 0) {
      return 0;
    }
    long total = cumulativeCounts[cumulativeCounts.length - 1];
    // Same rule as HdrHistogram's getValueAtPercentile: the first bucket whose cumulative count
    // reaches ceil(p/100 * total), at least 1.
    long rank = Math.max(1, (long) Math.ceil(percentile / 100.0 * total));
    int i = Arrays.binarySearch(cumulativeCounts, rank);
    if (i < 0) {
      i = -i - 1;
    }
    return Math.min(values[Math.min(i, values.length - 1)], max);
  }

  /**
   * Returns the figures as an ordered, unmodifiable map for exporters: {@code count, min, max, mean,
   * stdDev, p50, p90, p95, p99, p999, clamped}.
   */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("count", count);
    map.put("min", min);
    map.put("max", max);
    map.put("mean", mean);
    map.put("stdDev", stdDev);
    map.put("p50", p50);
    map.put("p90", p90);
    map.put("p95", p95);
    map.put("p99", p99);
    map.put("p999", p999);
    map.put("clamped", clampedCount);
    return Collections.unmodifiableMap(map);
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof LatencySnapshot)) {
      return false;
    }
    LatencySnapshot other = (LatencySnapshot) o;
    return count == other.count && min == other.min && max == other.max
        && Double.compare(mean, other.mean) == 0 && Double.compare(stdDev, other.stdDev) == 0
        && clampedCount == other.clampedCount && Arrays.equals(values, other.values)
        && Arrays.equals(cumulativeCounts, other.cumulativeCounts);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, min, max, mean, clampedCount, Arrays.hashCode(values));
  }

  @Override
  public String toString() {
    return String.format(Locale.US,
        "LatencySnapshot[count=%d, min=%d, mean=%.1f, p50=%d, p90=%d, p95=%d, p99=%d, p999=%d, "
            + "max=%d, clamped=%d]",
        count, min, mean, p50, p90, p95, p99, p999, max, clampedCount);
  }
}
