package io.perfkit.cache.stats;

/**
 * An immutable snapshot of a tiered cache's remote (Redis) tier counters, part of {@link
 * TieredCacheStats}. All zero (and not connected) when the cache has no remote tier. Counters are read
 * one by one, so a snapshot taken under load may mix slightly different instants.
 *
 * @param connected whether the data and invalidation connections were up when the snapshot was taken
 * @param hitCount lookups that missed every local tier and were answered by Redis (counted only with
 *     {@code recordStats()}, like the other hit counts)
 * @param readFailureCount Redis reads that failed (not connected, timeout, server error) and fell
 *     through to the loader
 * @param writeCount writes (put, fill of a loaded value, invalidate, invalidateAll) Redis acknowledged
 * @param writeFailureCount writes that did not reach Redis (each reported to the listener)
 * @param publishedCount invalidation messages this instance published
 * @param receivedCount invalidation messages from other instances applied to the local tiers
 * @param resyncCount times the local tiers were cleared because invalidations may have been missed
 *     (connection lost, and again when restored)
 * @param unsyncedKeyCount keys whose Redis write failed and whose Redis copy is not yet repaired
 *     (this instance does not read them from Redis meanwhile)
 * @param namespaceUnsynced whether the whole namespace awaits repair (too many unsynced keys, or a
 *     failed invalidateAll): this instance then reads nothing from Redis until it is repaired
 * @param repairCount keys (or namespace wipes) repaired after Redis became reachable again
 * @param skippedFillCount loaded values not written to Redis because the key was invalidated while
 *     it was loading (writing them could have resurrected an older value)
 * @param listenerFailureCount listener callbacks that threw
 */
public record RemoteTierStats(
    boolean connected,
    long hitCount,
    long readFailureCount,
    long writeCount,
    long writeFailureCount,
    long publishedCount,
    long receivedCount,
    long resyncCount,
    long unsyncedKeyCount,
    boolean namespaceUnsynced,
    long repairCount,
    long skippedFillCount,
    long listenerFailureCount) {

  /** The snapshot of a cache without a remote tier. */
  public static final RemoteTierStats NONE =
      new RemoteTierStats(false, 0, 0, 0, 0, 0, 0, 0, 0, false, 0, 0, 0);
}
