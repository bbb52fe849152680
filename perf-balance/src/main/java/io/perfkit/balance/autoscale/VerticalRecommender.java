package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A VPA-style resource recommender for one container, following the Kubernetes vertical pod
 * autoscaler's recommender:
 *
 * <ul>
 *   <li>CPU usage goes into a decaying exponential histogram (first bucket 0.01 core, buckets 5 %
 *       wider each, half-life 24 h), each sample weighted by {@code max(request, 0.1 core)};
 *   <li>memory goes in as one peak per 24 h aggregation window (first bucket 10 MB), the window's
 *       peak replacing the previous one as it grows; an OOM adds {@code max(used + 100 MiB, used *
 *       1.2)} where {@code used = max(request, window peak)};
 *   <li>target, lower and upper bound are the 0.90, 0.50 and 0.95 percentiles, each times
 *       {@code 1 + safety margin (0.15)}; the upper bound is multiplied by {@code (1 +
 *       1/confidence)} and the lower by {@code (1 + 0.001/confidence)^-2}, where confidence is
 *       {@code min(history days, CPU samples / 1440)}; amounts are truncated to whole millicores and
 *       bytes after each step and capped at 10^14 (VPA's maximum resource amount, which the upper
 *       bound reaches with no history);
 *   <li>every value is at least the per-pod minimum (25 millicores, 250 MiB) divided by the
 *       number of containers in the pod.
 * </ul>
 *
 * Every number above is a builder setting. The simpler "p95 of history plus a safety margin, with
 * a confidence figure" is this recommender with {@code targetPercentile(0.95)}.
 *
 * <p>A pure function: samples and time come in, nothing is kept. Immutable and thread-safe.
 */
public final class VerticalRecommender {
  /** VPA's maximum resource amount (milli-cores or bytes). */
  static final double MAX_RESOURCE_AMOUNT = 1e14;
  private static final double MIN_SAMPLE_WEIGHT = 0.1;
  private static final double EPSILON = 0.001 * MIN_SAMPLE_WEIGHT;

  private final Builder b;

  private VerticalRecommender(Builder b) {
    this.b = b.copy();
  }

