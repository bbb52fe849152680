package io.perfkit.cache.internal;

import io.perfkit.core.internal.Checks;

/**
 * A count-min sketch of 4-bit counters that estimates how often a key hash was seen recently, with
 * periodic halving so that old popularity fades (the "TinyLFU" frequency histogram).
 *
 * <p><b>Threading:</b> not thread-safe; callers serialise access (the off-heap tier calls it under its
 * lock). <b>Allocation:</b> the table (8 bytes per entry, rounded up to a power of two) is allocated in
 * direct memory at construction, so the sketch costs the Java heap a few fixed objects; nothing
 * afterwards.
 */
public final class FrequencySketch {
  /*
   * Each long holds sixteen 4-bit counters. A key's hash is mixed to 64 bits; four (index, nibble)
   * pairs are derived from it by double hashing, one per row of the count-min sketch (all rows share
   * one table, as in [1]). increment() raises the counters that are below 15; frequency() returns the
   * minimum of the four. After sampleSize successful increments every counter is halved, which keeps
   * the estimate a recency-weighted frequency (the "reset" operation of [1], section 3.3).
   *
   * [1] G. Einziger, R. Friedman, B. Manes. TinyLFU: A Highly Efficient Cache Admission Policy.
   *     ACM Transactions on Storage, 2017.
   */
  private static final long RESET_MASK = 0x7777_7777_7777_7777L;
  /** Default counter halving period, in increments per entry. */
  static final int SAMPLES_PER_ENTRY = 10;

  /** The table: {@code mask + 1} longs of {@code memory} from the even int index {@code tableBase}. */
  private final DirectMemory memory;
  private final long tableBase;
  private final int mask;
  private final int sampleSize;
  private int additions;

  /**
   * Creates a sketch sized for a cache of {@code maximumEntries}.
   *
   * @param maximumEntries the number of entries the cache holds; the table gets the next power of two
   *     of longs (sixteen counters per entry), the sample period is ten times this number
   * @throws IllegalArgumentException if {@code maximumEntries <= 0}
   */
  public FrequencySketch(long maximumEntries) {
    this(maximumEntries, SAMPLES_PER_ENTRY);
  }

  /**
   * Creates a sketch sized for a cache of {@code maximumEntries} that halves its counters after
   * {@code samplesPerEntry} times that many increments (the hit-ratio study varies it).
   *
   * @throws IllegalArgumentException if {@code maximumEntries <= 0} or {@code samplesPerEntry <= 0}
   */
  public FrequencySketch(long maximumEntries, int samplesPerEntry) {
    this(maximumEntries, samplesPerEntry, null, 0);
  }

  /**
   * A sketch whose table is the {@link #tableLength} longs of {@code memory} from the even int index
   * {@code base}, or memory of its own when {@code memory} is null.
   */
  FrequencySketch(long maximumEntries, int samplesPerEntry, DirectMemory memory, long base) {
    Checks.checkPositive(maximumEntries, "maximumEntries");
    Checks.checkPositive(samplesPerEntry, "samplesPerEntry");
    int length = tableLength(maximumEntries);
    if ((base & 1) != 0) {
      throw new IllegalArgumentException("base: " + base + " (expected: even)");
    }
    this.memory = memory == null ? new DirectMemory(2L * length) : memory;
    this.tableBase = memory == null ? 0 : base;
    mask = length - 1;
    sampleSize = (int) Math.min(Integer.MAX_VALUE / 2, samplesPerEntry * maximumEntries);
  }

  /** The number of longs in the table of a sketch for {@code maximumEntries} ({@code > 0}). */
  static int tableLength(long maximumEntries) {
    return (int) Math.min(1 << 30, Math.max(16, Long.highestOneBit(maximumEntries - 1) << 1));
  }

  /** Returns the estimated recent frequency of {@code hash}, in {@code [0, 15]}. */
  public int frequency(int hash) {
    long h = mix(hash);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    int min = 15;
    for (int i = 0; i < 4; i++) {
      int g = h1 + i * h2;
      int index = (g >>> 4) & mask;
      int shift = (g & 15) << 2;
      min = Math.min(min, (int) (getTable(index) >>> shift) & 15);
    }
    return min;
  }

  /** Records one occurrence of {@code hash}; halves every counter once per sample period. */
  public void increment(int hash) {
    long h = mix(hash);
    int h1 = (int) h;
    int h2 = (int) (h >>> 32) | 1;
    boolean added = false;
    for (int i = 0; i < 4; i++) {
      int g = h1 + i * h2;
      int index = (g >>> 4) & mask;
      int shift = (g & 15) << 2;
      long word = getTable(index);
      if (((word >>> shift) & 15) != 15) {
        setTable(index, word + (1L << shift));
        added = true;
      }
    }
    if (added && ++additions >= sampleSize) {
      reset();
    }
  }

  /** Forgets every count. */
  public void clear() {
    for (int i = 0; i < (mask + 1); i++) {
      setTable(i, 0L);
    }
    additions = 0;
  }

  private void reset() {
    for (int i = 0; i < (mask + 1); i++) {
      setTable(i, (getTable(i) >>> 1) & RESET_MASK);
    }
    additions >>>= 1;
  }

  /** A 64-bit finaliser (Stafford's variant 13 of MurmurHash3's fmix64) of the 32-bit hash. */
  private static long mix(int hash) {
    long z = hash * 0x9E37_79B9_7F4A_7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
    return z ^ (z >>> 31);
  }

  private long getTable(int index) {
    return memory.getLong(tableBase + 2L * index);
  }

  private void setTable(int index, long value) {
    memory.setLong(tableBase + 2L * index, value);
  }
}
