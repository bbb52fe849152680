package io.perfkit.cache.internal;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A fixed-length {@code long} array in direct (off-heap) memory: the frequency sketch's table, so that
 * the sketch sized for every tier's entries does not count against the Java heap. Zero-filled at
 * construction.
 *
 * <p>Not thread-safe: the owner serialises access (the off-heap tier's lock publishes the plain
 * writes). The memory is returned when the array is garbage collected.
 */
final class DirectLongArray {
  /** Longs per chunk: 2^27 longs = 1 GiB, under a direct buffer's 2 GiB limit. */
  private static final int CHUNK_SHIFT = 27;
  private static final int CHUNK_MASK = (1 << CHUNK_SHIFT) - 1;

  private final ByteBuffer[] chunks;
  private final int length;

  /** Creates a zero-filled array of {@code length} longs; {@code length >= 0}. */
  DirectLongArray(int length) {
    this.length = length;
    int count = Math.max(1, (int) (((long) length + CHUNK_MASK) >>> CHUNK_SHIFT));
    chunks = new ByteBuffer[count];
    for (int i = 0; i < count; i++) {
      long longs = Math.min(1L << CHUNK_SHIFT, length - ((long) i << CHUNK_SHIFT));
      chunks[i] = ByteBuffer.allocateDirect((int) Math.max(0, longs) * Long.BYTES)
          .order(ByteOrder.nativeOrder());
    }
  }

  /** Returns the number of longs. */
  int length() {
    return length;
  }

  /** Returns the long at {@code index}. */
  long get(int index) {
    return chunks[index >>> CHUNK_SHIFT].getLong((index & CHUNK_MASK) << 3);
  }

  /** Sets the long at {@code index}. */
  void set(int index, long value) {
    chunks[index >>> CHUNK_SHIFT].putLong((index & CHUNK_MASK) << 3, value);
  }
}
