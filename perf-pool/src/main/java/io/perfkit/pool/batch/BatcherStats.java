package io.perfkit.pool.batch;

import io.perfkit.core.metrics.LatencySnapshot;
import io.perfkit.core.metrics.RateSnapshot;
import java.util.Arrays;

/**
 * An immutable snapshot of a batcher's counters, taken by {@code stats()}.
 *
 * <p>Counters are read one by one while the batcher runs, so a snapshot is not atomic across
 * counters; each counter is exact and monotonic.
 *
 * @param accepted items accepted into the intake
 * @param processed items whose batch the processor completed without throwing
 * @param batches successful processor calls
 * @param rejected items refused (full intake under {@code FAIL_FAST}, or {@code BLOCK} timeout)
 * @param dropped items dropped under {@link BackpressurePolicy#DROP}
 * @param retries processor calls that were retries of a failed batch
 * @param deadLettered items the dead-letter handler has taken (counted when it returns) or that were
 *     kept as failed
 * @param batchSizeLog2Counts {@code [i]} counts successful batches whose size lies in
 *     {@code [2^i, 2^(i+1))}; 31 buckets
 * @param processedRate items processed per second (mean and 1/5/15-minute moving averages)
 * @param latency offer-to-processed latency in nanoseconds of successfully processed items (empty
 *     unless the builder enabled {@code recordLatency})
 */
public record BatcherStats(
    long accepted,
    long processed,
    long batches,
    long rejected,
    long dropped,
    long retries,
    long deadLettered,
    long[] batchSizeLog2Counts,
    RateSnapshot processedRate,
    LatencySnapshot latency) {

  /** Copies the histogram. */
  public BatcherStats {
    batchSizeLog2Counts = batchSizeLog2Counts.clone();
  }

  /** Returns a copy of the batch size histogram (see the record description). */
  @Override
  public long[] batchSizeLog2Counts() {
    return batchSizeLog2Counts.clone();
  }

  /** Mean size of successful batches, or 0 if there were none. */
  public double meanBatchSize() {
    return batches == 0 ? 0 : (double) processed / batches;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BatcherStats s
        && accepted == s.accepted
        && processed == s.processed
        && batches == s.batches
        && rejected == s.rejected
        && dropped == s.dropped
        && retries == s.retries
        && deadLettered == s.deadLettered
        && Arrays.equals(batchSizeLog2Counts, s.batchSizeLog2Counts)
        && processedRate.equals(s.processedRate)
        && latency.equals(s.latency);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(accepted) * 31 + Long.hashCode(processed) * 17
        + Arrays.hashCode(batchSizeLog2Counts);
  }

  @Override
  public String toString() {
    return "BatcherStats[accepted=" + accepted + ", processed=" + processed + ", batches=" + batches
        + ", rejected=" + rejected + ", dropped=" + dropped + ", retries=" + retries
        + ", deadLettered=" + deadLettered + ", meanBatchSize=" + meanBatchSize()
        + ", processedRate=" + processedRate + ", latency=" + latency + "]";
  }
}
