package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/**
 * A ring buffer for one producer and one consumer (threads or processes) over a
 * {@link MemoryBuffer}; layout in {@link RingBufferDescriptor}.
 *
 * <p><b>Threading:</b> one producer thread calls the write/claim methods, one consumer thread calls
 * {@code read}; other methods are safe from any thread. <b>Ordering</b>, <b>Progress</b> (wait-free)
 * and <b>Allocation</b> as in {@link RingBuffer}. Construction does not clear the buffer: pass
 * zeroed memory (new direct memory and new mapped files are) or one this class already used.
 */
public final class OneToOneRingBuffer extends AbstractRingBuffer {
  /*
   * The producer owns the tail and the head cache, so it reads and writes them plainly and
   * publishes the tail with release (the consumer never needs it: it reads record lengths, but
   * size() and producerPosition() do). The header of a written record stays 0 until write()
   * releases it whole (length and type in one 8-byte store), so write() needs no in-progress
   * marker; tryClaim still stores one, as the many-to-one buffer does.
   */

  /**
   * Wraps {@code buffer}, whose capacity must be a power of two plus
   * {@link RingBufferDescriptor#TRAILER_LENGTH}.
   *
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if the capacity is wrong, or the buffer is read-only or not
   *     8-byte aligned
   */
  public OneToOneRingBuffer(MemoryBuffer buffer) {
    super(buffer);
  }

  @Override
  int claim(int required) {
    // Plain: this producer is the only writer of tail and head cache. The tail read is checked
    // (MemoryBuffer), so a closed buffer throws; the rest is unchecked (see AbstractRingBuffer).
    long head = getLongPlain(headCachePositionIndex);
    long tail = buffer.getLong(tailPositionIndex);
    int available = capacity - (int) (tail - head);
    if (required > available) {
      // Acquire: the consumer zeroed the space before releasing the head.
      head = buffer.getLongAcquire(headPositionIndex);
      if (required > capacity - (int) (tail - head)) {
        return INSUFFICIENT_CAPACITY;
      }
      putLongPlain(headCachePositionIndex, head);
    }
    int padding = 0;
    int recordIndex = (int) tail & mask;
    int toBufferEnd = capacity - recordIndex;
    if (required > toBufferEnd) {
      int headIndex = (int) head & mask;
      if (required > headIndex) {
        head = buffer.getLongAcquire(headPositionIndex);
        headIndex = (int) head & mask;
        if (required > headIndex) {
          return INSUFFICIENT_CAPACITY;
        }
        putLongPlain(headCachePositionIndex, head);
      }
      padding = toBufferEnd;
    }
    if (padding != 0) {
      putPadding(recordIndex, padding);
      recordIndex = 0;
    }
    // Release: size()/producerPosition() readers see a consistent tail.
    storeRelease(tailPositionIndex, tail + required + padding);
    return recordIndex;
  }

  @Override
  void beginRecord(int recordIndex, int recordLength, int typeId) {
    // Nothing: the header stays zero (not readable) until write() releases the whole header.
  }

  /** Always false: with one producer, a dead producer leaves nothing to unblock for later ones. */
  @Override
  public boolean unblock() {
    return false;
  }
}
