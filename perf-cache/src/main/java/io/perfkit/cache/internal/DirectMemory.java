package io.perfkit.cache.internal;

import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * One direct (off-heap) allocation, addressed in {@code int} units, that a tier carves into the
 * fixed-size regions of its metadata (index cells, list links, the frequency sketch, the residency
 * filter, the admission duel's miniatures) and, when it fits, its slot store. Each owner keeps this object and the base index of its
 * region (no view object per array: each was 32 bytes of heap). One allocation instead of one per
 * array: every direct buffer costs the Java heap a {@code DirectByteBuffer}, a {@code Cleaner} and a
 * {@code Deallocator} (136 bytes), a tier's only heap cost that is not a handful of fields.
 * Zero-filled at construction.
 *
 * <p>Not thread-safe but for the volatile accessors: the owning tier calls the plain ones under its
 * lock, whose happens-before edges publish the writes. The memory is returned when this object is
 * garbage collected (direct buffers cannot be freed eagerly without Unsafe).
 */
final class DirectMemory {
  /** Ints per chunk: 2^28 ints = 1 GiB, under a direct buffer's 2 GiB limit. */
  private static final int CHUNK_SHIFT = 28;
  private static final long CHUNK_MASK = (1L << CHUNK_SHIFT) - 1;
  /** The most ints a memory of one buffer holds (see {@link #buffer()}). */
  static final long BUFFER_INTS = 1L << CHUNK_SHIFT;
  private static final VarHandle INTS =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.nativeOrder());

  /** The first (usually the only) chunk. */
  private final ByteBuffer first;
  /** Every chunk, or null when there is one: an array would cost the heap 24 bytes. */
  private final ByteBuffer[] chunks;
  private final long ints;

  /**
   * Allocates {@code ints} zeroed ints.
   *
   * @throws IllegalArgumentException if {@code ints < 0}
   */
  DirectMemory(long ints) {
    Checks.checkNonNegative(ints, "ints");
    this.ints = ints;
    int count = (int) Math.max(1, (ints + CHUNK_MASK) >>> CHUNK_SHIFT);
    ByteBuffer[] all = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      long here = Math.max(0, Math.min(1L << CHUNK_SHIFT, ints - ((long) i << CHUNK_SHIFT)));
      all[i] = ByteBuffer.allocateDirect((int) here * Integer.BYTES).order(ByteOrder.nativeOrder());
    }
    first = all[0];
    chunks = count == 1 ? null : all;
  }

  /**
   * Returns the one direct buffer of a memory of at most 2^28 ints (native byte order; absolute
   * accesses only), for a region its owner addresses in bytes.
   *
   * @throws IllegalStateException if the memory is more than one buffer
   */
  ByteBuffer buffer() {
    Checks.requireState(chunks == null, "memory of %s ints is more than one buffer", ints);
    return first;
  }

  private ByteBuffer chunk(long index) {
    return index < BUFFER_INTS ? first : chunks[(int) (index >>> CHUNK_SHIFT)];
  }

  /** Returns the number of ints. */
  long ints() {
    return ints;
  }

  /** Returns the int at {@code index}. */
  int getInt(long index) {
    return chunk(index).getInt((int) (index & CHUNK_MASK) << 2);
  }

  /** Sets the int at {@code index}. */
  void setInt(long index, int value) {
    chunk(index).putInt((int) (index & CHUNK_MASK) << 2, value);
  }

  /** Returns the int at {@code index} with volatile semantics. */
  int getIntVolatile(long index) {
    // Volatile: callers pair it with setIntVolatile to publish a count to lock-free readers.
    return (int) INTS.getVolatile(chunk(index),
        (int) (index & CHUNK_MASK) << 2);
  }

  /** Sets the int at {@code index} with volatile semantics. */
  void setIntVolatile(long index, int value) {
    // Volatile: everything the writer did before is visible to a reader that sees this value.
    INTS.setVolatile(chunk(index), (int) (index & CHUNK_MASK) << 2, value);
  }

  /**
   * Returns the long in the two ints from {@code index}; {@code index} is even, so that the long never
   * straddles two chunks (their size is even).
   */
  long getLong(long index) {
    return chunk(index).getLong((int) (index & CHUNK_MASK) << 2);
  }

  /** Sets the long in the two ints from the even {@code index}. */
  void setLong(long index, long value) {
    chunk(index).putLong((int) (index & CHUNK_MASK) << 2, value);
  }

  /** Sets the {@code count} ints from {@code index} to {@code value}. */
  void fill(long index, long count, int value) {
    long end = index + count;
    long i = index;
    for (; i < end && (i & 1) != 0; i++) {
      setInt(i, value);
    }
    long pair = (value & 0xFFFF_FFFFL) | ((long) value << 32);
    for (; i + 2 <= end; i += 2) {
      setLong(i, pair);
    }
    for (; i < end; i++) {
      setInt(i, value);
    }
  }

  /**
   * Plans the regions of one {@link DirectMemory}: each call reserves the next region and returns its
   * first int index; {@link #allocate()} then allocates them all at once. Regions start at even
   * indices, so that long regions are aligned.
   */
  static final class Layout {
    private long next;

    /** A layout from int index 0. */
    Layout() {}

    /** A layout of a region that starts at the even int index {@code start}. */
    Layout(long start) {
      this.next = start;
    }

    /** Reserves {@code count} ints and returns the index of the first. */
    long ints(long count) {
      long at = next;
      next += (count + 1) & ~1L;
      return at;
    }

    /** Reserves {@code count} longs and returns the int index of the first. */
    long longs(long count) {
      return ints(2 * count);
    }

    /** Returns the ints reserved so far. */
    long size() {
      return next;
    }

    /** Allocates the memory for every region reserved. */
    DirectMemory allocate() {
      return new DirectMemory(next);
    }
  }
}
