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

  /** Bytes counted in RESERVED for a root buffer; 0 for views. */
  private final long reserved;

  private DirectMemoryBuffer(ByteBuffer buffer, MemoryScope scope, ByteOrder order, long reserved) {
    super(buffer, scope, order);
    this.reserved = reserved;
  }

  static DirectMemoryBuffer allocate(int capacity, ByteOrder order) {
    Checks.checkInRange(capacity, 1, Integer.MAX_VALUE - 8, "capacity");
    Checks.requireNonNull(order, "order");
    // Over-allocate by 7 bytes so the view can start on an 8-byte boundary: the JDK aligns direct
    // memory only to what malloc returns, and atomics need natural alignment.
    ByteBuffer raw = ByteBuffer.allocateDirect(capacity + 7);
    ByteBuffer aligned = raw.alignedSlice(8).limit(capacity).slice();
    long reserved = capacity + 7L;
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
