package io.perfkit.core.ipc;

import static io.perfkit.core.ipc.RingBufferDescriptor.ALIGNMENT;
import static io.perfkit.core.ipc.RingBufferDescriptor.PADDING_TYPE_ID;

import io.perfkit.core.memory.MemoryBuffer;

/**
 * A ring buffer for any number of producers and one consumer (threads or processes) over a
 * {@link MemoryBuffer}; layout in {@link RingBufferDescriptor}.
 *
 * <p><b>Threading:</b> any thread or process may write or claim; one consumer calls {@code read} and
 * {@link #unblock()}. <b>Progress:</b> producers are lock-free (a CAS on the tail); a producer that
 * dies between claiming and committing stops the consumer at its record until {@link #unblock()}.
 * <b>Ordering</b> and <b>Allocation</b> as in {@link RingBuffer}. Construction does not clear the
 * buffer: pass zeroed memory or one this class already used.
 */
public final class ManyToOneRingBuffer extends AbstractRingBuffer {
  /*
   * Claim: read the head cache and tail, check space (refreshing the cache from the real head when
   * short), compute padding at wrap-around, then CAS the tail forward by record + padding. The
   * winner owns [tail, tail + padding + required) and writes the padding record, then its header
   * with a negative length (in progress), then the payload, then the positive length (release).
   *
   * Unblock (after Agrona's ManyToOneRingBuffer.unblock): if the consumer is stuck at a record whose
   * length is negative, the producer died after writing its header: the record becomes padding. If
   * the length is 0 although the tail is beyond it, the producer died after its CAS but before its
   * header: scan forward to the next non-zero length (a later producer's record), confirm every slot
   * before it is still zero, and cover the gap with padding.
   */

  /**
   * Wraps {@code buffer}, whose capacity must be a power of two plus
   * {@link RingBufferDescriptor#TRAILER_LENGTH}.
   *
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if the capacity is wrong, or the buffer is read-only or not
   *     8-byte aligned
   */
  public ManyToOneRingBuffer(MemoryBuffer buffer) {
    super(buffer);
  }

  @Override
  int claim(int required) {
    long head;
    long tail;
    int padding;
    do {
      // Volatile reads: other producers move the tail and the head cache.
      head = buffer.getLongVolatile(headCachePositionIndex);
      tail = buffer.getLongVolatile(tailPositionIndex);
      int available = capacity - (int) (tail - head);
      if (required > available) {
        head = buffer.getLongVolatile(headPositionIndex);
        if (required > capacity - (int) (tail - head)) {
          return INSUFFICIENT_CAPACITY;
        }
        // Release: a racy cache update is benign, any value read is a past head.
        buffer.putLongRelease(headCachePositionIndex, head);
      }
      padding = 0;
      int tailIndex = (int) tail & mask;
      int toBufferEnd = capacity - tailIndex;
      if (required > toBufferEnd) {
        int headIndex = (int) head & mask;
        if (required > headIndex) {
          head = buffer.getLongVolatile(headPositionIndex);
          headIndex = (int) head & mask;
          if (required > headIndex) {
            return INSUFFICIENT_CAPACITY;
          }
          buffer.putLongRelease(headCachePositionIndex, head);
        }
        padding = toBufferEnd;
      }
    } while (!buffer.compareAndSetLong(tailPositionIndex, tail, tail + required + padding));

    int recordIndex = (int) tail & mask;
    if (padding != 0) {
      buffer.putInt(recordIndex + 4, PADDING_TYPE_ID);
      // Release: the padding type is visible before its length.
      buffer.putIntRelease(recordIndex, padding);
      recordIndex = 0;
    }
    return recordIndex;
  }

  @Override
  void beginRecord(int recordIndex, int recordLength, int typeId) {
    buffer.putInt(recordIndex + 4, typeId);
    // Release: the in-progress marker (and the type before it) become visible before the payload,
    // so unblock() can tell a claimed record from unclaimed space.
    buffer.putIntRelease(recordIndex, -recordLength);
  }

  @Override
  public boolean unblock() {
    long head = buffer.getLongVolatile(headPositionIndex);
    long tail = buffer.getLongVolatile(tailPositionIndex);
    if (head == tail) {
      return false;
    }
    int consumerIndex = (int) head & mask;
    int producerIndex = (int) tail & mask;
    int length = buffer.getIntVolatile(consumerIndex);
    if (length < 0) {
      // The producer is presumed dead (see the contract): its record becomes padding.
      buffer.putInt(consumerIndex + 4, PADDING_TYPE_ID);
      // Release: the padding type is visible before the consumer can skip the record.
      buffer.putIntRelease(consumerIndex, -length);
      return true;
    }
    if (length == 0) {
      int limit = producerIndex > consumerIndex ? producerIndex : capacity;
      for (int i = consumerIndex + ALIGNMENT; i < limit; i += ALIGNMENT) {
        if (buffer.getIntVolatile(i) != 0) {
          if (stillZeroed(consumerIndex, i)) {
            buffer.putInt(consumerIndex + 4, PADDING_TYPE_ID);
            // CAS from 0: if the presumed-dead producer's header appeared after all, leave it.
            return buffer.compareAndSetInt(consumerIndex, 0, i - consumerIndex);
          }
          return false;
        }
      }
    }
    return false;
  }

  private boolean stillZeroed(int from, int to) {
    for (int i = from; i < to; i += ALIGNMENT) {
      if (buffer.getIntVolatile(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
