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
import io.perfkit.core.memory.internal.ByteBufferBacked;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * What the one-to-one and many-to-one ring buffers share: the consumer side, commit/abort and the
 * trailer accessors. Subclasses implement how producers claim space.
 */
abstract class AbstractRingBuffer implements RingBuffer {
  /** Consumed bytes up to which zeroing is done by 8-byte stores rather than setMemory. */
  private static final int SMALL_ZEROING = 256;

  final MemoryBuffer buffer;
  /**
   * The same memory as a ByteBuffer in the buffer's byte order (our own view), for the hot-path
   * plain accesses; null when {@code buffer} is not one of perfkit's implementations.
   */
  private final ByteBuffer memory;
  final int capacity;
  final int mask;
  final int maxMessageLength;
  final int tailPositionIndex;
  final int headCachePositionIndex;
  final int headPositionIndex;
  final int correlationIndex;
  final int heartbeatIndex;
  private final boolean littleEndian;

  /*
   * Record headers are read and published as one aligned 8-byte word (length in bytes 0-3, type in
   * bytes 4-7, in the buffer's byte order): the consumer's single acquire load of the word sees a
   * length and the type that was stored with it, and every store that makes a record readable
   * (write, commit, abort, padding, unblock) stores the whole word with release. Only the word's
   * own accesses are ordered; mixed 4- and 8-byte accesses to a header would be outside the memory
   * model, so the header is never accessed as two ints by concurrent code.
   */

  AbstractRingBuffer(MemoryBuffer buffer) {
    Checks.requireNonNull(buffer, "buffer");
    this.capacity = RingBufferDescriptor.checkCapacity(buffer.capacity());
    Checks.requireArgument(buffer.isAligned(0, 8),
        "buffer must start on an 8-byte boundary (ordered access to its trailer needs it)");
    Checks.requireArgument(!buffer.isReadOnly(), "buffer must be writable");
    this.buffer = buffer;
    this.memory = ByteBufferBacked.viewOf(buffer);
    this.mask = capacity - 1;
    this.maxMessageLength = capacity / 8;
    this.tailPositionIndex = capacity + TAIL_POSITION_OFFSET;
    this.headCachePositionIndex = capacity + HEAD_CACHE_POSITION_OFFSET;
    this.headPositionIndex = capacity + HEAD_POSITION_OFFSET;
    this.correlationIndex = capacity + CORRELATION_COUNTER_OFFSET;
    this.heartbeatIndex = capacity + CONSUMER_HEARTBEAT_OFFSET;
    this.littleEndian = buffer.order() == java.nio.ByteOrder.LITTLE_ENDIAN;
  }

  /** Returns the header word of a record of {@code length} bytes (negative: claimed) and type. */
  final long header(int length, int typeId) {
    return littleEndian
        ? (length & 0xFFFF_FFFFL) | ((long) typeId << 32)
        : ((long) length << 32) | (typeId & 0xFFFF_FFFFL);
  }

  /** Returns the record length stored in a header word. */
  final int lengthOf(long header) {
    return littleEndian ? (int) header : (int) (header >>> 32);
  }

  /** Returns the type id stored in a header word. */
  final int typeOf(long header) {
    return littleEndian ? (int) (header >>> 32) : (int) header;
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

  /**
   * Marks a claimed record before its payload is written by {@code write} (producer side): the
   * many-to-one buffer stores an in-progress header that {@code unblock} relies on; the one-to-one
   * buffer needs none (its header stays zero until published).
   */
  abstract void beginRecord(int recordIndex, int recordLength, int typeId);

  /*
   * The hot-path ordered accesses use the fence form: a release fence then a plain store, or a plain
   * load then an acquire fence. VarHandle.releaseFence keeps every earlier load and store before
   * the stores after it, so the store that follows is ordered as setRelease orders it;
   * VarHandle.acquireFence keeps the loads before it ahead of every later load and store, as
   * getAcquire does for its load. On x86 both forms compile to a plain move. Through MemoryBuffer the
   * fence form costs about a third of the byteBufferViewVarHandle path, which on JDK 17 re-reads and
   * re-checks the ByteBuffer's fields on every ordered call (BufferAccessCostBenchmark). The plain
   * access is an aligned 8-byte access (headers and positions are 8-byte aligned), which 64-bit
   * HotSpot performs as one load or store, so it is not torn (a direct ByteBuffer's getLong/putLong
   * at an aligned index is one such access too). CASes, unblock and the trailer's volatile reads
   * stay VarHandle operations through the MemoryBuffer.
   */

  /*
   * Unchecked access. The hot-path plain accesses (headers, positions, payload copies and
   * zeroing) go to `memory`, the ByteBuffer behind the MemoryBuffer, without the MemoryBuffer's
   * own checks: every index they use was computed by this class within [0, capacity + trailer)
   * (record indices are masked, payloads lie inside a claimed record, trailer indices are fixed),
   * and the ByteBuffer still checks its bounds, so nothing can touch memory outside the buffer.
   * The closed check is kept once per operation: every producer claim and every read makes at
   * least one checked MemoryBuffer access (the many-to-one tail CAS, the one-to-one tail read, the
   * consumer's head read), so a ring over a closed buffer still throws IllegalStateException. The
   * view keeps the memory reachable, so an access racing with close() never touches freed memory.
   * For other MemoryBuffer implementations (memory == null) the same accesses go through the
   * buffer, checked.
   */

  /** A plain load of an 8-byte aligned index this class computed. */
  final long getLongPlain(int index) {
    ByteBuffer m = memory;
    return m != null ? m.getLong(index) : buffer.getLong(index);
  }

  /** A plain store to an 8-byte aligned index this class computed. */
  final void putLongPlain(int index, long value) {
    ByteBuffer m = memory;
    if (m != null) {
      m.putLong(index, value);
    } else {
      buffer.putLong(index, value);
    }
  }

  /** Copies a checked source range into a claimed record's payload at {@code index}. */
  private void putPayload(int index, byte[] src, int srcOffset, int length) {
    ByteBuffer m = memory;
    if (m != null) {
      m.put(index, src, srcOffset, length);
    } else {
      buffer.putBytes(index, src, srcOffset, length);
    }
  }

  /** A release store of {@code value}: every earlier access is ordered before it. */
  final void storeRelease(int index, long value) {
    VarHandle.releaseFence();
    putLongPlain(index, value);
  }

  /** An acquire load: every later access is ordered after it. */
  final long loadAcquire(int index) {
    long value = getLongPlain(index);
    VarHandle.acquireFence();
    return value;
  }

  /** Publishes a padding record of {@code length} bytes at {@code index} (the producer's claim). */
  final void putPadding(int index, int length) {
    // Release: the consumer that acquires this header skips to the end of the buffer.
    storeRelease(index, header(length, PADDING_TYPE_ID));
  }

  /** Marks a claimed record in progress before its payload is written. */
  final void markInProgress(int recordIndex, int recordLength, int typeId) {
    // Release: anything this producer wrote before is ordered before the marker; a positive
    // length is published only by commit/abort.
    storeRelease(recordIndex, header(-recordLength, typeId));
    // The fence orders the marker before the payload stores that follow, so a record whose
    // payload bytes are visible also shows its header (ManyToOneRingBuffer.unblock relies on it).
    VarHandle.releaseFence();
  }

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
    // Release: the payload is visible to the consumer that acquires this header (positive length).
    storeRelease(recordIndex, header(recordLength, typeId));
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
    putPayload(recordIndex + HEADER_LENGTH, src, srcOffset, length);
    // Release: the payload is visible to the consumer that acquires this header (positive length).
    storeRelease(recordIndex, header(recordLength, typeId));
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
    markInProgress(recordIndex, recordLength, typeId);
    return recordIndex + HEADER_LENGTH;
  }

