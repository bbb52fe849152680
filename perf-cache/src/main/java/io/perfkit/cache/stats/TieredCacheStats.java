package io.perfkit.cache.stats;

/**
 * An immutable snapshot of a tiered cache's counters, taken by {@code TieredCache.stats()}.
 *
 * <p>Counters are read one by one without a global pause, so a snapshot taken under load may be
 * slightly inconsistent between fields (each field is exact on its own). The per-request counts (hits,
 * misses, loads, load time) are zero unless the cache was built with {@code recordStats()}; the tier
 * events (spills, rejections, evictions, oversize skips, serialization failures, promotions) are always
 * counted, because they are rare and are how failures are reported.
 *
 * @param heapHitCount lookups answered by the on-heap tier (L1)
 * @param offHeapHitCount lookups answered by the off-heap tier (L2)
 * @param missCount lookups no tier could answer
 * @param loadSuccessCount loader calls that returned a value
 * @param loadFailureCount loader calls that threw or returned {@code null}
 * @param totalLoadTimeNanos time spent in loaders
 * @param spillCount entries evicted from L1 and offered to L2
 * @param admissionRejectCount spilled entries L2's frequency filter turned away
 * @param offHeapEvictionCount entries evicted from L2 (size or expiry)
 * @param oversizeSkipCount spilled entries too large for the slots of every lower tier, so not stored
 * @param serializationFailureCount serializer calls that threw or returned {@code null}
 * @param promotionCount L2 or L3 entries moved up to L1 after enough hits
 * @param persistentHitCount lookups answered by the persistent tier (L3)
 * @param persistentEvictionCount entries evicted from L3 (size or expiry)
 * @param persistentCorruptDropCount L3 records dropped because their checksum did not match (torn by
 *     a crash or damaged on disk), on open or on read
 * @param persistentRecoveredCount L3 records found intact when its file was opened
 * @param remoteTier the remote (Redis) tier's counters; {@link RemoteTierStats#NONE} without one
 */
public record TieredCacheStats(
    long heapHitCount,
    long offHeapHitCount,
    long missCount,
    long loadSuccessCount,
    long loadFailureCount,
    long totalLoadTimeNanos,
    long spillCount,
    long admissionRejectCount,
    long offHeapEvictionCount,
    long oversizeSkipCount,
    long serializationFailureCount,
    long promotionCount,
    long persistentHitCount,
    long persistentEvictionCount,
    long persistentCorruptDropCount,
    long persistentRecoveredCount,
    RemoteTierStats remoteTier) {

  /**
   * Checks the snapshot.
   *
   * @throws NullPointerException if {@code remoteTier} is null
   */
  public TieredCacheStats {
    java.util.Objects.requireNonNull(remoteTier, "remoteTier");
  }

  /** Returns the number of lookups: hits in any tier (the remote one included) plus misses. */
  public long requestCount() {
    return heapHitCount + offHeapHitCount + persistentHitCount + remoteTier.hitCount() + missCount;
  }

  /** Returns the fraction of lookups answered by any tier, or 1.0 when there were none. */
  public double hitRate() {
    long requests = requestCount();
    long hits = heapHitCount + offHeapHitCount + persistentHitCount + remoteTier.hitCount();
    return requests == 0 ? 1.0 : (double) hits / requests;
  }
}
