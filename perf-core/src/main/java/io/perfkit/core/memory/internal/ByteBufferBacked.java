package io.perfkit.core.memory.internal;

import java.nio.ByteBuffer;

/**
 * perfkit-internal (this package is not exported): the base of perfkit's own {@code MemoryBuffer}
 * implementations, through which other perfkit packages (the IPC ring buffers) reach the
 * {@link ByteBuffer} behind a buffer, for hot paths whose indices are already proven in range.
 *
 * <p>Access through the returned {@code ByteBuffer} is still memory-safe (the JDK checks its
 * bounds and it keeps the memory reachable) but skips the {@code MemoryBuffer}'s own checks,
 * including the closed check: the caller must keep at least one checked access per operation if
 * closing is to be observed.
 */
public abstract class ByteBufferBacked {
  /** For subclasses (perfkit's memory buffers). */
  protected ByteBufferBacked() {}

  /**
   * Returns a new view of this buffer's memory (index 0 at this buffer's index 0, the same
   * capacity and byte order); changing the view's position, limit or order does not affect this
   * buffer.
   *
   * @return a new {@code ByteBuffer} view
   */
  protected abstract ByteBuffer newByteBufferView();

  /**
   * Returns a new {@code ByteBuffer} view of {@code buffer}'s memory in its byte order, or null if
   * {@code buffer} is not one of perfkit's implementations. Thread-safe.
   *
   * @param buffer any object, usually a {@code MemoryBuffer}
   * @return the view, or null
   */
  public static ByteBuffer viewOf(Object buffer) {
    return buffer instanceof ByteBufferBacked
        ? ((ByteBufferBacked) buffer).newByteBufferView()
        : null;
  }
}
