package io.perfkit.cache.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

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
  private static final VarHandle COUNTERS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private final ByteBuffer counters;
  private final int mask;

  /** Creates an empty filter for a tier of {@code capacity} entries (two buckets per entry). */
  public ResidencyFilter(int capacity) {
    long wanted = Math.max(2, Math.min(MAX_BUCKETS, 2L * capacity));
    int buckets = Integer.highestOneBit((int) (wanted - 1)) << 1;
    this.counters = ByteBuffer.allocateDirect(buckets * Integer.BYTES).order(ByteOrder.nativeOrder());
    this.mask = buckets - 1;
  }

  /** Returns false only if no record with {@code hash} is held (lock-free). */
  public boolean mayContain(int hash) {
    // Volatile read: sees every increment that precedes it in the synchronization order.
    return (int) COUNTERS.getVolatile(counters, offset(hash)) != 0;
  }

  /** Counts a record of {@code hash} in (under the tier's lock). */
  public void increment(int hash) {
    int offset = offset(hash);
    // Plain read (only the lock holder writes), volatile write: publishes the count to mayContain.
    COUNTERS.setVolatile(counters, offset, (int) COUNTERS.get(counters, offset) + 1);
  }

  /** Counts a record of {@code hash} out (under the tier's lock). */
  public void decrement(int hash) {
    int offset = offset(hash);
    // As in increment; a reader that still sees the old non-zero count only does needless work.
    COUNTERS.setVolatile(counters, offset, (int) COUNTERS.get(counters, offset) - 1);
  }

  /** Zeroes every counter (under the tier's lock, when the tier is emptied). */
  public void clear() {
    for (int offset = 0; offset < counters.capacity(); offset += Integer.BYTES) {
      // Volatile zeroing: a zero is only ever published after the records it covers are gone.
      COUNTERS.setVolatile(counters, offset, 0);
    }
  }

  private int offset(int hash) {
    int spread = (hash ^ (hash >>> 16)) * 0x45d9f3b;
    return ((spread ^ (spread >>> 16)) & mask) << 2;
  }
}
