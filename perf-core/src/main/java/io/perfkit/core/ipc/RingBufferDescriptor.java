package io.perfkit.core.ipc;

import io.perfkit.core.internal.Checks;

/**
 * The memory layout of perfkit's record ring buffers ({@link OneToOneRingBuffer},
 * {@link ManyToOneRingBuffer}), shared by every process that maps the same file. All values use the
 * buffer's byte order.
 *
 * <pre>
 * 0                                   capacity (a power of two)             + TRAILER_LENGTH
 * +-----------------------------------+----------------------------------------------------+
 * | records (8-byte aligned)          | trailer: one 128-byte slot per field               |
 * +-----------------------------------+----------------------------------------------------+
 *
 * Trailer (offsets from capacity):
 *     0  tail position            (long, written by producers)
 *   128  head position cache      (long, producers' last seen head)
 *   256  head position            (long, written by the consumer)
 *   384  correlation counter      (long, getAndAdd by anyone)
 *   512  consumer heartbeat time  (long, written by the consumer)
 *
 * Record at index i (i = position &amp; (capacity - 1)):
 *   0        4        8                               length   align 8
 *   +--------+--------+-------------------------------+--------+
 *   | length | type   | message (length - 8 bytes)    | pad    |
 *   +--------+--------+-------------------------------+--------+
 *   length = 8 + message length; 0 = not written yet; negative = claimed, being written.
 *   type = PADDING_TYPE_ID for the filler that skips to the end of the buffer at wrap-around.
 * </pre>
 *
 * <p>Positions are byte counters that only grow; the index of a position is
 * {@code position & (capacity - 1)}. The consumer zeroes what it consumed before it releases the
 * head, so free space always reads as zeros. The layout follows Agrona's ring buffers (field order
 * and 128-byte spacing) but is perfkit's own; the two are not promised to be interchangeable.
 */
public final class RingBufferDescriptor {
  /** Offset of the tail position, from the end of the record area. */
  public static final int TAIL_POSITION_OFFSET = 0;
  /** Offset of the producers' cached head position. */
  public static final int HEAD_CACHE_POSITION_OFFSET = 128;
  /** Offset of the head position. */
  public static final int HEAD_POSITION_OFFSET = 256;
  /** Offset of the correlation id counter. */
  public static final int CORRELATION_COUNTER_OFFSET = 384;
  /** Offset of the consumer heartbeat time. */
  public static final int CONSUMER_HEARTBEAT_OFFSET = 512;
  /** Bytes of trailer after the record area. */
  public static final int TRAILER_LENGTH = 640;

  /** Bytes of record header (length and type). */
  public static final int HEADER_LENGTH = 8;
  /** Alignment of every record. */
  public static final int ALIGNMENT = 8;
  /** Type id of padding records; message type ids must be {@code >= 1}. */
  public static final int PADDING_TYPE_ID = -1;

  private RingBufferDescriptor() {}

  /**
   * Returns the record capacity of a buffer of {@code bufferCapacity} bytes.
   *
   * @throws IllegalArgumentException unless {@code bufferCapacity - TRAILER_LENGTH} is a power of
   *     two of at least 64
   */
  public static int checkCapacity(int bufferCapacity) {
    int capacity = bufferCapacity - TRAILER_LENGTH;
    Checks.requireArgument(capacity >= 64 && Integer.bitCount(capacity) == 1,
        "buffer capacity: %d (expected: a power of two >= 64 plus the %d-byte trailer)",
        bufferCapacity, TRAILER_LENGTH);
    return capacity;
  }

  /** Returns the length of a record rounded up to {@link #ALIGNMENT}. */
  static int align(int length) {
    return (length + ALIGNMENT - 1) & -ALIGNMENT;
  }
}
