package io.perfkit.core.memory;

import io.perfkit.core.internal.Checks;
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
abstract class AbstractMemoryBuffer implements MemoryBuffer {
  /*
   * Plain accesses go through the ByteBuffer's absolute accessors (its order is set to ours), which
   * the JIT intrinsifies. Ordered and atomic accesses go through byteBufferViewVarHandle, which
   * requires natural alignment of the absolute address on direct memory: we check it first so the
   * caller gets an IllegalArgumentException naming the index rather than the JDK's
   * IllegalStateException ("Misaligned access at address ..."). `alignment` is the address of
   * index 0 modulo 8, obtained through the public ByteBuffer.alignmentOffset.
   *
   * Closed checks: the view's own flag and the shared scope's flag are read after the bounds
   * check; both are plain reads (see MemoryScope).
   */

  private static final VarHandle INT_LE =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle INT_BE =
      MethodHandles.byteBufferViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG_LE =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final VarHandle LONG_BE =
      MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  final ByteBuffer buffer;
  final MemoryScope scope;
  private final int capacity;
  private final int alignment;
  private final boolean bigEndian;
  private final boolean readOnly;
  private boolean closed;

  AbstractMemoryBuffer(ByteBuffer buffer, MemoryScope scope, ByteOrder order) {
    this.buffer = buffer.duplicate().clear().order(order);
    this.scope = scope;
    this.capacity = this.buffer.capacity();
    this.alignment = capacity == 0 ? 0 : this.buffer.alignmentOffset(0, 8);
    this.bigEndian = order == ByteOrder.BIG_ENDIAN;
    this.readOnly = buffer.isReadOnly();
  }

  /** Creates a view of {@code view} (already sliced) sharing this buffer's scope and kind. */
  abstract AbstractMemoryBuffer newView(ByteBuffer view, ByteOrder order);

  // ------------------------------------------------------------------------------- checks

  final void checkBounds(int index, int length) {
    if ((index | length) < 0 || index > capacity - length) {
      throw outOfBounds(index, length);
    }
    if (closed || scope.isClosed()) {
      throw closedException();
    }
  }

  private void checkWritable() {
    if (readOnly) {
      throw new ReadOnlyBufferException();
    }
  }

  private void checkAligned(int index, int size) {
    checkBounds(index, size);
    if (((alignment + index) & (size - 1)) != 0) {
      throw misaligned(index, size);
    }
  }

  private IndexOutOfBoundsException outOfBounds(int index, int length) {
    if (closed || scope.isClosed()) {
      // A closed buffer reports closure, whatever the index.
      throw closedException();
    }
    return new IndexOutOfBoundsException(
        "index=" + index + " length=" + length + " capacity=" + capacity);
  }

  private IllegalArgumentException misaligned(int index, int size) {
    return new IllegalArgumentException(String.format(Locale.US,
        "index=%d is not %d-byte aligned (address %% %d = %d): ordered and atomic access needs a"
            + " naturally aligned index", index, size, size, (alignment + index) & (size - 1)));
  }

  private IllegalStateException closedException() {
    return closed ? new IllegalStateException("buffer view is closed") : scope.closedException();
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
    return closed || scope.isClosed();
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
    closed = true;
  }

  // ------------------------------------------------------------------------------- plain access

  @Override
  public final byte getByte(int index) {
    checkBounds(index, 1);
    return buffer.get(index);
  }

  @Override
  public final void putByte(int index, byte value) {
    checkBounds(index, 1);
    checkWritable();
    buffer.put(index, value);
  }

  @Override
  public final short getShort(int index) {
    checkBounds(index, 2);
    return buffer.getShort(index);
  }

  @Override
  public final void putShort(int index, short value) {
    checkBounds(index, 2);
    checkWritable();
    buffer.putShort(index, value);
  }

  @Override
  public final int getInt(int index) {
    checkBounds(index, 4);
    return buffer.getInt(index);
  }

  @Override
  public final void putInt(int index, int value) {
    checkBounds(index, 4);
    checkWritable();
    buffer.putInt(index, value);
  }

  @Override
  public final long getLong(int index) {
    checkBounds(index, 8);
    return buffer.getLong(index);
  }

