package io.perfkit.core.ipc;

import static io.perfkit.core.ipc.RingBufferDescriptor.CONSUMER_HEARTBEAT_OFFSET;
import static io.perfkit.core.ipc.RingBufferDescriptor.CORRELATION_COUNTER_OFFSET;
import static io.perfkit.core.ipc.RingBufferDescriptor.HEADER_LENGTH;
import static io.perfkit.core.ipc.RingBufferDescriptor.HEAD_CACHE_POSITION_OFFSET;
import static io.perfkit.core.ipc.RingBufferDescriptor.HEAD_POSITION_OFFSET;
import static io.perfkit.core.ipc.RingBufferDescriptor.PADDING_TYPE_ID;
import static io.perfkit.core.ipc.RingBufferDescriptor.TAIL_POSITION_OFFSET;
import static io.perfkit.core.ipc.RingBufferDescriptor.align;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.memory.MemoryBuffer;

/**
 * What the one-to-one and many-to-one ring buffers share: the consumer side, commit/abort and the
 * trailer accessors. Subclasses implement how producers claim space.
 */
abstract class AbstractRingBuffer implements RingBuffer {
  final MemoryBuffer buffer;
  final int capacity;
  final int mask;
  final int maxMessageLength;
  final int tailPositionIndex;
  final int headCachePositionIndex;
  final int headPositionIndex;
  final int correlationIndex;
  final int heartbeatIndex;

  AbstractRingBuffer(MemoryBuffer buffer) {
    Checks.requireNonNull(buffer, "buffer");
    this.capacity = RingBufferDescriptor.checkCapacity(buffer.capacity());
    Checks.requireArgument(buffer.isAligned(0, 8),
        "buffer must start on an 8-byte boundary (ordered access to its trailer needs it)");
    Checks.requireArgument(!buffer.isReadOnly(), "buffer must be writable");
    this.buffer = buffer;
    this.mask = capacity - 1;
    this.maxMessageLength = capacity / 8;
    this.tailPositionIndex = capacity + TAIL_POSITION_OFFSET;
    this.headCachePositionIndex = capacity + HEAD_CACHE_POSITION_OFFSET;
    this.headPositionIndex = capacity + HEAD_POSITION_OFFSET;
    this.correlationIndex = capacity + CORRELATION_COUNTER_OFFSET;
    this.heartbeatIndex = capacity + CONSUMER_HEARTBEAT_OFFSET;
  }

  final void checkMessage(int typeId, int length) {
    if (typeId < 1) {
      throw new IllegalArgumentException("typeId: " + typeId + " (expected: >= 1)");
    }
    if (length < 0 || length > maxMessageLength) {
      throw new IllegalArgumentException(
          "length: " + length + " (expected: in [0, " + maxMessageLength + "])");
    }
  }

  /** Claims {@code required} aligned bytes; returns the record index or INSUFFICIENT_CAPACITY. */
  abstract int claim(int required);

  /** Writes the record header of a claimed record before its payload (producer side). */
  abstract void beginRecord(int recordIndex, int recordLength, int typeId);

  @Override
  public final boolean write(int typeId, MemoryBuffer src, int srcIndex, int length) {
    Checks.requireNonNull(src, "src");
    checkMessage(typeId, length);
    int recordLength = length + HEADER_LENGTH;
    int recordIndex = claim(align(recordLength));
    if (recordIndex < 0) {
      return false;
    }
    beginRecord(recordIndex, recordLength, typeId);
    buffer.putBytes(recordIndex + HEADER_LENGTH, src, srcIndex, length);
    // Release: type and payload are visible to the consumer that acquires a positive length.
    buffer.putIntRelease(recordIndex, recordLength);
    return true;
  }

  @Override
  public final boolean write(int typeId, byte[] src, int srcOffset, int length) {
    Checks.requireNonNull(src, "src");
    checkMessage(typeId, length);
    if ((srcOffset | length) < 0 || srcOffset > src.length - length) {
      throw new IndexOutOfBoundsException(
          "src: index=" + srcOffset + " length=" + length + " capacity=" + src.length);
    }
    int recordLength = length + HEADER_LENGTH;
    int recordIndex = claim(align(recordLength));
    if (recordIndex < 0) {
      return false;
    }
    beginRecord(recordIndex, recordLength, typeId);
    buffer.putBytes(recordIndex + HEADER_LENGTH, src, srcOffset, length);
    // Release: type and payload are visible to the consumer that acquires a positive length.
    buffer.putIntRelease(recordIndex, recordLength);
    return true;
  }

