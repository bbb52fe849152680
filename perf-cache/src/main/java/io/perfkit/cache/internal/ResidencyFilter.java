package io.perfkit.cache.internal;

/**
 * A counting filter of the hashes a slot tier holds, readable without the tier's lock: one counter per
 * bucket of hashes, in direct memory, incremented when a record is indexed and decremented when it is
 * removed. A zero counter proves that the tier holds no record of any hash in that bucket; a non-zero
 * one proves nothing (another hash may share the bucket). Lets a writer skip taking the tier's lock to
 * remove a key the tier cannot hold.
 *
 * <p>The filter has no heap object: it is a region of {@link #buckets} ints of its owner's {@link
 * DirectMemory}, which these static methods read and write; the owner knows the region's base and its
 * tier's capacity (the bucket count follows from it), so the filter costs the heap nothing (it was a
 * 32-byte object).
 *
 * <p><b>Threading:</b> {@link #increment}, {@link #decrement} and {@link #clear} are called under the
 * owning tier's lock (one writer at a time); {@link #mayContain} from any thread. Counters are written
 * and read with volatile access, so a reader sees every change that precedes its read in the
 * synchronization order: a record indexed (and its tier's lock released) before the read began is seen.
 */
final class ResidencyFilter {
  /** Most buckets (2^24 counters, 64 MiB), however large the tier. */
  private static final int MAX_BUCKETS = 1 << 24;

  private ResidencyFilter() {}

  /** The number of buckets (and ints) of the filter of a tier of {@code capacity} entries. */
  static int buckets(int capacity) {
    long wanted = Math.max(2, Math.min(MAX_BUCKETS, 2L * capacity));
    return Integer.highestOneBit((int) (wanted - 1)) << 1;
  }

  /**
   * Returns false only if no record of {@code hash} is counted in the filter of a tier of {@code
   * capacity} entries whose counters are the ints of {@code memory} from {@code base}; from any thread.
   */
  static boolean mayContain(DirectMemory memory, long base, int capacity, int hash) {
    // Volatile read: sees every increment that precedes it in the synchronization order.
    return memory.getIntVolatile(base + bucket(capacity, hash)) != 0;
  }

  /** Counts a record of {@code hash} (under the owner's lock). */
  static void increment(DirectMemory memory, long base, int capacity, int hash) {
    long at = base + bucket(capacity, hash);
    // Plain read (only the lock holder writes), volatile write: publishes the count to mayContain.
    memory.setIntVolatile(at, memory.getInt(at) + 1);
  }

  /** Uncounts a record of {@code hash} (under the owner's lock). */
  static void decrement(DirectMemory memory, long base, int capacity, int hash) {
    long at = base + bucket(capacity, hash);
    // As in increment; a reader that still sees the old non-zero count only does needless work.
    memory.setIntVolatile(at, memory.getInt(at) - 1);
  }

  /** Zeroes every counter (under the owner's lock). */
  static void clear(DirectMemory memory, long base, int capacity) {
    int buckets = buckets(capacity);
    for (int bucket = 0; bucket < buckets; bucket++) {
      // Volatile zeroing: a zero is only ever published after the records it covers are gone.
      memory.setIntVolatile(base + bucket, 0);
    }
  }

  private static int bucket(int capacity, int hash) {
    int spread = (hash ^ (hash >>> 16)) * 0x45d9f3b;
    return (spread ^ (spread >>> 16)) & (buckets(capacity) - 1);
  }
}
