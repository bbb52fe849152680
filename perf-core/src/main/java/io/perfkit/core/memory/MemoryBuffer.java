package io.perfkit.core.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A bounds-checked view of off-heap memory (direct or memory-mapped) with typed, bulk, ordered and
 * atomic access at byte offsets ({@code index}).
 *
 * <p><b>Byte order:</b> multi-byte values use {@link #order()}, little-endian unless chosen otherwise
 * at creation ({@link #allocateDirect(int, ByteOrder)}, {@link #withOrder(ByteOrder)}).
 *
 * <p><b>Bounds:</b> every access is checked; a bad index or length throws
 * {@link IndexOutOfBoundsException} whose message reads {@code "index=... length=... capacity=..."}.
 * No access path can crash the JVM (the single exception is a mapped file truncated by another
 * process; see {@link MappedFile}).
 *
 * <p><b>Alignment:</b> the ordered and atomic int/long accessors ({@code *Acquire}, {@code *Release},
 * {@code *Volatile}, {@code *Opaque}, {@code compareAndSet*}, {@code getAndAdd*}) need a naturally
 * aligned address (4 bytes for int, 8 for long). Buffers created by perfkit start 8-byte aligned, so
 * an index that is a multiple of the value size is aligned unless the buffer is a slice at an odd
 * offset. A misaligned index throws {@link IllegalArgumentException} naming the index. Plain accessors
 * work at any index.
 *
 * <p><b>Threading:</b> the buffer itself holds no locks; concurrent plain accesses to the same bytes
 * are data races. <b>Ordering:</b> a {@code put*Release} pairs with a {@code get*Acquire} of the same
 * location: writes (plain or not) before the release are visible after the acquire that reads its
 * value. {@code *Volatile} accesses are totally ordered (sequentially consistent); {@code *Opaque}
 * gives coherence per location but no ordering of other accesses. Atomics on a mapped file are also
 * atomic against other processes mapping the same file.
 *
 * <p><b>Lifecycle:</b> {@link #close()} is deterministic for the API: any later access through this
 * buffer or one of its slices throws {@link IllegalStateException}. The memory itself is returned to
 * the operating system only when the JDK's {@code Cleaner} runs for the underlying buffer, once it is
 * unreachable (JDK 17 has no public free or unmap). Closing must happen-before the accesses that are
 * to fail; a racing access from another thread may still succeed, but it never touches freed memory.
 *
 * <p><b>Allocation:</b> accessors allocate nothing; {@link #slice} and {@link #withOrder} allocate a
 * small view object.
 */
public interface MemoryBuffer extends AutoCloseable {

  /**
   * Allocates {@code capacity} bytes of zeroed, 8-byte aligned direct memory, little-endian.
   *
   * @param capacity the size in bytes
   * @return a new buffer
   * @throws IllegalArgumentException if {@code capacity <= 0} or too large for a direct buffer
   * @throws OutOfMemoryError if the JVM's direct-memory limit is reached
   */
  static MemoryBuffer allocateDirect(int capacity) {
    return allocateDirect(capacity, ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Allocates {@code capacity} bytes of zeroed, 8-byte aligned direct memory with the given order.
   *
   * @param capacity the size in bytes
   * @param order the byte order of multi-byte values
   * @return a new buffer
   * @throws IllegalArgumentException if {@code capacity <= 0} or too large for a direct buffer
   * @throws NullPointerException if {@code order} is null
   * @throws OutOfMemoryError if the JVM's direct-memory limit is reached
   */
  static MemoryBuffer allocateDirect(int capacity, ByteOrder order) {
    return DirectMemoryBuffer.allocate(capacity, order);
  }

  /**
   * Bytes of direct memory allocated through {@link #allocateDirect} and not yet closed. The JDK may
   * still hold the memory of closed buffers until they are garbage collected (see the JDK's "direct"
   * {@link java.lang.management.BufferPoolMXBean} for what is actually reserved).
   *
   * @return the number of bytes, {@code >= 0}
   */
  static long reservedDirectBytes() {
    return DirectMemoryBuffer.reservedBytes();
  }

  /** Returns the size of this buffer in bytes (0 once closed). */
  int capacity();

  /** Returns the byte order of multi-byte accessors. */
  ByteOrder order();

  /** Returns whether this buffer views a memory-mapped file. */
  boolean isMapped();

  /** Returns whether this buffer rejects writes. */
  boolean isReadOnly();

  /** Returns whether this buffer (or the buffer or file it was sliced from) has been closed. */
  boolean isClosed();

  /**
   * Returns whether {@code index} is naturally aligned for a value of {@code size} bytes.
   *
   * @param index the byte offset
   * @param size 1, 2, 4 or 8
   * @return true if atomic access of that size is allowed at {@code index}
   * @throws IllegalArgumentException if {@code size} is not 1, 2, 4 or 8
   */
  boolean isAligned(int index, int size);

  /**
   * Returns a view of {@code length} bytes starting at {@code index}, sharing memory and order
   * with this buffer. Closing the buffer returned by {@link #allocateDirect} (or the
   * {@link MappedFile} a region came from) closes every view; closing a view closes only that
   * view.
   *
   * @throws IndexOutOfBoundsException if the range is outside this buffer
   * @throws IllegalStateException if closed
   */
  MemoryBuffer slice(int index, int length);

  /**
   * Returns a view of the whole buffer that uses {@code order} for multi-byte values.
   *
   * @throws NullPointerException if {@code order} is null
   * @throws IllegalStateException if closed
   */
  MemoryBuffer withOrder(ByteOrder order);

  // ---------------------------------------------------------------------------------------------
  // Plain typed access (any alignment). All throw IndexOutOfBoundsException for a bad index,
  // IllegalStateException when closed, and (puts) ReadOnlyBufferException when read-only.

  /** Reads the byte at {@code index}. */
  byte getByte(int index);

  /** Writes the byte at {@code index}. */
  void putByte(int index, byte value);

  /** Reads the short at {@code index}. */
  short getShort(int index);

  /** Writes the short at {@code index}. */
  void putShort(int index, short value);

  /** Reads the int at {@code index}. */
  int getInt(int index);

  /** Writes the int at {@code index}. */
  void putInt(int index, int value);

  /** Reads the long at {@code index}. */
  long getLong(int index);

  /** Writes the long at {@code index}. */
  void putLong(int index, long value);

  /** Reads the float at {@code index}. */
  float getFloat(int index);

  /** Writes the float at {@code index}. */
  void putFloat(int index, float value);

  /** Reads the double at {@code index}. */
  double getDouble(int index);

  /** Writes the double at {@code index}. */
  void putDouble(int index, double value);

  // ---------------------------------------------------------------------------------------------
  // Bulk access.

  /**
   * Copies {@code length} bytes starting at {@code index} into {@code dst[dstOffset...]}.
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code dst} is null
   * @throws IllegalStateException if closed
   */
  void getBytes(int index, byte[] dst, int dstOffset, int length);

  /**
   * Copies {@code length} bytes from {@code src[srcOffset...]} to this buffer at {@code index}.
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalStateException if closed
   * @throws java.nio.ReadOnlyBufferException if read-only
   */
  void putBytes(int index, byte[] src, int srcOffset, int length);

  /**
   * Copies {@code length} bytes from {@code src} at {@code srcIndex} to this buffer at
   * {@code index}. Overlapping ranges of the same memory copy as if through a temporary buffer.
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalStateException if either buffer is closed
   * @throws java.nio.ReadOnlyBufferException if this buffer is read-only
   */
  void putBytes(int index, MemoryBuffer src, int srcIndex, int length);

  /**
   * Copies {@code length} bytes from {@code src} at absolute position {@code srcIndex} (its position
   * and limit are ignored and unchanged) to this buffer at {@code index}.
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalStateException if closed
   * @throws java.nio.ReadOnlyBufferException if this buffer is read-only
   */
  void putBytes(int index, ByteBuffer src, int srcIndex, int length);

  /**
   * Copies {@code length} bytes at {@code index} to {@code dst} at absolute position
   * {@code dstIndex} (its position and limit are ignored and unchanged).
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code dst} is null
   * @throws IllegalStateException if closed
   * @throws java.nio.ReadOnlyBufferException if {@code dst} is read-only
   */
  void getBytes(int index, ByteBuffer dst, int dstIndex, int length);

  /**
   * Sets {@code length} bytes starting at {@code index} to {@code value}.
   *
   * @throws IndexOutOfBoundsException if the range is out of bounds
   * @throws IllegalStateException if closed
   * @throws java.nio.ReadOnlyBufferException if read-only
   */
  void setMemory(int index, int length, byte value);

  // ---------------------------------------------------------------------------------------------
  // Ordered and atomic int access (index must be 4-byte aligned). All throw
  // IndexOutOfBoundsException, IllegalArgumentException (misaligned), IllegalStateException
  // (closed) and, for writes, ReadOnlyBufferException.

  /** Reads the int at {@code index} with acquire semantics (pairs with {@link #putIntRelease}). */
  int getIntAcquire(int index);

  /** Writes the int at {@code index} with release semantics (pairs with {@link #getIntAcquire}). */
  void putIntRelease(int index, int value);

  /** Reads the int at {@code index} with volatile semantics. */
  int getIntVolatile(int index);

  /** Writes the int at {@code index} with volatile semantics. */
  void putIntVolatile(int index, int value);

  /** Reads the int at {@code index} with opaque semantics. */
  int getIntOpaque(int index);

  /** Writes the int at {@code index} with opaque semantics. */
  void putIntOpaque(int index, int value);

  /**
   * Atomically sets the int at {@code index} to {@code update} if it equals {@code expected}
   * (volatile semantics).
   *
   * @return true if the value was updated
   */
  boolean compareAndSetInt(int index, int expected, int update);

  /** Atomically adds {@code delta} to the int at {@code index}; returns the previous value. */
  int getAndAddInt(int index, int delta);

  // ---------------------------------------------------------------------------------------------
  // Ordered and atomic long access (index must be 8-byte aligned).

  /** Reads the long at {@code index} with acquire semantics (pairs with {@link #putLongRelease}). */
  long getLongAcquire(int index);

  /** Writes the long at {@code index} with release semantics (pairs with {@link #getLongAcquire}). */
  void putLongRelease(int index, long value);

  /** Reads the long at {@code index} with volatile semantics. */
  long getLongVolatile(int index);

  /** Writes the long at {@code index} with volatile semantics. */
  void putLongVolatile(int index, long value);

  /** Reads the long at {@code index} with opaque semantics. */
  long getLongOpaque(int index);

  /** Writes the long at {@code index} with opaque semantics. */
  void putLongOpaque(int index, long value);

  /**
   * Atomically sets the long at {@code index} to {@code update} if it equals {@code expected}
   * (volatile semantics).
   *
   * @return true if the value was updated
   */
  boolean compareAndSetLong(int index, long expected, long update);

  /** Atomically adds {@code delta} to the long at {@code index}; returns the previous value. */
  long getAndAddLong(int index, long delta);

  /**
   * Closes this view. Idempotent. Later accesses through it throw {@link IllegalStateException}.
   * Closing a buffer returned by {@link #allocateDirect} also closes its slices and releases its
   * count in {@link #reservedDirectBytes()}; the memory itself is freed by the JDK once the buffer is
   * unreachable.
   */
  @Override
  void close();
}