  @Override
  public final int tryClaim(int typeId, int length) {
    checkMessage(typeId, length);
    int recordLength = length + HEADER_LENGTH;
    int recordIndex = claim(align(recordLength));
    if (recordIndex < 0) {
      return INSUFFICIENT_CAPACITY;
    }
    // Release: the negative length marks the claim as in progress (see unblock) and orders the
    // type before it; a positive length is published only by commit.
    buffer.putInt(recordIndex + 4, typeId);
    buffer.putIntRelease(recordIndex, -recordLength);
    return recordIndex + HEADER_LENGTH;
  }

  private int claimedRecord(int index) {
    int recordIndex = index - HEADER_LENGTH;
    if (recordIndex < 0 || recordIndex > capacity - HEADER_LENGTH || (recordIndex & 7) != 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: a value from tryClaim)");
    }
    int length = buffer.getInt(recordIndex);
    if (length >= 0) {
      throw new IllegalArgumentException(
          "index: " + index + " is not a claimed message (already committed or aborted?)");
    }
    return recordIndex;
  }

  @Override
  public final void commit(int index) {
    int recordIndex = claimedRecord(index);
    int length = -buffer.getInt(recordIndex);
    // Release: the message written in place is visible to the consumer that acquires the length.
    buffer.putIntRelease(recordIndex, length);
  }

  @Override
  public final void abort(int index) {
    int recordIndex = claimedRecord(index);
    int length = -buffer.getInt(recordIndex);
    buffer.putInt(recordIndex + 4, PADDING_TYPE_ID);
    // Release: the padding type is visible before the consumer can skip the record.
    buffer.putIntRelease(recordIndex, length);
  }

  @Override
  public final int read(MessageHandler handler) {
    return read(handler, Integer.MAX_VALUE);
  }

  @Override
  public final int read(MessageHandler handler, int limit) {
    Checks.requireNonNull(handler, "handler");
    Checks.checkPositive(limit, "limit");
    // Plain: only the consumer writes the head.
    long head = buffer.getLong(headPositionIndex);
    int headIndex = (int) head & mask;
    int contiguous = capacity - headIndex;
    int bytesRead = 0;
    int count = 0;
    try {
      while (bytesRead < contiguous && count < limit) {
        int recordIndex = headIndex + bytesRead;
        // Acquire: pairs with the producer's release of a positive length (write/commit/abort).
        int recordLength = buffer.getIntAcquire(recordIndex);
        if (recordLength <= 0) {
          break;
        }
        bytesRead += align(recordLength);
        int typeId = buffer.getInt(recordIndex + 4);
        if (typeId == PADDING_TYPE_ID) {
          continue;
        }
        count++;
        handler.onMessage(typeId, buffer, recordIndex + HEADER_LENGTH,
            recordLength - HEADER_LENGTH);
      }
    } finally {
      if (bytesRead > 0) {
        buffer.setMemory(headIndex, bytesRead, (byte) 0);
        // Release: the zeroing is visible before producers see the space as free.
        buffer.putLongRelease(headPositionIndex, head + bytesRead);
      }
    }
    return count;
  }

  @Override
  public final int capacity() {
    return capacity;
  }

  @Override
  public final int maxMessageLength() {
    return maxMessageLength;
  }

  @Override
  public final MemoryBuffer buffer() {
    return buffer;
  }

  @Override
  public final long producerPosition() {
    return buffer.getLongVolatile(tailPositionIndex);
  }

  @Override
  public final long consumerPosition() {
    return buffer.getLongVolatile(headPositionIndex);
  }

  @Override
  public final int size() {
    long headBefore;
    long tail;
    long headAfter = buffer.getLongVolatile(headPositionIndex);
    do {
      headBefore = headAfter;
      tail = buffer.getLongVolatile(tailPositionIndex);
      headAfter = buffer.getLongVolatile(headPositionIndex);
    } while (headAfter != headBefore);
    return (int) Math.max(0, Math.min(capacity, tail - headAfter));
  }

  @Override
  public final long nextCorrelationId() {
    return buffer.getAndAddLong(correlationIndex, 1);
  }

  @Override
  public final void consumerHeartbeatTime(long time) {
    buffer.putLongRelease(heartbeatIndex, time);
  }

  @Override
  public final long consumerHeartbeatTime() {
    return buffer.getLongVolatile(heartbeatIndex);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[capacity=" + capacity + ", size=" + size() + "]";
  }
}
