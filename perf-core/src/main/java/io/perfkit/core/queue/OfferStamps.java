package io.perfkit.core.queue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The offer times of sampled queue positions, kept beside the queue so that elements travel
 * unwrapped: a producer stamps position {@code k} (a multiple of the sample interval) with {@code
 * System.nanoTime()} before it offers the element that takes that position, and the consumer that
 * polls position {@code k} takes the stamp back. Used by {@link InstrumentedQueueWrapper} only.
 *
 * <p><b>Threading:</b> {@link #stampSingleWriter} by one producer thread at a time; {@link
 * #stampShared}, {@link #withdraw}, {@link #take} and {@link #takeShared} by any thread.
 * <b>Ordering:</b> a stamp written before the element is offered is visible to the consumer that
 * polls the element, through the queue's own release/acquire of the element. <b>Progress:</b>
 * wait-free. <b>Allocation:</b> none after construction.
 */
final class OfferStamps {
  /*
   * Layout: slot s holds the pair (key, nanos) at longs [2s, 2s + 1]; position k lives in slot
   * (k / interval) mod slots. A slot is a small seqlock: a writer first sets the key to BUSY, then
   * writes the time, then publishes the key with a release store; a reader reads the key (acquire),
   * the time, and the key again (after a load-load fence), and keeps the time only if both key reads
   * equal the position it wants. A reader that sees a newer writer's time therefore sees BUSY or the
   * newer key on its second read, never the key it wants with a foreign time.
   *
   * Single-writer stamping (one producer) needs no atomic operation. With several producers a
   * writer claims the slot with a CAS from a non-BUSY key to BUSY and skips the sample if another
   * writer holds it, so two writers never interleave their time and key stores. Readers that may
   * race for the same position (several consumers) take the stamp with a CAS from the key to EMPTY,
   * so exactly one of them records it.
   *
   * Sizing: a producer may stamp position k + slots * interval (overwriting k's slot) only after
   * the queue had room for it, i.e. after the consumer polled position k + slots * interval -
   * capacity; if slots * interval >= capacity + 2, that poll follows the consumer's read of k's
   * stamp in program order, and the queue's own hand-back of the slot orders the read before the
   * overwrite. Beyond MAX_SLOTS (unbounded or very large queues) a stamp may be overwritten before
   * it is read: the seqlock then drops that sample, it never pairs a position with a wrong time.
   *
   * The one exception is ABA across a whole table lap: a reader's two key reads (or its read and
   * its CAS) can both see position k around a foreign time only if, in between, a writer of k +/-
   * slots * interval and then a second writer of k itself completed. With one producer that cannot
   * happen (it writes k again only before k is offered, and other keys only after); with several it
   * needs a producer descheduled for a full lap between reading the queue's index and stamping.
   */

  /** A slot whose writer has not finished. */
  static final long BUSY = -1L;
  /** A slot that holds no stamp (never written, taken by a consumer, or withdrawn). */
  static final long EMPTY = -2L;
  /** Upper bound on slots (16 KiB of stamps). */
  static final int MAX_SLOTS = 1024;

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] pairs;
  private final int slotMask;
  private final int intervalShift;

  /**
   * @param sampleInterval a power of two
   * @param capacity the queue's capacity, or a negative value if it is unbounded
   */
  OfferStamps(int sampleInterval, int capacity) {
    this.intervalShift = Integer.numberOfTrailingZeros(sampleInterval);
    this.slotMask = slotsFor(sampleInterval, capacity) - 1;
    this.pairs = new long[2 * (slotMask + 1)];
    for (int i = 0; i < pairs.length; i += 2) {
      pairs[i] = EMPTY; // plain: the constructor's writes are published with the queue wrapper
    }
  }

  /** Slots such that slots * sampleInterval >= capacity + 2, a power of two in [2, MAX_SLOTS]. */
  static int slotsFor(int sampleInterval, int capacity) {
    if (capacity < 0) {
      return MAX_SLOTS;
    }
    long needed = ((long) capacity + 2 + sampleInterval - 1) / sampleInterval;
    if (needed >= MAX_SLOTS) {
      return MAX_SLOTS;
    }
    return Math.max(2, Integer.highestOneBit((int) needed - 1) << 1);
  }

  /** The raw table, for tests. */
  long[] pairsForTest() {
    return pairs;
  }

  /** Slots in the table. */
  int slots() {
    return slotMask + 1;
  }

  private int keyIndex(long position) {
    return (int) ((position >>> intervalShift) & slotMask) << 1;
  }

  /** Stamps {@code position} with the current time; the caller is the only writer. */
  void stampSingleWriter(long position) {
    int i = keyIndex(position);
    LONGS.setOpaque(pairs, i, BUSY); // opaque: the seqlock's "writing" mark, ordered by the fence
    VarHandle.storeStoreFence(); // the BUSY mark before the new time
    LONGS.setOpaque(pairs, i + 1, System.nanoTime()); // opaque: no tearing; ordered by the release
    LONGS.setRelease(pairs, i, position); // release: the time before the key that vouches for it
  }

  /**
   * Stamps {@code position} with {@code nanos} unless another writer holds its slot.
   *
   * @return whether the stamp was written
   */
  boolean stampShared(long position, long nanos) {
    int i = keyIndex(position);
    long old = (long) LONGS.getOpaque(pairs, i); // opaque: a hint, the CAS decides
    // volatile CAS: claims the slot against other writers and orders BUSY before the time store
    if (old == BUSY || !LONGS.compareAndSet(pairs, i, old, BUSY)) {
      return false;
    }
    LONGS.setOpaque(pairs, i + 1, nanos); // opaque: ordered by the release below
    LONGS.setRelease(pairs, i, position); // release: the time before the key that vouches for it
    return true;
  }

  /** Removes the stamp of {@code position} if it is still there (its offer failed). */
  void withdraw(long position) {
    LONGS.compareAndSet(pairs, keyIndex(position), position, EMPTY); // CAS: only our own key
  }

  /**
   * The stamp of {@code position}, for its only reader.
   *
   * @return the stamped time, or {@link Long#MIN_VALUE} if there is none
   */
  long take(long position) {
    int i = keyIndex(position);
    // acquire: pairs with the writer's release of the key, so the time read below is its time
    if ((long) LONGS.getAcquire(pairs, i) != position) {
      return Long.MIN_VALUE;
    }
    long nanos = (long) LONGS.getOpaque(pairs, i + 1); // opaque: no tearing; validated below
    VarHandle.loadLoadFence(); // the time before the validating key read
    return (long) LONGS.getOpaque(pairs, i) == position ? nanos : Long.MIN_VALUE;
  }

  /**
   * The stamp of {@code position}, for one of several racing readers: at most one gets it.
   *
   * @return the stamped time, or {@link Long#MIN_VALUE} if there is none or another reader took it
   */
  long takeShared(long position) {
    int i = keyIndex(position);
    // acquire: pairs with the writer's release of the key, so the time read below is its time
    if ((long) LONGS.getAcquire(pairs, i) != position) {
      return Long.MIN_VALUE;
    }
    long nanos = (long) LONGS.getOpaque(pairs, i + 1); // opaque: validated by the CAS
    // volatile CAS: the key still vouches for the time read above, and no other reader records it
    return LONGS.compareAndSet(pairs, i, position, EMPTY) ? nanos : Long.MIN_VALUE;
  }
}
