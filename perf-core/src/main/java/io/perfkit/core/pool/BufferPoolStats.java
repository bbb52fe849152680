package io.perfkit.core.pool;

/**
 * An immutable snapshot of a {@link BufferPool}'s counters. Each count is read once without
 * stopping other threads: exact when the pool is quiescent.
 *
 * @param created pooled buffers allocated (a size-class miss)
 * @param reused acquisitions served by a retained buffer
 * @param unpooled acquisitions larger than the largest size class, allocated and never retained
 * @param discarded released buffers not retained (byte cap reached, class full, pool closed, or
 *     unpooled), plus idle buffers dropped on close
 * @param outstanding buffers handed out and not yet released (pooled and unpooled)
 * @param retained idle buffers held for reuse
 * @param retainedBytes total capacity of the idle buffers
 * @param leaked buffers garbage-collected while handed out (noticed lazily, on later allocations
 *     and on {@code stats()})
 */
public record BufferPoolStats(
    long created,
    long reused,
    long unpooled,
    long discarded,
    long outstanding,
    long retained,
    long retainedBytes,
    long leaked) {

  /**
   * The fraction of pooled-size acquisitions served by a retained buffer:
   * {@code reused / (reused + created)}, or {@code 0} before the first.
   *
   * @return the hit ratio, in {@code [0, 1]}
   */
  public double hitRatio() {
    long total = reused + created;
    return total == 0 ? 0.0 : (double) reused / total;
  }
}
