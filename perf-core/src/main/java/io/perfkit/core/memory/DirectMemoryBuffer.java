package io.perfkit.core.memory;

import io.perfkit.core.internal.Checks;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link MemoryBuffer} over {@link ByteBuffer#allocateDirect} memory. The root buffer owns the
 * scope: closing it closes every slice and releases its reservation count.
 */
final class DirectMemoryBuffer extends AbstractMemoryBuffer {
  private static final AtomicLong RESERVED = new AtomicLong();
  /** The cache line size this class aligns new buffers to. */
  private static final int LINE = 64;

  /** Bytes counted in RESERVED for a root buffer; 0 for views. */
  private final long reserved;

  private DirectMemoryBuffer(ByteBuffer buffer, MemoryScope scope, ByteOrder order, long reserved) {
    super(buffer, scope, order);
    this.reserved = reserved;
  }

  static DirectMemoryBuffer allocate(int capacity, ByteOrder order) {
    Checks.checkInRange(capacity, 1, Integer.MAX_VALUE - 8, "capacity");
    Checks.requireNonNull(order, "order");
    // Over-allocate so the view starts on a 64-byte (cache line) boundary: the JDK aligns direct
    // memory only to what malloc returns (16 bytes on 64-bit Linux). Atomics need natural (8-byte)
    // alignment; line alignment makes index-based line boundaries real ones, which the ring
    // buffers' consumer relies on for speed (it zeroes whole lines; see AbstractRingBuffer). Near
    // the size limit (above Integer.MAX_VALUE - 72), only the 8-byte alignment is kept.
    int lineAlignment = capacity <= Integer.MAX_VALUE - 8 - LINE ? LINE : 8;
    ByteBuffer raw = ByteBuffer.allocateDirect(capacity + lineAlignment - 1);
    int misalignment = raw.alignmentOffset(0, lineAlignment);
    int start = misalignment == 0 ? 0 : lineAlignment - misalignment;
    ByteBuffer aligned = raw.position(start).limit(start + capacity).slice();
    long reserved = capacity + lineAlignment - 1L;
    RESERVED.addAndGet(reserved);
    return new DirectMemoryBuffer(aligned, new MemoryScope("direct buffer"), order, reserved);
  }

  static long reservedBytes() {
    return RESERVED.get();
  }

  @Override
  AbstractMemoryBuffer newView(ByteBuffer view, ByteOrder order) {
    return new DirectMemoryBuffer(view, scope, order, 0);
  }

  @Override
  public boolean isMapped() {
    return false;
  }

  @Override
  public void close() {
    super.close();
    if (reserved > 0 && scope.close()) {
      RESERVED.addAndGet(-reserved);
    }
  }
}
