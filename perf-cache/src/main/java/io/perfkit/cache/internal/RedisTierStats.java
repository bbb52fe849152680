package io.perfkit.cache.internal;

/**
 * An immutable snapshot of a {@link RedisTier}'s counters. Each counter is read independently, so a
 * snapshot taken while the tier is in use may mix slightly different instants (as Caffeine's
 * {@code CacheStats} does).
 *
 * @param hits reads that found a value
 * @param misses reads that found no value (not counting failed reads)
 * @param readFailures reads that failed (timeout, connection loss, server error) and were answered as misses
 * @param writes writes (put, invalidate, invalidateAll) that reached Redis
 * @param writeFailures writes that did not reach Redis (reported through the listener)
 * @param published invalidation messages this instance published
 * @param received invalidation messages from other instances delivered to the listener
 * @param resyncs times the listener was asked to resynchronise (pub/sub connection lost or restored)
 * @param listenerFailures listener callbacks that threw
 */
public record RedisTierStats(
    long hits,
    long misses,
    long readFailures,
    long writes,
    long writeFailures,
    long published,
    long received,
    long resyncs,
    long listenerFailures) {}
