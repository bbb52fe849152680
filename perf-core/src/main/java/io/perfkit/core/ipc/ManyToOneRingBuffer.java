package io.perfkit.core.ipc;

import static io.perfkit.core.ipc.RingBufferDescriptor.ALIGNMENT;
import static io.perfkit.core.ipc.RingBufferDescriptor.PADDING_TYPE_ID;

import io.perfkit.core.memory.MemoryBuffer;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

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
public final class ManyToOneRingBuffer extends ManyToOneRingBufferRhsPad {
  /*
   * Claim: read this instance's head cache once, then per attempt the tail (a plain load and an
   * acquire fence: the CAS validates it); check space (refreshing the head from the consumer's
   * position when short, and publishing it to the cache field and the trailer slot), compute
   * padding at wrap-around, then CAS the tail forward by record + padding. The winner owns
   * [tail, tail + padding + required): it publishes the padding record, then stores the record's
   * header with a negative length (in progress), then the payload, then the whole header with the
   * positive length (release).
   *
   * Unblock (the recovery Agrona's ManyToOneRingBuffer.unblock performs): if the consumer is stuck
   * at a record whose length is negative, the producer died after its marker: the record becomes
   * padding. If the header is 0 although the tail is beyond it, the producer died after its CAS but
   * before its marker: scan forward to the next non-zero header (a later producer's record),
   * confirm every slot before it is still zero (a producer's marker is ordered before its payload,
   * so a payload word seen without its header fails this check), and cover the gap with padding.
   * Both changes are CASes from the value seen, so a producer that was merely slow and commits (or
   * stores its marker) in between wins, and unblock reports false.
   */

  private static final VarHandle HEAD_CACHE;

  static {
    try {
      HEAD_CACHE = MethodHandles.lookup()
          .findVarHandle(ManyToOneRingBufferHeadCache.class, "headCache", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /*
   * headCache (in ManyToOneRingBufferHeadCache, padded on both sides) is this instance's copy of a
   * past head position, shared by the threads that write through it (producers in other processes
   * have their own). Reading it costs a field load instead of an ordered access to the trailer on
   * every claim; the trailer slot is still written on every refresh, for other instances that
   * start later. Accessed with opaque mode: any value seen is a past head, which can only
   * understate the free space, so no ordering is needed, only no tearing.
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
    // Volatile: start from the head as last published by any producer or the consumer.
    this.headCache = buffer.getLongVolatile(headCachePositionIndex);
  }

  @Override
  int claim(int required) {
    // Opaque: any value is a past head, which can only understate the free space: read it once.
    long head = (long) HEAD_CACHE.getOpaque(this);
    long tail;
    int padding;
    do {
      // Acquire (fence form, see AbstractRingBuffer): other producers move the tail, and the CAS
      // below validates what was read, so any past value is safe: a stale one fails the CAS and
      // is read again after it. Volatile would add nothing the CAS does not check, and through
      // MemoryBuffer costs about three plain loads.
      tail = loadAcquire(tailPositionIndex);
      if (required > capacity - (int) (tail - head)) {
        // Volatile: pairs with the consumer's release of the head after it zeroed the space.
        head = buffer.getLongVolatile(headPositionIndex);
        if (required > capacity - (int) (tail - head)) {
          return INSUFFICIENT_CAPACITY;
        }
        refreshHeadCache(head);
      }
      padding = 0;
      int tailIndex = (int) tail & mask;
      int toBufferEnd = capacity - tailIndex;
      if (required > toBufferEnd) {
        int headIndex = (int) head & mask;
        if (required > headIndex) {
          // Volatile: as above, the consumer may have moved on since the cache was written.
          head = buffer.getLongVolatile(headPositionIndex);
          headIndex = (int) head & mask;
          if (required > headIndex) {
            return INSUFFICIENT_CAPACITY;
          }
          refreshHeadCache(head);
        }
        padding = toBufferEnd;
      }
      // CAS (volatile): exactly one producer wins [tail, tail + padding + required). Checked
      // (MemoryBuffer): a closed buffer throws (the other producer accesses are unchecked).
    } while (!buffer.compareAndSetLong(tailPositionIndex, tail, tail + required + padding));

    int recordIndex = (int) tail & mask;
    if (padding != 0) {
      putPadding(recordIndex, padding);
      recordIndex = 0;
    }
    return recordIndex;
  }

  private void refreshHeadCache(long head) {
    // Opaque: see headCache; a racy update is benign, any value stored is a past head.
    HEAD_CACHE.setOpaque(this, head);
    // Release: the same for instances in other threads or processes that start from the slot.
    buffer.putLongRelease(headCachePositionIndex, head);
  }

  @Override
  void beginRecord(int recordIndex, int recordLength, int typeId) {
    markInProgress(recordIndex, recordLength, typeId);
  }

  @Override
  public boolean unblock() {
    // Volatile: a consistent-enough view of both positions; every change below is a CAS.
    long head = buffer.getLongVolatile(headPositionIndex);
    long tail = buffer.getLongVolatile(tailPositionIndex);
    if (head == tail) {
      return false;
    }
    int consumerIndex = (int) head & mask;
    int producerIndex = (int) tail & mask;
    // Volatile: the stuck record's header as its producer last stored it.
    long header = buffer.getLongVolatile(consumerIndex);
    int length = lengthOf(header);
    if (length < 0) {
      // The producer is presumed dead (see the contract): its record becomes padding. CAS
      // (release): a commit that got in first wins; the consumer then skips the record whole.
      return buffer.compareAndSetLong(consumerIndex, header, header(-length, PADDING_TYPE_ID));
    }
    if (header == 0) {
      int limit = producerIndex > consumerIndex ? producerIndex : capacity;
      for (int i = consumerIndex + ALIGNMENT; i < limit; i += ALIGNMENT) {
        // Volatile: the first non-zero word after the gap is a later producer's header.
        if (buffer.getLongVolatile(i) != 0) {
          if (stillZeroed(consumerIndex, i)) {
            // CAS from 0: if the presumed-dead producer's marker appeared after all, leave it.
            return buffer.compareAndSetLong(consumerIndex, 0, header(i - consumerIndex,
                PADDING_TYPE_ID));
          }
          return false;
        }
      }
    }
    return false;
  }

  private boolean stillZeroed(int from, int to) {
    for (int i = from; i < to; i += ALIGNMENT) {
      // Volatile: re-read after the non-zero word was seen (see the class comment).
      if (buffer.getLongVolatile(i) != 0) {
        return false;
      }
    }
    return true;
  }
}