  /** A builder with the VPA recommender's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Recommends resources for one container.
   *
   * @param samples CPU and memory samples in time order (per resource, non-decreasing start)
   * @param oomTimes when the container was killed for running out of memory, in time order
   * @param memoryRequestAtOom the container's memory request at those times, bytes, {@code >= 0}
   * @param containersInPod how many containers share the per-pod minimums, {@code >= 1}
   * @return the recommendation; {@link VerticalRecommendation#available()} is false when there is
   *     neither CPU nor memory history
   * @throws IllegalArgumentException if samples or OOM times go back in time (naming the index), the OOM
   *     request is negative or not finite, or {@code containersInPod < 1}
   * @throws NullPointerException if a list or element is null
   */
  public VerticalRecommendation recommend(List<UsageSample> samples, List<Instant> oomTimes,
      double memoryRequestAtOom, int containersInPod) {
    Checks.requireNonNull(samples, "samples");
    Checks.requireNonNull(oomTimes, "oomTimes");
    Checks.checkNonNegativeFinite(memoryRequestAtOom, "memoryRequestAtOom");
    Checks.checkPositive(containersInPod, "containersInPod");
    for (int i = 0; i < oomTimes.size(); i++) {
      Instant t = Checks.requireNonNull(oomTimes.get(i), "oomTimes[" + i + "]");
      Checks.requireArgument(i == 0 || !t.isBefore(oomTimes.get(i - 1)),
          "oomTimes[%d]: %s (expected: not before %s, OOMs must be in time order)", i, t,
          oomTimes.get(i == 0 ? 0 : i - 1));
    }
    DecayingHistogram cpu = new DecayingHistogram(b.cpuMaxCores, b.cpuFirstBucketCores,
        1 + b.bucketGrowth, EPSILON, b.halfLife);
    DecayingHistogram memory = new DecayingHistogram(b.memoryMaxBytes, b.memoryFirstBucketBytes,
        1 + b.bucketGrowth, EPSILON, b.halfLife);
    Instant firstCpu = null;
    Instant lastCpu = null;
    long cpuCount = 0;
    MemoryPeaks peaks = new MemoryPeaks(memory, b.memoryAggregationInterval);
    Instant lastMemory = null;
    int oomIndex = 0;
    for (int i = 0; i < samples.size(); i++) {
      UsageSample s = Checks.requireNonNull(samples.get(i), "samples[" + i + "]");
      if (s.resource() == UsageSample.Resource.CPU) {
        Checks.requireArgument(lastCpu == null || !s.start().isBefore(lastCpu),
            "samples[%d]: start %s (expected: not before %s, samples must be in time order)", i,
            s.start(), lastCpu);
        cpu.add(s.usage(), Math.max(s.request(), MIN_SAMPLE_WEIGHT), s.start());
        if (firstCpu == null) {
          firstCpu = s.start();
        }
        lastCpu = s.start();
        cpuCount++;
      } else {
        Checks.requireArgument(lastMemory == null || !s.start().isBefore(lastMemory),
            "samples[%d]: start %s (expected: not before %s, samples must be in time order)", i,
            s.start(), lastMemory);
        // Replay OOMs that happened before this sample, in order.
        while (oomIndex < oomTimes.size() && oomTimes.get(oomIndex).isBefore(s.start())) {
          peaks.oom(oomTimes.get(oomIndex++), memoryRequestAtOom, b.oomMinBumpBytes,
              b.oomBumpRatio);
        }
        peaks.add(s.usage(), s.start(), false);
        lastMemory = s.start();
      }
    }
    while (oomIndex < oomTimes.size()) {
      peaks.oom(oomTimes.get(oomIndex++), memoryRequestAtOom, b.oomMinBumpBytes, b.oomBumpRatio);
    }
    if (cpu.isEmpty() && memory.isEmpty()) {
      return VerticalRecommendation.none();
    }
    double lifespanDays = firstCpu == null ? 0
        : Duration.between(firstCpu, lastCpu).toMillis() / (double) Duration.ofDays(1).toMillis();
    double confidence = Math.min(lifespanDays, cpuCount / (60.0 * 24));
    double minCpuMillis = b.podMinCpuMillis / (double) containersInPod;
    double minMemoryBytes = b.podMinMemoryBytes / (double) containersInPod;

    long cpuTarget = estimate(cpu.percentile(b.targetCpuPercentile) * 1000, 0, 1, minCpuMillis,
        confidence);
    long cpuLower = estimate(cpu.percentile(b.lowerCpuPercentile) * 1000, b.lowerMultiplier,
        b.lowerExponent, minCpuMillis, confidence);
    long cpuUpper = estimate(cpu.percentile(b.upperCpuPercentile) * 1000, b.upperMultiplier,
        b.upperExponent, minCpuMillis, confidence);
    long memTarget = estimate(memory.percentile(b.targetMemoryPercentile), 0, 1, minMemoryBytes,
        confidence);
    long memLower = estimate(memory.percentile(b.lowerMemoryPercentile), b.lowerMultiplier,
        b.lowerExponent, minMemoryBytes, confidence);
    long memUpper = estimate(memory.percentile(b.upperMemoryPercentile), b.upperMultiplier,
        b.upperExponent, minMemoryBytes, confidence);
    return new VerticalRecommendation(true, cpuTarget, cpuLower, cpuUpper, memTarget, memLower,
        memUpper, confidence, cpuCount);
  }

  /** percentile -> margin -> confidence multiplier -> minimum, truncating like VPA at each step. */
  private long estimate(double percentileAmount, double multiplier, double exponent,
      double minimum, double confidence) {
    double amount = amount(percentileAmount);
    amount = amount(amount * (1 + b.safetyMargin));
    if (multiplier != 0) {
      amount = amount(amount * Math.pow(1 + multiplier / confidence, exponent));
    }
    return (long) Math.max(amount, amount(minimum));
  }

  /** VPA's resourceAmountFromFloat: truncate, cap at the maximum amount. */
  private static double amount(double v) {
    if (Double.isNaN(v)) {
      return 0;
    }
    return v > MAX_RESOURCE_AMOUNT ? MAX_RESOURCE_AMOUNT : Math.floor(v);
  }

  /** One memory peak per aggregation window, as VPA's ContainerState. */
  private static final class MemoryPeaks {
    private final DecayingHistogram histogram;
    private final Duration interval;
    private Instant windowEnd;
    private Instant lastSample;
    private double memoryPeak;
    private double oomPeak;

    MemoryPeaks(DecayingHistogram histogram, Duration interval) {
      this.histogram = histogram;
      this.interval = interval;
    }

    double maxPeak() {
      return Math.max(memoryPeak, oomPeak);
    }

    void oom(Instant time, double request, double minBump, double ratio) {
      if (windowEnd != null && time.isBefore(windowEnd.minus(interval))) {
        return; // too old: VPA discards it
      }
      double used = Math.max(request, memoryPeak);
      double needed = Math.max(used + minBump, used * ratio);
      add(needed, time, true);
    }

