package io.perfkit.core.memory;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.memory.internal.ByteBufferBacked;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.util.Locale;

/**
 * The common {@link MemoryBuffer} implementation over a direct or mapped {@link ByteBuffer}.
 * Subclasses differ only in how memory is obtained and accounted for.
 */
abstract class AbstractMemoryBuffer extends ByteBufferBacked implements MemoryBuffer {
  /*
   * Plain accesses go through the ByteBuffer's absolute accessors (its order is set to ours), which
   * the JIT intrinsifies with a constant null base (off-heap). Ordered and atomic accesses go
   * through byteBufferViewVarHandle, which requires natural alignment of the absolute address on
   * direct memory: we check it first so the caller gets an IllegalArgumentException naming the
   * index rather than the JDK's IllegalStateException ("Misaligned access at address ...").
   * `alignment` is the address of index 0 modulo 8, obtained through the public
   * ByteBuffer.alignmentOffset.
   *
   * Hot-path cost (measured by BufferAccessCostBenchmark against Agrona's UnsafeBuffer):
   *
   * - One fast check per access. `bound` is the capacity while this view is open and -1 once it
   *   is closed, so the bounds test also rejects a closed view; alignment is one mask test and the
   *   shared scope's flag one plain load. Only when a test fails does the slow path work out which
   *   exception to throw (closed first, then bounds, then alignment). Plain int compares measured
   *   faster here than folding everything into one unsigned long compare (the long form cost
   *   about 1.5x more per ordered access in BufferAccessCostBenchmark).
   * - Every ordered/atomic call names one static final little-endian VarHandle (only a constant
   *   VarHandle is fully inlined); a big-endian view swaps bytes around it (Long.reverseBytes is
   *   an intrinsic, and for a CAS swapping both operands is exact). Only getAndAdd needs the
   *   big-endian handle, since addition does not commute with a byte swap. One inlined VarHandle
   *   path per method instead of two keeps the compiled accessor small enough to be inlined into
   *   callers (C2 refuses callees already compiled to more than InlineSmallCode bytes).
   * - Writes do not check read-only themselves: a read-only direct or mapped ByteBuffer is a
   *   DirectByteBufferR, whose absolute puts and whose VarHandle writes throw
   *   ReadOnlyBufferException before touching memory, after our bounds and closed checks (the
   *   documented precedence). Bulk writes check it explicitly, so a zero-length write to a
   *   read-only buffer still throws.
   *
   * Closed checks are plain reads (see MemoryScope): close() must happen-before the accesses that
   * are to fail; a racing access may still succeed, but never touches freed memory, because the
   * view keeps the ByteBuffer (and so its memory) reachable.
   */

  private static final VarHandle INT_LE =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_BE =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  /** Ranges at least this long are zeroed by bulk copies from {@link #ZEROS}, shorter by words. */
  static final int BULK_ZERO_THRESHOLD = 256;

  private static final byte[] ZEROS = new byte[4096];

  final ByteBuffer buffer;
  final MemoryScope scope;
  private final int capacity;
  private final int alignment;
  private final boolean bigEndian;
  private final boolean readOnly;
  /** {@code capacity} while open, -1 once this view is closed (so every check fails). */
  private int bound;

  AbstractMemoryBuffer(ByteBuffer buffer, MemoryScope scope, ByteOrder order) {
    this.buffer = buffer.duplicate().clear().order(order);
    this.scope = scope;
    this.capacity = this.buffer.capacity();
    this.bound = capacity;
    this.alignment = capacity == 0 ? 0 : this.buffer.alignmentOffset(0, 8);
    this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    this.readOnly = buffer.isReadOnly();
  }

  @Override
  protected final ByteBuffer newByteBufferView() {
    return buffer.duplicate().order(buffer.order());
  }

  /** Creates a view of {@code view} (already sliced) sharing this buffer's scope and kind. */
  abstract AbstractMemoryBuffer newView(ByteBuffer view, ByteOrder order);

  // ------------------------------------------------------------------------------- checks

  /** Checks a plain access of {@code size} bytes (1, 2, 4 or 8) at {@code index}. */
  private void check(int index, int size) {
    // bound - size >= -9, so no overflow; a closed view (bound -1) fails the second test.
    if (index < 0 || index > bound - size || scope.closed) {
      throw failure(index, size, false);
    }
  }

