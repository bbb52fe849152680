package io.perfkit.cache.internal;

/**
 * A counting filter of the hashes a slot tier holds, readable without the tier's lock: one counter per
 * bucket of hashes, in direct memory, incremented when a record is indexed and decremented when it is
 * removed. A zero counter proves that the tier holds no record of any hash in that bucket; a non-zero
 * one proves nothing (another hash may share the bucket). Lets a writer skip taking the tier's lock to
 * remove a key the tier cannot hold.
 *
 * <p><b>Threading:</b> {@link #increment}, {@link #decrement} and {@link #clear} are called under the
 * owning tier's lock (one writer at a time); {@link #mayContain} from any thread. Counters are written
 * and read with volatile access, so a reader sees every change that precedes its read in the
 * synchronization order: a record indexed (and its tier's lock released) before the read began is seen.
 */
public final class ResidencyFilter {
  /** Most buckets (2^24 counters, 64 MiB), however large the tier. */
  private static final int MAX_BUCKETS = 1 << 24;

  /** The counters: {@code mask + 1} ints of {@code memory} from {@code countersBase}. */
  private final DirectMemory memory;
  private final long countersBase;
  private final int mask;

  /** Creates an empty filter for a tier of {@code capacity} entries (two buckets per entry). */
  public ResidencyFilter(int capacity) {
    this(capacity, new DirectMemory(buckets(capacity)), 0);
  }

  /**
   * As {@link #ResidencyFilter(int)}, its counters the {@link #buckets} ints of {@code memory} from
   * {@code base}.
   */
  ResidencyFilter(int capacity, DirectMemory memory, long base) {
    int buckets = buckets(capacity);
    this.memory = memory;
    this.countersBase = base;
    this.mask = buckets - 1;
  }

  /** The number of counters for a tier of {@code capacity} entries. */
  static int buckets(int capacity) {
    long wanted = Math.max(2, Math.min(MAX_BUCKETS, 2L * capacity));
    return Integer.highestOneBit((int) (wanted - 1)) << 1;
  }

  /** Returns false only if no record with {@code hash} is held (lock-free). */
  public boolean mayContain(int hash) {
    // Volatile read: sees every increment that precedes it in the synchronization order.
    return getCounterVolatile(bucket(hash)) != 0;
  }

  /** Counts a record of {@code hash} in (under the tier's lock). */
  public void increment(int hash) {
    int bucket = bucket(hash);
    // Plain read (only the lock holder writes), volatile write: publishes the count to mayContain.
    setCounterVolatile(bucket, getCounter(bucket) + 1);
  }

  /** Counts a record of {@code hash} out (under the tier's lock). */
  public void decrement(int hash) {
    int bucket = bucket(hash);
    // As in increment; a reader that still sees the old non-zero count only does needless work.
    setCounterVolatile(bucket, getCounter(bucket) - 1);
  }

  /** Zeroes every counter (under the tier's lock, when the tier is emptied). */
  public void clear() {
    for (int bucket = 0; bucket < (mask + 1); bucket++) {
      // Volatile zeroing: a zero is only ever published after the records it covers are gone.
      setCounterVolatile(bucket, 0);
    }
  }

  private int bucket(int hash) {
    int spread = (hash ^ (hash >>> 16)) * 0x45d9f3b;
    return (spread ^ (spread >>> 16)) & mask;
  }

  private int getCounter(int index) {
    return memory.getInt(countersBase + index);
  }

  private void setCounter(int index, int value) {
    memory.setInt(countersBase + index, value);
  }

  private int getCounterVolatile(int index) {
    return memory.getIntVolatile(countersBase + index);
  }

  private void setCounterVolatile(int index, int value) {
    memory.setIntVolatile(countersBase + index, value);
  }
}