  /** Returns the in-progress header of the record claimed at {@code index}. */
  private long claimedHeader(int recordIndex, int index) {
    if (recordIndex < 0 || recordIndex > capacity - HEADER_LENGTH || (recordIndex & 7) != 0) {
      throw new IllegalArgumentException("index: " + index + " (expected: a value from tryClaim)");
    }
    // Volatile: unblock() may have turned the claim into padding (it uses volatile/CAS too).
    long header = buffer.getLongVolatile(recordIndex);
    if (lengthOf(header) >= 0) {
      throw new IllegalArgumentException(
          "index: " + index + " is not a claimed message (already committed or aborted?)");
    }
    return header;
  }

  @Override
  public final void commit(int index) {
    int recordIndex = index - HEADER_LENGTH;
    long claimed = claimedHeader(recordIndex, index);
    // Release: the message written in place is visible to the consumer that acquires the header.
    buffer.putLongRelease(recordIndex, header(-lengthOf(claimed), typeOf(claimed)));
  }

  @Override
  public final void abort(int index) {
    int recordIndex = index - HEADER_LENGTH;
    long claimed = claimedHeader(recordIndex, index);
    // Release: the consumer that acquires the padding header skips the record whole.
    buffer.putLongRelease(recordIndex, header(-lengthOf(claimed), PADDING_TYPE_ID));
  }

  @Override
  public final int read(MessageHandler handler) {
    return read(handler, Integer.MAX_VALUE);
  }

  @Override
  public final int read(MessageHandler handler, int limit) {
    Checks.requireNonNull(handler, "handler");
    Checks.checkPositive(limit, "limit");
    // Plain: only the consumer writes the head. Checked (MemoryBuffer): a closed buffer throws.
    long head = buffer.getLong(headPositionIndex);
    int headIndex = (int) head & mask;
    int contiguous = capacity - headIndex;
    int bytesRead = 0;
    int count = 0;
    try {
      while (bytesRead < contiguous && count < limit) {
        int recordIndex = headIndex + bytesRead;
        // Acquire: pairs with the producer's release of the whole header (write, commit, abort,
        // padding, unblock), so the payload is visible once the length is positive.
        long header = loadAcquire(recordIndex);
        int recordLength = lengthOf(header);
        if (recordLength <= 0) {
          break;
        }
        bytesRead += align(recordLength);
        int typeId = typeOf(header);
        if (typeId == PADDING_TYPE_ID) {
          continue;
        }
        count++;
        handler.onMessage(typeId, buffer, recordIndex + HEADER_LENGTH,
            recordLength - HEADER_LENGTH);
      }
    } finally {
      if (bytesRead > 0) {
        zero(headIndex, bytesRead);
        // Release: the zeroing is visible before producers see the space as free.
        storeRelease(headPositionIndex, head + bytesRead);
      }
    }
    return count;
  }

  /**
   * Zeroes consumed records (free space must read as zeros, see RingBufferDescriptor). A record or
   * two (the usual batch when the consumer keeps up) is cleared word by word: through MemoryBuffer
   * that is cheaper than setMemory's bulk copy, which pays off only for larger batches.
   */
  private void zero(int index, int length) {
    if (length <= SMALL_ZEROING) {
      // Plain: the release of the head that follows publishes the zeros to producers.
      for (int i = index, end = index + length; i < end; i += 8) {
        putLongPlain(i, 0L);
      }
    } else {
      buffer.setMemory(index, length, (byte) 0);
    }
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
