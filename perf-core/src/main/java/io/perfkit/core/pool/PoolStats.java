package io.perfkit.core.pool;

/**
 * An immutable snapshot of an {@link ObjectPool}'s counters.
 *
 * <p>The counts satisfy {@code outstanding + retained + discarded == created} for every snapshot.
 * A snapshot taken while other threads use the pool is a racy but self-consistent view: each count
 * is read once and {@code outstanding} is derived from the others. When the pool is quiescent (no
 * acquire or release in flight) the snapshot is exact.
 *
 * @param created objects the factory returned (failed factory calls are not counted)
 * @param reused acquisitions served by a retained object instead of the factory
 * @param discarded objects the pool dropped for good: rejected by the validator, whose reset hook
 *     threw, released when the pool was full or closed, drained on close, or reported leaked
 * @param outstanding objects handed out and not yet released (includes leaks the detector did not
 *     sample)
 * @param retained objects held by the pool, in the shared store or in a thread's cache
 * @param leaked objects the leak detector found garbage-collected without a release (also counted in
 *     {@code discarded})
 */
public record PoolStats(
    long created, long reused, long discarded, long outstanding, long retained, long leaked) {

  /**
   * The fraction of acquisitions served by a retained object: {@code reused / (reused + created)},
   * or {@code 0} before the first acquisition.
   *
   * @return the hit ratio, in {@code [0, 1]}
   */
  public double hitRatio() {
    long total = reused + created;
    return total == 0 ? 0.0 : (double) reused / total;
  }
}
