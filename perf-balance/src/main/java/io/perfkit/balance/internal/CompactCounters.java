package io.perfkit.balance.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * In-flight counters of a small endpoint set packed side by side in one chunk: 16 {@code int}
 * counts in one 64-byte-aligned cache line, instead of one padded cache line per endpoint.
 *
 * <p>Why: with two threads picking from the same ten endpoints, nearly every counter a pick reads
 * was just written by the other core. With one padded line per endpoint a power-of-two-choices
 * pick then takes a cache miss per candidate plus the winner's read-for-ownership, and a full scan
 * of ten endpoints ten misses; with the counts of the whole set in one line it takes one, whatever
 * the number of candidates. For large sets the padded lines win (two random candidates rarely
 * share a line with the other core's last writes), so a balancer hands out compact counters only
 * while its set is small (see {@link #SET_LIMIT}).
 *
 * <p>Why a direct buffer: a Java array is only 8-byte aligned, so the 40 bytes of ten counts in
 * an {@code int[]} straddle two cache lines for half of the array's possible addresses (and the
 * address changes when the collector moves the array); a pick then meets two contended lines
 * instead of one, and how often depended on where the array happened to land (session 7 measured
 * the two-line layout at 1.5-1.6x the one-line layout's contended pick). A chunk is therefore a
 * 64-byte-aligned slice of a 128-byte direct buffer: one line, never moved, holding nothing but
 * counts. Its native memory (128 bytes per 16 endpoints added) is freed by the buffer's cleaner
 * when the balancer and every lease holding a load of the chunk are unreachable.
 *
 * <p>A counter never moves: a chunk slot belongs to one {@link Load} for that load's lifetime (a
 * lease of a removed endpoint may still decrement it), and a full chunk is followed by a new one.
 * So churn can leave a small set spread over two chunks; the balancer then reads the counts
 * through each {@link Load} (correct, one more hop) until the set fits one chunk again.
 *
 * <p>Not thread-safe as an allocator: {@link #newLoad} is called under the balancer's writer lock.
 * The static accessors are thread-safe (atomic read-modify-writes and volatile reads of the
 * elements).
 */
public final class CompactCounters {
  /** Counts per chunk: 16 {@code int}s, one 64-byte cache line. */
  public static final int CHUNK = 16;

  /** The cache line size a chunk is aligned to (64 bytes on x86-64 and most ARM cores). */
  static final int LINE = 64;

  /** The largest set (members after the change) whose new endpoints get a compact counter. */
  public static final int SET_LIMIT = CHUNK;

  /** The chunk's counts as {@code int}s at byte offsets {@code 4 * slot} (native order). */
  private static final VarHandle CELL =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  private ByteBuffer chunk = newChunk();
  private int used;

  /**
   * Creates the load of a new endpoint: with a compact counter if the set will have at most {@link
   * #SET_LIMIT} members, else a load with its own padded counter.
   *
   * @param nowNanos the ticker time (the estimate's first stamp)
   * @param setSize the number of members once the endpoint is added
   * @return the load
   */
  public Load newLoad(long nowNanos, int setSize) {
    if (setSize > SET_LIMIT) {
      return new Load(nowNanos);
    }
    if (used == CHUNK) {
      chunk = newChunk();
      used = 0;
    }
    return new Load(nowNanos, chunk, used++);
  }

  /**
   * A new chunk: {@link #CHUNK} zero counts in one {@link #LINE}-aligned line. The 128-byte
   * allocation holds a 64-byte-aligned slice of 64 bytes wherever the allocator puts it.
   */
  static ByteBuffer newChunk() {
    ByteBuffer line = ByteBuffer.allocateDirect(2 * LINE).alignedSlice(LINE);
    return line.limit(LINE).slice(); // direct memory is zeroed on allocation
  }

  /**
   * Returns a count (a volatile read: a pick must see other threads' increments as soon as
   * possible; any interleaving only skews a heuristic).
   *
   * @param cells the chunk
   * @param slot the counter's slot
   * @return the in-flight count
   */
  public static int get(ByteBuffer cells, int slot) {
    return (int) CELL.getVolatile(cells, slot << 2);
  }

  /**
   * Adds {@code delta} to a count and returns the new value (an atomic add: concurrent picks and
   * completions must not lose updates, so counts return to 0).
   *
   * @param cells the chunk
   * @param slot the counter's slot
   * @param delta the amount to add
   * @return the count after the addition
   */
  public static int add(ByteBuffer cells, int slot, int delta) {
    return (int) CELL.getAndAdd(cells, slot << 2, delta) + delta;
  }

  /** Compare-and-set: a cap check and its increment as one atomic step (bounded load). */
  static boolean compareAndSet(ByteBuffer cells, int slot, int expected, int next) {
    return CELL.compareAndSet(cells, slot << 2, expected, next);
  }
}
