package io.perfkit.balance.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * In-flight counters of a small endpoint set packed side by side in one {@code int[]} chunk (16
 * counts, 64 bytes: one or two cache lines), instead of one padded cache line per endpoint.
 *
 * <p>Why: with two threads picking from the same ten endpoints, nearly every counter a pick reads
 * was just written by the other core. With one padded line per endpoint a power-of-two-choices
 * pick then takes a cache miss per candidate plus the winner's read-for-ownership, and a full scan
 * of ten endpoints ten misses; with the counts of the whole set in one or two lines it takes one or
 * two, whatever the number of candidates. For large sets the padded lines win (two random
 * candidates rarely share a line with the other core's last writes), so a balancer hands out
 * compact counters only while its set is small (see {@link #SET_LIMIT}).
 *
 * <p>One line or two depends on where the chunk lands: an array is only 8-byte aligned, so ten
 * counts (bytes 16-55 of the array) straddle a line boundary for half of its possible addresses,
 * and the collector may move it. Session 7 measured the contended two-choice pick 1.3-1.7x slower
 * on two lines than on one. A 64-byte-aligned direct buffer removed that but cost 8-10 ns per pick
 * uncontended (its view access), so the chunk stays an {@code int[]} (docs/benchmarks/balance.md).
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
  /** Counts per chunk: 16 {@code int}s, 64 bytes of elements. */
  public static final int CHUNK = 16;

  /** The largest set (members after the change) whose new endpoints get a compact counter. */
  public static final int SET_LIMIT = CHUNK;

  private static final VarHandle CELL = MethodHandles.arrayElementVarHandle(int[].class);

  private int[] chunk = new int[CHUNK];
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
      chunk = new int[CHUNK];
      used = 0;
    }
    return new Load(nowNanos, chunk, used++);
  }

  /**
   * Returns a count (a volatile read: a pick must see other threads' increments as soon as
   * possible; any interleaving only skews a heuristic).
   *
   * @param cells the chunk
   * @param slot the counter's slot
   * @return the in-flight count
   */
  public static int get(int[] cells, int slot) {
    return (int) CELL.getVolatile(cells, slot);
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
  public static int add(int[] cells, int slot, int delta) {
    return (int) CELL.getAndAdd(cells, slot, delta) + delta;
  }

  /** Compare-and-set: a cap check and its increment as one atomic step (bounded load). */
  static boolean compareAndSet(int[] cells, int slot, int expected, int next) {
    return CELL.compareAndSet(cells, slot, expected, next);
  }
}