  @Override
  public final void putLong(int index, long value) {
    checkBounds(index, 8);
    checkWritable();
    buffer.putLong(index, value);
  }

  @Override
  public final float getFloat(int index) {
    checkBounds(index, 4);
    return buffer.getFloat(index);
  }

  @Override
  public final void putFloat(int index, float value) {
    checkBounds(index, 4);
    checkWritable();
    buffer.putFloat(index, value);
  }

  @Override
  public final double getDouble(int index) {
    checkBounds(index, 8);
    return buffer.getDouble(index);
  }

  @Override
  public final void putDouble(int index, double value) {
    checkBounds(index, 8);
    checkWritable();
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
    long word = (value & 0xFFL) * 0x0101010101010101L;
    int i = index;
    int end = index + length;
    for (; i + 8 <= end; i += 8) {
      buffer.putLong(i, word);
    }
    for (; i < end; i++) {
      buffer.put(i, value);
    }
  }

  // ------------------------------------------------------------------------------- int atomics

  private VarHandle ints() {
    return bigEndian ? INT_BE : INT_LE;
  }

  private VarHandle longs() {
    return bigEndian ? LONG_BE : LONG_LE;
  }

  @Override
  public final int getIntAcquire(int index) {
    checkAligned(index, 4);
    return (int) ints().getAcquire(buffer, index);
  }

  @Override
  public final void putIntRelease(int index, int value) {
    checkAligned(index, 4);
    checkWritable();
    ints().setRelease(buffer, index, value);
  }

  @Override
  public final int getIntVolatile(int index) {
    checkAligned(index, 4);
    return (int) ints().getVolatile(buffer, index);
  }

  @Override
  public final void putIntVolatile(int index, int value) {
    checkAligned(index, 4);
    checkWritable();
    ints().setVolatile(buffer, index, value);
  }

  @Override
  public final int getIntOpaque(int index) {
    checkAligned(index, 4);
    return (int) ints().getOpaque(buffer, index);
  }

  @Override
  public final void putIntOpaque(int index, int value) {
    checkAligned(index, 4);
    checkWritable();
    ints().setOpaque(buffer, index, value);
  }

  @Override
  public final boolean compareAndSetInt(int index, int expected, int update) {
    checkAligned(index, 4);
    checkWritable();
    return ints().compareAndSet(buffer, index, expected, update);
  }

  @Override
  public final int getAndAddInt(int index, int delta) {
    checkAligned(index, 4);
    checkWritable();
    return (int) ints().getAndAdd(buffer, index, delta);
  }

  // ------------------------------------------------------------------------------- long atomics

  @Override
  public final long getLongAcquire(int index) {
    checkAligned(index, 8);
    return (long) longs().getAcquire(buffer, index);
  }

  @Override
  public final void putLongRelease(int index, long value) {
    checkAligned(index, 8);
    checkWritable();
    longs().setRelease(buffer, index, value);
  }

  @Override
  public final long getLongVolatile(int index) {
    checkAligned(index, 8);
    return (long) longs().getVolatile(buffer, index);
  }

  @Override
  public final void putLongVolatile(int index, long value) {
    checkAligned(index, 8);
    checkWritable();
    longs().setVolatile(buffer, index, value);
  }

  @Override
  public final long getLongOpaque(int index) {
    checkAligned(index, 8);
    return (long) longs().getOpaque(buffer, index);
  }

  @Override
  public final void putLongOpaque(int index, long value) {
    checkAligned(index, 8);
    checkWritable();
    longs().setOpaque(buffer, index, value);
  }

  @Override
  public final boolean compareAndSetLong(int index, long expected, long update) {
    checkAligned(index, 8);
    checkWritable();
    return longs().compareAndSet(buffer, index, expected, update);
  }

  @Override
  public final long getAndAddLong(int index, long delta) {
    checkAligned(index, 8);
    checkWritable();
    return (long) longs().getAndAdd(buffer, index, delta);
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[capacity=" + capacity + ", order=" + order()
        + (readOnly ? ", read-only" : "") + (isClosed() ? ", closed" : "") + "]";
  }
}
