package io.perfkit.cache.internal;

import java.nio.ByteBuffer;

/**
 * Fixed-size record slots off the Java heap: the storage under {@link OffHeapTier}. One record per
 * slot, laid out as
 *
 * <pre>
 *  0        4          8                 8 + keyLength
 *  +--------+----------+-----------------+-------------------+
 *  | keyLen | valueLen | key bytes ...   | value bytes ...   |
 *  +--------+----------+-----------------+-------------------+
 * </pre>
 *
 * <p>Kept behind an interface so that perf-core's {@code MemoryBuffer} can replace the direct
 * {@link ByteBuffer} slabs without touching the tier. Not thread-safe: the tier serialises access.
 */
interface SlotStore extends AutoCloseable {
  /** Bytes of the record header (key and value lengths). */
  int HEADER_BYTES = 8;

  /** Returns the size of one slot in bytes, header included. */
  int slotBytes();

  /** Writes a record into {@code slot}; the caller checked that it fits. */
  void write(int slot, byte[] key, byte[] value);

  /** Returns whether the record in {@code slot} has exactly the key bytes {@code key}. */
  boolean keyEquals(int slot, byte[] key);

  /**
   * Returns a read-only view whose position-to-limit range is the value bytes of {@code slot}. The view
   * is shared and repositioned by the next call: valid only until then.
   */
  ByteBuffer value(int slot);

  /** Releases the memory; the store must not be used afterwards. */
  @Override
  void close();
}
