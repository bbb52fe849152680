package io.perfkit.balance.autoscale;

import java.time.Duration;
import java.time.Instant;

/**
 * The VPA recommender's decaying exponential histogram. Buckets grow geometrically: bucket
 * {@code i >= 1} starts at {@code first * (ratio^i - 1) / (ratio - 1)}; the last bucket is open.
 * A sample at time {@code t} weighs {@code weight * 2^((t - reference) / halfLife)}, so older
 * samples count half as much per half-life. When a sample would need an exponent above 100, the
 * reference moves to the sample's time (rounded to a whole number of half-lives since the epoch)
 * and every weight is scaled by {@code 2^-(shift in half-lives)}: percentiles are unchanged.
 *
 * <p>Not thread-safe: used only inside one recommendation.
 */
final class DecayingHistogram {
  private static final double MAX_DECAY_EXPONENT = 100;

  private final double first;
  private final double ratio;
  private final int numBuckets;
  private final double epsilon;
  private final long halfLifeMillis;
  private final double[] weights;
  private double total;
  private int minBucket;
  private int maxBucket;
  private Instant reference;

  DecayingHistogram(double maxValue, double first, double ratio, double epsilon,
      Duration halfLife) {
    this.first = first;
    this.ratio = ratio;
    this.numBuckets = (int) Math.ceil(Math.log(maxValue * (ratio - 1) / first + 1) / Math.log(ratio))
        + 1;
    this.epsilon = epsilon;
    this.halfLifeMillis = halfLife.toMillis();
    this.weights = new double[numBuckets];
    this.minBucket = numBuckets - 1;
    this.maxBucket = 0;
  }

  int numBuckets() {
    return numBuckets;
  }

  int findBucket(double value) {
    if (value < first) {
      return 0;
    }
    int bucket = (int) (Math.log(value * (ratio - 1) / first + 1) / Math.log(ratio));
    return Math.min(bucket, numBuckets - 1);
  }

  double bucketStart(int bucket) {
    return bucket == 0 ? 0.0 : first * (Math.pow(ratio, bucket) - 1) / (ratio - 1);
  }

  boolean isEmpty() {
    return weights[minBucket] < epsilon;
  }

  void add(double value, double weight, Instant time) {
    addRaw(value, weight * decayFactor(time));
  }

  void subtract(double value, double weight, Instant time) {
    double w = weight * decayFactor(time);
    int bucket = findBucket(value);
    if (w > weights[bucket] - epsilon) {
      w = weights[bucket];
    }
    total -= w;
    weights[bucket] -= w;
    while (weights[minBucket] < epsilon && minBucket < numBuckets - 1) {
      minBucket++;
    }
    while (weights[maxBucket] < epsilon && maxBucket > 0) {
      maxBucket--;
    }
  }

  private void addRaw(double value, double weight) {
    int bucket = findBucket(value);
    weights[bucket] += weight;
    total += weight;
    if (bucket < minBucket && weights[bucket] >= epsilon) {
      minBucket = bucket;
    }
    if (bucket > maxBucket && weights[bucket] >= epsilon) {
      maxBucket = bucket;
    }
  }

  /** The end of the bucket holding the {@code p} quantile (the start of the open last bucket). */
  double percentile(double p) {
    if (isEmpty()) {
      return 0.0;
    }
    double partial = 0;
    double threshold = p * total;
    int bucket = minBucket;
    for (; bucket < maxBucket; bucket++) {
      partial += weights[bucket];
      if (partial >= threshold) {
        break;
      }
    }
    return bucket < numBuckets - 1 ? bucketStart(bucket + 1) : bucketStart(bucket);
  }

  private double decayFactor(Instant time) {
    if (reference == null) {
      reference = round(time);
    } else {
      double exponent = (double) Duration.between(reference, time).toMillis() / halfLifeMillis;
      if (exponent > MAX_DECAY_EXPONENT) {
        shiftReference(time);
      }
    }
    return Math.pow(2, (double) Duration.between(reference, time).toMillis() / halfLifeMillis);
  }

  private Instant round(Instant t) {
    long ms = t.toEpochMilli();
    long q = Math.floorDiv(ms, halfLifeMillis);
    long rem = ms - q * halfLifeMillis;
    if (2 * rem >= halfLifeMillis) {
      q++;
    }
    return Instant.ofEpochMilli(q * halfLifeMillis);
  }

  private void shiftReference(Instant time) {
    Instant next = round(time);
    double exponent = Math.rint((double) Duration.between(next, reference).toMillis()
        / halfLifeMillis);
    double factor = Math.scalb(1.0, (int) exponent);
    for (int b = minBucket; b <= maxBucket; b++) {
      weights[b] *= factor;
    }
    total *= factor;
    updateMinAndMax();
    reference = next;
  }

  private void updateMinAndMax() {
    int lo = numBuckets - 1;
    int hi = 0;
    for (int b = 0; b < numBuckets; b++) {
      if (weights[b] >= epsilon) {
        lo = Math.min(lo, b);
        hi = Math.max(hi, b);
      }
    }
    minBucket = lo;
    maxBucket = hi;
  }
}
