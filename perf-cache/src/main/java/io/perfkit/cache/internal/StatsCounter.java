package io.perfkit.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.ToLongFunction;

/**
 * The tiered cache's striped counters (one {@link LongAdder} each, so recording never contends).
 * The per-request counters (hits, misses, loads) exist only when the cache records statistics
 * ({@code recordStats()}); otherwise {@link #requests} is null and never touched, so a cache that does not record
 * them does not carry their objects on the heap. The event counters (spills, skips, failures,
 * promotions) are fields of this object, added to atomically. Thread-safe.
 */
public final class StatsCounter {
  /**
   * The per-request counters, or null unless the cache records statistics: one reference here
   * instead of seven (28 bytes of every cache that does not record them).
   */
  public final Requests requests;

  /** The per-request counters (one {@link LongAdder} each). */
  public static final class Requests {
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
    /** Lookups answered by L3. */
    public final LongAdder persistentHits = new LongAdder();

    Requests() {}
  }

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
    requests = perRequest ? new Requests() : null;
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

  /** Returns the sum of the per-request counter {@code counter} picks, or 0 when they are absent. */
  public long sum(ToLongFunction<Requests> counter) {
    return requests == null ? 0 : counter.applyAsLong(requests);
  }
}
