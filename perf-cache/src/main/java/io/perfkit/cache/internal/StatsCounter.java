package io.perfkit.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;

/**
 * The tiered cache's striped counters (one {@link LongAdder} each, so recording never contends).
 * The per-request counters (hits, misses, loads) exist only when the cache records statistics
 * ({@code recordStats()}); otherwise they are null and never touched, so a cache that does not record
 * them does not carry their objects on the heap. The event counters (spills, skips, failures,
 * promotions) are fields of this object, added to atomically. Thread-safe.
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
  /*
   * The event counters are plain long fields updated with an atomic add rather than LongAdders: each
   * LongAdder costs the heap 32 bytes before it ever stripes, and every cache has these four, while
   * the events are rare or already serialised (spills run inside L1's eviction, oversize skips inside
   * a spill, promotions after an L2 or L3 hit that took that tier's lock).
   */
  private static final VarHandle SPILLS;
  private static final VarHandle OVERSIZE_SKIPS;
  private static final VarHandle SERIALIZATION_FAILURES;
  private static final VarHandle PROMOTIONS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SPILLS = lookup.findVarHandle(StatsCounter.class, "spills", long.class);
      OVERSIZE_SKIPS = lookup.findVarHandle(StatsCounter.class, "oversizeSkips", long.class);
      SERIALIZATION_FAILURES =
          lookup.findVarHandle(StatsCounter.class, "serializationFailures", long.class);
      PROMOTIONS = lookup.findVarHandle(StatsCounter.class, "promotions", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** L1 victims offered to L2. */
  private volatile long spills;
  /** Records too large for L2's or L3's slots. */
  private volatile long oversizeSkips;
  /** Serializer calls that threw or returned null. */
  private volatile long serializationFailures;
  /** L2 or L3 entries moved up to L1. */
  private volatile long promotions;

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

  /** Counts an L1 victim offered to L2. */
  public void spill() {
    // Atomic add: spills of different keys may run concurrently; no ordering is needed.
    SPILLS.getAndAdd(this, 1L);
  }

  /** Counts a record too large for a tier's slots. */
  public void oversizeSkip() {
    // Atomic add: a count only, no ordering with other memory.
    OVERSIZE_SKIPS.getAndAdd(this, 1L);
  }

  /** Counts a serializer call that threw or returned null. */
  public void serializationFailure() {
    // Atomic add: a count only, no ordering with other memory.
    SERIALIZATION_FAILURES.getAndAdd(this, 1L);
  }

  /** Counts an entry moved up to L1. */
  public void promotion() {
    // Atomic add: a count only, no ordering with other memory.
    PROMOTIONS.getAndAdd(this, 1L);
  }

  /** Returns the L1 victims offered to L2 so far. */
  public long spills() {
    return spills; // volatile read: a snapshot for stats()
  }

  /** Returns the records skipped as too large so far. */
  public long oversizeSkips() {
    return oversizeSkips; // volatile read: a snapshot for stats()
  }

  /** Returns the serializer failures so far. */
  public long serializationFailures() {
    return serializationFailures; // volatile read: a snapshot for stats()
  }

  /** Returns the promotions so far. */
  public long promotions() {
    return promotions; // volatile read: a snapshot for stats()
  }

  /** Returns {@code counter}'s sum, or 0 for an absent (null) counter. */
  public static long sum(LongAdder counter) {
    return counter == null ? 0 : counter.sum();
  }
}
