package io.perfkit.cache.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The tiered cache's striped counters (one {@link LongAdder} each, so recording never contends).
 * The per-request counters (hits, misses, loads) exist only when the cache records statistics
 * ({@code recordStats()}); otherwise they are null and never touched, so a cache that does not record
 * them does not carry their objects on the heap. The event counters (spills, skips, failures,
 * promotions) always exist. Thread-safe.
 */
public final class StatsCounter {
  /** Lookups answered by L1; null unless per-request counting is on. */
  public final LongAdder heapHits;
  /** Lookups answered by L2; null unless per-request counting is on. */
  public final LongAdder offHeapHits;
  /** Lookups no tier answered; null unless per-request counting is on. */
  public final LongAdder misses;
  /** Loader calls that returned a value; null unless per-request counting is on. */
  public final LongAdder loadSuccesses;
  /** Loader calls that threw or returned null; null unless per-request counting is on. */
  public final LongAdder loadFailures;
  /** Nanoseconds spent in loaders; null unless per-request counting is on. */
  public final LongAdder loadNanos;
  /** Lookups answered by L3; null unless per-request counting is on. */
  public final LongAdder persistentHits;
  /** L1 victims offered to L2. */
  public final LongAdder spills = new LongAdder();
  /** Records too large for L2's slots. */
  public final LongAdder oversizeSkips = new LongAdder();
  /** Serializer calls that threw or returned null. */
  public final LongAdder serializationFailures = new LongAdder();
  /** L2 or L3 entries moved up to L1. */
  public final LongAdder promotions = new LongAdder();

  /**
   * Creates the counters.
   *
   * @param perRequest whether to create the per-request counters (the cache records statistics)
   */
  public StatsCounter(boolean perRequest) {
    heapHits = perRequest ? new LongAdder() : null;
    offHeapHits = perRequest ? new LongAdder() : null;
    misses = perRequest ? new LongAdder() : null;
    loadSuccesses = perRequest ? new LongAdder() : null;
    loadFailures = perRequest ? new LongAdder() : null;
    loadNanos = perRequest ? new LongAdder() : null;
    persistentHits = perRequest ? new LongAdder() : null;
  }

  /** Returns {@code counter}'s sum, or 0 for an absent (null) counter. */
  public static long sum(LongAdder counter) {
    return counter == null ? 0 : counter.sum();
  }
}
