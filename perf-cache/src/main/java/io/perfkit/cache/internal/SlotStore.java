package io.perfkit.cache.internal;

import java.nio.ByteBuffer;

/**
 * Fixed-size record slots off the Java heap: the storage under {@link OffHeapTier}. One record per
 * slot; the per-entry metadata lives here too, so that the tier's on-heap cost stays a few bytes:
 *
 * <pre>
 *  0        4          8        12       16            24            32           32 + keyLength
 *  +--------+----------+--------+--------+-------------+-------------+------------+--------------+
 *  | keyLen | valueLen |  hash  | unused | writeNanos  | expiresAt   | key ...    | value ...    |
 *  +--------+----------+--------+--------+-------------+-------------+------------+--------------+
 * </pre>
 *
 * <p>Kept behind an interface so that perf-core's {@code MemoryBuffer} can replace the direct
 * {@link ByteBuffer} slabs without touching the tier. Not thread-safe: the tier serialises access.
 */
interface SlotStore extends AutoCloseable, SlotIndex.Slots {
  /** Bytes of the record header. */
  int HEADER_BYTES = 32;

  /** Returns the size of one slot in bytes, header included. */
  int slotBytes();

  /** Writes a record into {@code slot}; the caller checked that it fits. */
  void write(int slot, int hash, byte[] key, byte[] value, long writeNanos, long expiresAtNanos);

  /** Returns the key hash stored with {@code slot}'s record. */
  int hash(int slot);

  /** Returns the first-write time stored with {@code slot}'s record. */
  long writeNanos(int slot);

  /** Returns the expiry time stored with {@code slot}'s record. */
  long expiresAtNanos(int slot);

  /** Replaces the expiry time stored with {@code slot}'s record. */
  void expiresAtNanos(int slot, long nanos);

  /** Returns a copy of the key bytes of {@code slot}'s record. */
  byte[] key(int slot);

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