  /** Checks an ordered or atomic access of {@code size} bytes (4 or 8) at {@code index}. */
  private void checkAligned(int index, int size) {
    // bound - size >= -9, so no overflow; a closed view (bound -1) fails the second test.
    if (index < 0 || index > bound - size || ((alignment + index) & (size - 1)) != 0
        || scope.closed) {
      throw failure(index, size, true);
    }
  }

  /** Checks a range of {@code length} bytes at {@code index}. */
  final void checkBounds(int index, int length) {
    if ((index | length) < 0 || index > bound - length || scope.closed) {
      throw failure(index, length, false);
    }
  }

  private RuntimeException failure(int index, int length, boolean aligned) {
    if (isClosed()) {
      // A closed buffer reports closure, whatever the index.
      return closedException();
    }
    if ((index | length) < 0 || index > capacity - length) {
      return new IndexOutOfBoundsException(
          "index=" + index + " length=" + length + " capacity=" + capacity);
    }
    if (aligned) {
      return misaligned(index, length);
    }
    throw new AssertionError("no failure: index=" + index + " length=" + length);
  }

  private void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyBufferException();
    }
  }

  private IllegalArgumentException misaligned(int index, int size) {
    return new IllegalArgumentException(String.format(Locale.US,
        "index=%d is not %d-byte aligned (address %% %d = %d): ordered and atomic access needs a"
            + " naturally aligned index", index, size, size, (alignment + index) & (size - 1)));
  }

  private IllegalStateException closedException() {
    return bound < 0 ? new IllegalStateException("buffer view is closed") : scope.closedException();
  }

  private static void checkArray(int length, int offset, int count, String name) {
    if ((offset | count) < 0 || offset > length - count) {
      throw new IndexOutOfBoundsException(
          name + ": index=" + offset + " length=" + count + " capacity=" + length);
    }
  }

  // ------------------------------------------------------------------------------- properties

  @Override
  public final int capacity() {
    return isClosed() ? 0 : capacity;
  }

  @Override
  public final ByteOrder order() {
    return bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
  }

  @Override
  public final boolean isReadOnly() {
    return readOnly;
  }

  @Override
  public final boolean isClosed() {
    return bound < 0 || scope.closed;
  }

  @Override
  public final boolean isAligned(int index, int size) {
    Checks.requireArgument(size == 1 || size == 2 || size == 4 || size == 8,
        "size: %d (expected: 1, 2, 4 or 8)", size);
    return ((alignment + index) & (size - 1)) == 0;
  }

  @Override
  public final MemoryBuffer slice(int index, int length) {
    checkBounds(index, length);
    return newView(buffer.slice(index, length), order());
  }

  @Override
  public final MemoryBuffer withOrder(ByteOrder order) {
    Checks.requireNonNull(order, "order");
    if (isClosed()) {
      throw closedException();
    }
    return newView(buffer, order);
  }

  @Override
  public void close() {
    bound = -1;
  }

  // ------------------------------------------------------------------------------- plain access

  @Override
  public final byte getByte(int index) {
    check(index, 1);
    return buffer.get(index);
  }

  @Override
  public final void putByte(int index, byte value) {
    check(index, 1);
    buffer.put(index, value);
  }

  @Override
  public final short getShort(int index) {
    check(index, 2);
    return buffer.getShort(index);
  }

  @Override
  public final void putShort(int index, short value) {
    check(index, 2);
    buffer.putShort(index, value);
  }

  @Override
  public final int getInt(int index) {
    check(index, 4);
    return buffer.getInt(index);
  }

  @Override
  public final void putInt(int index, int value) {
    check(index, 4);
    buffer.putInt(index, value);
  }

  @Override
  public final long getLong(int index) {
    check(index, 8);
    return buffer.getLong(index);
  }

  @Override
  public final void putLong(int index, long value) {
    check(index, 8);
    buffer.putLong(index, value);
  }

  @Override
  public final float getFloat(int index) {
    check(index, 4);
    return buffer.getFloat(index);
  }

  @Override
  public final void putFloat(int index, float value) {
    check(index, 4);
    buffer.putFloat(index, value);
  }

  @Override
  public final double getDouble(int index) {
    check(index, 8);
    return buffer.getDouble(index);
  }

  @Override
  public final void putDouble(int index, double value) {
    check(index, 8);
    buffer.putDouble(index, value);
  }

  // ------------------------------------------------------------------------------- bulk access

  @Override
  public final void getBytes(int index, byte[] dst, int dstOffset, int length) {
    Checks.requireNonNull(dst, "dst");
    checkBounds(index, length);
    checkArray(dst.length, dstOffset, length, "dst");
    buffer.get(index, dst, dstOffset, length);
  }

  @Override
  public final void putBytes(int index, byte[] src, int srcOffset, int length) {
    Checks.requireNonNull(src, "src");
    checkBounds(index, length);
    checkArray(src.length, srcOffset, length, "src");
    checkWritable();
    buffer.put(index, src, srcOffset, length);
  }

  @Override
  public final void putBytes(int index, MemoryBuffer src, int srcIndex, int length) {
    Checks.requireNonNull(src, "src");
    checkBounds(index, length);
    checkWritable();
    if (src instanceof AbstractMemoryBuffer) {
      AbstractMemoryBuffer other = (AbstractMemoryBuffer) src;
      other.checkBounds(srcIndex, length);
      // put(int, ByteBuffer, int, int) copies like memmove when both views share memory.
      buffer.put(index, other.buffer, srcIndex, length);
    } else {
      for (int i = 0; i < length; i++) {
        buffer.put(index + i, src.getByte(srcIndex + i));
      }
    }
  }

  @Override
  public final void putBytes(int index, ByteBuffer src, int srcIndex, int length) {
    Checks.requireNonNull(src, "src");
    checkBounds(index, length);
    checkArray(src.capacity(), srcIndex, length, "src");
    checkWritable();
    buffer.put(index, src, srcIndex, length);
  }

  @Override
  public final void getBytes(int index, ByteBuffer dst, int dstIndex, int length) {
    Checks.requireNonNull(dst, "dst");
    checkBounds(index, length);
    checkArray(dst.capacity(), dstIndex, length, "dst");
    dst.put(dstIndex, buffer, index, length);
  }

  @Override
  public final void setMemory(int index, int length, byte value) {
    checkBounds(index, length);
    checkWritable();
    if (length < 8) {
      setShortRange(index, length, value);
    } else if (value == 0 && length >= BULK_ZERO_THRESHOLD) {
      // Bulk copies from a zero array run as one memory copy each; below the threshold the
      // copy's set-up costs more than word stores.
      for (int i = index, end = index + length; i < end; ) {
        int n = Math.min(end - i, ZEROS.length);
        buffer.put(i, ZEROS, 0, n);
        i += n;
      }
    } else {
      // Word stores of the repeated byte (byte order is irrelevant): one possibly unaligned store
      // at the start, aligned stores from the next 8-byte address, and one store overlapping the
      // end, so no byte loop is needed for any length >= 8.
      long word = (value & 0xFFL) * 0x0101010101010101L;
      int last = index + length - 8;
      buffer.putLong(index, word);
      for (int i = index + 8 - ((alignment + index) & 7); i < last; i += 8) {
        buffer.putLong(i, word);
      }
      buffer.putLong(last, word);
    }
  }

  /** Sets {@code length < 8} bytes with at most two (overlapping) stores. */
  private void setShortRange(int index, int length, byte value) {
    if (length >= 4) {
      int word = (value & 0xFF) * 0x01010101;
      buffer.putInt(index, word);
      buffer.putInt(index + length - 4, word);
    } else if (length >= 2) {
      short word = (short) ((value & 0xFF) * 0x0101);
      buffer.putShort(index, word);
      buffer.putShort(index + length - 2, word);
    } else if (length == 1) {
      buffer.put(index, value);
    }
  }

  // ------------------------------------------------------------------------------- int atomics
  // Each access goes through the little-endian handle; a big-endian view swaps bytes around it
  // (see the class comment). The ordering of each call is the one its name promises: the
  // VarHandle access mode of the same name.

  @Override
  public final int getIntAcquire(int index) {
    checkAligned(index, 4);
    int v = (int) INT_LE.getAcquire(buffer, index);
    return bigEndian ? Integer.reverseBytes(v) : v;
  }

  @Override
  public final void putIntRelease(int index, int value) {
    checkAligned(index, 4);
    INT_LE.setRelease(buffer, index, bigEndian ? Integer.reverseBytes(value) : value);
  }

  @Override
  public final int getIntVolatile(int index) {
    checkAligned(index, 4);
    int v = (int) INT_LE.getVolatile(buffer, index);
    return bigEndian ? Integer.reverseBytes(v) : v;
  }

  @Override
  public final void putIntVolatile(int index, int value) {
    checkAligned(index, 4);
    INT_LE.setVolatile(buffer, index, bigEndian ? Integer.reverseBytes(value) : value);
  }

  @Override
  public final int getIntOpaque(int index) {
    checkAligned(index, 4);
    int v = (int) INT_LE.getOpaque(buffer, index);
    return bigEndian ? Integer.reverseBytes(v) : v;
  }

  @Override
  public final void putIntOpaque(int index, int value) {
    checkAligned(index, 4);
    INT_LE.setOpaque(buffer, index, bigEndian ? Integer.reverseBytes(value) : value);
  }

  @Override
  public final boolean compareAndSetInt(int index, int expected, int update) {
    checkAligned(index, 4);
    // Swapping both operands is exact: equality does not depend on byte order.
    return bigEndian
        ? INT_LE.compareAndSet(buffer, index,
            Integer.reverseBytes(expected), Integer.reverseBytes(update))
        : INT_LE.compareAndSet(buffer, index, expected, update);
  }

  @Override
  public final int getAndAddInt(int index, int delta) {
    checkAligned(index, 4);
    return bigEndian
        ? (int) INT_BE.getAndAdd(buffer, index, delta)
        : (int) INT_LE.getAndAdd(buffer, index, delta);
  }

  // ------------------------------------------------------------------------------- long atomics

  @Override
  public final long getLongAcquire(int index) {
    checkAligned(index, 8);
    long v = (long) LONG_LE.getAcquire(buffer, index);
    return bigEndian ? Long.reverseBytes(v) : v;
  }

  @Override
  public final void putLongRelease(int index, long value) {
    checkAligned(index, 8);
    LONG_LE.setRelease(buffer, index, bigEndian ? Long.reverseBytes(value) : value);
  }

  @Override
  public final long getLongVolatile(int index) {
    checkAligned(index, 8);
    long v = (long) LONG_LE.getVolatile(buffer, index);
    return bigEndian ? Long.reverseBytes(v) : v;
  }

  @Override
  public final void putLongVolatile(int index, long value) {
    checkAligned(index, 8);
    LONG_LE.setVolatile(buffer, index, bigEndian ? Long.reverseBytes(value) : value);
  }

  @Override
  public final long getLongOpaque(int index) {
    checkAligned(index, 8);
    long v = (long) LONG_LE.getOpaque(buffer, index);
    return bigEndian ? Long.reverseBytes(v) : v;
  }

  @Override
  public final void putLongOpaque(int index, long value) {
    checkAligned(index, 8);
    LONG_LE.setOpaque(buffer, index, bigEndian ? Long.reverseBytes(value) : value);
  }

  @Override
  public final boolean compareAndSetLong(int index, long expected, long update) {
    checkAligned(index, 8);
    // Swapping both operands is exact: equality does not depend on byte order.
    return bigEndian
        ? LONG_LE.compareAndSet(buffer, index, Long.reverseBytes(expected), Long.reverseBytes(update))
        : LONG_LE.compareAndSet(buffer, index, expected, update);
  }

  @Override
  public final long getAndAddLong(int index, long delta) {
    checkAligned(index, 8);
    return bigEndian
        ? (long) LONG_BE.getAndAdd(buffer, index, delta)
        : (long) LONG_LE.getAndAdd(buffer, index, delta);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[capacity=" + capacity + ", order=" + order()
        + (readOnly ? ", read-only" : "") + (isClosed() ? ", closed" : "") + "]";
  }
}