    void add(double usage, Instant ts, boolean isOom) {
      if (!isOom && lastSample != null && ts.isBefore(lastSample)) {
        return;
      }
      lastSample = ts;
      if (windowEnd == null) {
        windowEnd = ts;
      }
      boolean addNewPeak = false;
      if (ts.isBefore(windowEnd)) {
        double old = maxPeak();
        if (old != 0 && usage > old) {
          histogram.subtract(old, 1.0, windowEnd);
          addNewPeak = true;
        }
      } else {
        long elapsed = Duration.between(windowEnd, ts).toMillis();
        long step = interval.toMillis();
        windowEnd = windowEnd.plusMillis(elapsed / step * step + step);
        memoryPeak = 0;
        oomPeak = 0;
        addNewPeak = true;
      }
      if (isOom) {
        oomPeak = Math.max(oomPeak, usage);
      } else {
        memoryPeak = Math.max(memoryPeak, usage);
      }
      if (addNewPeak) {
        histogram.add(maxPeak(), 1.0, windowEnd);
      }
    }
  }

  /** Builds a {@link VerticalRecommender}; every default is the VPA recommender's. */
  public static final class Builder {
    private double cpuFirstBucketCores = 0.01;
    private double memoryFirstBucketBytes = 1e7;
    private double cpuMaxCores = 1000;
    private double memoryMaxBytes = 1e12;
    private double bucketGrowth = 0.05;
    private Duration halfLife = Duration.ofHours(24);
    private Duration memoryAggregationInterval = Duration.ofHours(24);
    private double oomMinBumpBytes = 100 * 1024 * 1024;
    private double oomBumpRatio = 1.2;
    private double targetCpuPercentile = 0.9;
    private double lowerCpuPercentile = 0.5;
    private double upperCpuPercentile = 0.95;
    private double targetMemoryPercentile = 0.9;
    private double lowerMemoryPercentile = 0.5;
    private double upperMemoryPercentile = 0.95;
    private double safetyMargin = 0.15;
    private double upperMultiplier = 1.0;
    private double upperExponent = 1.0;
    private double lowerMultiplier = 0.001;
    private double lowerExponent = -2.0;
    private double podMinCpuMillis = 25;
    private double podMinMemoryBytes = 250.0 * 1024 * 1024;

    private Builder() {}

    private Builder copy() {
      Builder c = new Builder();
      c.cpuFirstBucketCores = cpuFirstBucketCores;
      c.memoryFirstBucketBytes = memoryFirstBucketBytes;
      c.cpuMaxCores = cpuMaxCores;
      c.memoryMaxBytes = memoryMaxBytes;
      c.bucketGrowth = bucketGrowth;
      c.halfLife = halfLife;
      c.memoryAggregationInterval = memoryAggregationInterval;
      c.oomMinBumpBytes = oomMinBumpBytes;
      c.oomBumpRatio = oomBumpRatio;
      c.targetCpuPercentile = targetCpuPercentile;
      c.lowerCpuPercentile = lowerCpuPercentile;
      c.upperCpuPercentile = upperCpuPercentile;
      c.targetMemoryPercentile = targetMemoryPercentile;
      c.lowerMemoryPercentile = lowerMemoryPercentile;
      c.upperMemoryPercentile = upperMemoryPercentile;
      c.safetyMargin = safetyMargin;
      c.upperMultiplier = upperMultiplier;
      c.upperExponent = upperExponent;
      c.lowerMultiplier = lowerMultiplier;
      c.lowerExponent = lowerExponent;
      c.podMinCpuMillis = podMinCpuMillis;
      c.podMinMemoryBytes = podMinMemoryBytes;
      return c;
    }

    private static double unit(double p, String name) {
      Checks.requireArgument(p > 0 && p <= 1, "%s: %s (expected: in (0, 1])", name, p);
      return p;
    }

    /** Size of the first CPU bucket, cores (default 0.01). @throws IllegalArgumentException if not positive */
    public Builder cpuFirstBucket(double cores) {
      this.cpuFirstBucketCores = Checks.checkPositiveFinite(cores, "cpuFirstBucket");
      return this;
    }

    /** Size of the first memory bucket, bytes (default 10^7). @throws IllegalArgumentException if not positive */
    public Builder memoryFirstBucket(double bytes) {
      this.memoryFirstBucketBytes = Checks.checkPositiveFinite(bytes, "memoryFirstBucket");
      return this;
    }

    /** Largest tracked CPU value, cores (default 1000). @throws IllegalArgumentException if not positive */
    public Builder cpuMax(double cores) {
      this.cpuMaxCores = Checks.checkPositiveFinite(cores, "cpuMax");
      return this;
    }

