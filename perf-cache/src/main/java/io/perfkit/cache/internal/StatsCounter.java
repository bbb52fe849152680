package io.perfkit.cache.internal;

import java.util.concurrent.atomic.LongAdder;

/**
 * The tiered cache's striped counters (one {@link LongAdder} each, so recording never contends).
 * Thread-safe.
 */
public final class StatsCounter {
  /** Lookups answered by L1. */
  public final LongAdder heapHits = new LongAdder();
  /** Lookups answered by L2. */
  public final LongAdder offHeapHits = new LongAdder();
  /** Lookups no tier answered. */
  public final LongAdder misses = new LongAdder();
  /** Loader calls that returned a value. */
  public final LongAdder loadSuccesses = new LongAdder();
  /** Loader calls that threw or returned null. */
  public final LongAdder loadFailures = new LongAdder();
  /** Nanoseconds spent in loaders. */
  public final LongAdder loadNanos = new LongAdder();
  /** L1 victims offered to L2. */
  public final LongAdder spills = new LongAdder();
  /** Records too large for L2's slots. */
  public final LongAdder oversizeSkips = new LongAdder();
  /** Serializer calls that threw or returned null. */
  public final LongAdder serializationFailures = new LongAdder();
  /** Lookups answered by L3. */
  public final LongAdder persistentHits = new LongAdder();
  /** L2 or L3 entries moved up to L1. */
  public final LongAdder promotions = new LongAdder();
}
