package io.perfkit.core.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * A {@link BufferPool}'s record of one buffer it allocated: a weak reference (so a leaked buffer
 * can still be collected) compared by the buffer's identity, plus the buffer's state. While the
 * buffer is idle in the pool, {@link #idle} holds it strongly.
 */
final class BufferSlot extends WeakReference<ByteBuffer> {
  static final int OUTSTANDING = 0;
  static final int IDLE = 1;
  static final int DISCARDED = 2;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(BufferSlot.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The size class index, or -1 for an unpooled (oversized) buffer. */
  final int sizeClass;

  /** The buffer while it is idle in the pool; null while it is handed out. */
  ByteBuffer idle;

  private final int hash;
  private volatile int state;

  /** A registered slot for a buffer just handed out. */
  BufferSlot(ByteBuffer buffer, int sizeClass, ReferenceQueue<ByteBuffer> collected) {
    super(buffer, collected);
    this.hash = System.identityHashCode(buffer);
    this.sizeClass = sizeClass;
    this.state = OUTSTANDING;
  }

  /** A lookup key only. */
  BufferSlot(ByteBuffer buffer) {
    super(buffer);
    this.hash = System.identityHashCode(buffer);
    this.sizeClass = -1;
  }

  /**
   * The releasing thread's fast path, for a buffer this thread's own cache handed out: moves
   * OUTSTANDING to IDLE with a plain load and a plain store, returning false (released already)
   * from any other state. A release ordered before or after this one by happens-before (the same
   * thread, or a hand-off between threads) sees the other's state, so sequential double releases
   * stay exactly detected; a release racing with this one on another thread (a data race in the
   * caller: both threads hold the buffer) may go undetected, which is the documented limit. The
   * CAS this replaces was 10-25 % of an acquire + release (BufferPoolCpuProbe).
   */
  boolean releaseOwned() {
    // Plain: see above; only the owner's program order and happens-before edges matter.
    if ((int) STATE.get(this) != OUTSTANDING) {
      return false;
    }
    STATE.set(this, IDLE);
    return true;
  }

  /** CAS: exactly one of two racing releases of the same buffer wins. */
  boolean casState(int expected, int next) {
    return STATE.compareAndSet(this, expected, next);
  }

  /**
   * Marks the buffer handed out again, by the thread that now owns the idle buffer (it took it
   * from its own cache, or from the pool's queue, whose release/acquire pairing orders this after
   * the releasing thread's state change). A plain store suffices: no other thread may
   * legitimately change an idle buffer's state (a wrong release racing with this fails on IDLE,
   * or succeeds afterwards, which no ordering could prevent), and the next holder's release is
   * ordered after this store by program order or by whatever hand-off gave it the buffer. Plain
   * (not volatile) keeps the acquire fast path free of fences and compiler barriers.
   */
  void setOutstanding() {
    STATE.set(this, OUTSTANDING);
  }

  void setDiscarded() {
    state = DISCARDED;
  }

  int state() {
    return state;
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof BufferSlot)) {
      return false;
    }
    ByteBuffer b = get();
    return b != null && b == ((BufferSlot) o).get();
  }
}