    /** Largest tracked memory value, bytes (default 10^12). @throws IllegalArgumentException if not positive */
    public Builder memoryMax(double bytes) {
      this.memoryMaxBytes = Checks.checkPositiveFinite(bytes, "memoryMax");
      return this;
    }

    /** How much wider each bucket is than the previous (default 0.05 = 5 %). @throws IllegalArgumentException if not positive */
    public Builder bucketGrowth(double growth) {
      this.bucketGrowth = Checks.checkPositiveFinite(growth, "bucketGrowth");
      return this;
    }

    /** Sample weight half-life (default 24 h). @throws IllegalArgumentException if not positive */
    public Builder halfLife(Duration halfLife) {
      Checks.requireArgument(halfLife != null && halfLife.toMillis() > 0,
          "halfLife: %s (expected: >= 1 ms)", halfLife);
      this.halfLife = halfLife;
      return this;
    }

    /** Memory peak window (default 24 h). @throws IllegalArgumentException if not positive */
    public Builder memoryAggregationInterval(Duration interval) {
      Checks.requireArgument(interval != null && interval.toMillis() > 0,
          "memoryAggregationInterval: %s (expected: >= 1 ms)", interval);
      this.memoryAggregationInterval = interval;
      return this;
    }

    /**
     * The OOM bump: {@code max(used + minBytes, used * ratio)} (defaults 100 MiB, 1.2).
     *
     * @throws IllegalArgumentException if {@code minBytes < 0} or {@code ratio < 1}
     */
    public Builder oomBump(double minBytes, double ratio) {
      this.oomMinBumpBytes = Checks.checkNonNegativeFinite(minBytes, "oomMinBump");
      Checks.requireArgument(ratio >= 1 && Double.isFinite(ratio),
          "oomBumpRatio: %s (expected: finite and >= 1)", ratio);
      this.oomBumpRatio = ratio;
      return this;
    }

    /** Target percentile for CPU and memory (default 0.9). @throws IllegalArgumentException if not in (0, 1] */
    public Builder targetPercentile(double p) {
      this.targetCpuPercentile = unit(p, "targetPercentile");
      this.targetMemoryPercentile = p;
      return this;
    }

    /** Lower-bound percentile for CPU and memory (default 0.5). @throws IllegalArgumentException if not in (0, 1] */
    public Builder lowerBoundPercentile(double p) {
      this.lowerCpuPercentile = unit(p, "lowerBoundPercentile");
      this.lowerMemoryPercentile = p;
      return this;
    }

    /** Upper-bound percentile for CPU and memory (default 0.95). @throws IllegalArgumentException if not in (0, 1] */
    public Builder upperBoundPercentile(double p) {
      this.upperCpuPercentile = unit(p, "upperBoundPercentile");
      this.upperMemoryPercentile = p;
      return this;
    }

    /** Safety margin fraction (default 0.15). @throws IllegalArgumentException if negative */
    public Builder safetyMargin(double fraction) {
      this.safetyMargin = Checks.checkNonNegativeFinite(fraction, "safetyMargin");
      return this;
    }

    /**
     * Confidence scaling: upper bound {@code * (1 + um/confidence)^ue}, lower bound {@code * (1 +
     * lm/confidence)^le} (defaults 1, 1, 0.001, -2).
     *
     * @throws IllegalArgumentException if a value is not finite or a multiplier is negative
     */
    public Builder confidenceScaling(double um, double ue, double lm, double le) {
      this.upperMultiplier = Checks.checkNonNegativeFinite(um, "upperMultiplier");
      this.lowerMultiplier = Checks.checkNonNegativeFinite(lm, "lowerMultiplier");
      Checks.requireArgument(Double.isFinite(ue) && Double.isFinite(le),
          "exponents: %s, %s (expected: finite)", ue, le);
      this.upperExponent = ue;
      this.lowerExponent = le;
      return this;
    }

    /**
     * Per-pod minimums, split evenly across containers (defaults 25 millicores, 250 MiB).
     *
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder podMinimums(double cpuMillis, double memoryBytes) {
      this.podMinCpuMillis = Checks.checkNonNegativeFinite(cpuMillis, "podMinCpuMillis");
      this.podMinMemoryBytes = Checks.checkNonNegativeFinite(memoryBytes, "podMinMemoryBytes");
      return this;
    }

    /** Builds the recommender (the builder may be reused). */
    public VerticalRecommender build() {
      return new VerticalRecommender(this);
    }
  }
}
