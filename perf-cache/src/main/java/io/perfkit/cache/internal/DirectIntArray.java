package io.perfkit.cache.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A fixed-length {@code int} array in direct (off-heap) memory, so that per-entry metadata of the slot
 * tiers (index cells, list links) does not count against the Java heap. Zero-filled at construction.
 *
 * <p>Not thread-safe: the owning tier calls it under its own lock, whose happens-before edges publish
 * the plain writes. The memory is returned when the array is garbage collected (direct buffers cannot
 * be freed eagerly without Unsafe).
 */
final class DirectIntArray {
  /** Ints per chunk: 2^28 ints = 1 GiB, under a direct buffer's 2 GiB limit. */
  private static final int CHUNK_SHIFT = 28;
  private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

  private final ByteBuffer[] chunks;
  private final int length;

  /** Creates a zero-filled array of {@code length} ints; {@code length >= 0}. */
  DirectIntArray(int length) {
    this.length = length;
    int count = Math.max(1, (int) (((long) length + CHUNK_MASK) >>> CHUNK_SHIFT));
    chunks = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      long ints = Math.min(1L << CHUNK_SHIFT, length - ((long) i << CHUNK_SHIFT));
      chunks[i] = ByteBuffer.allocateDirect((int) Math.max(0, ints) * Integer.BYTES)
          .order(ByteOrder.nativeOrder());
    }
  }

  /** Returns the number of ints. */
  int length() {
    return length;
  }

  /** Returns the int at {@code index}. */
  int get(int index) {
    return chunks[index >>> CHUNK_SHIFT].getInt((index & CHUNK_MASK) << 2);
  }

  /** Sets the int at {@code index}. */
  void set(int index, int value) {
    chunks[index >>> CHUNK_SHIFT].putInt((index & CHUNK_MASK) << 2, value);
  }

  /** Sets every int to {@code value}. */
  void fill(int value) {
    long pair = (value & 0xFFFF_FFFFL) | ((long) value << 32);
    for (ByteBuffer chunk : chunks) {
      int bytes = chunk.capacity();
      int i = 0;
      for (; i + Long.BYTES <= bytes; i += Long.BYTES) {
        chunk.putLong(i, pair);
      }
      for (; i < bytes; i += Integer.BYTES) {
        chunk.putInt(i, value);
      }
    }
  }
}
