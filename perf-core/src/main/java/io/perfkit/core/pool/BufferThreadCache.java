package io.perfkit.core.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.function.BiConsumer;

/**
 * One platform thread's private stacks of idle buffers, one per size class, in front of a
 * {@link BufferPool}'s shared queues. Found through a {@link ThreadTable}.
 *
 * <p>Entry {@code i} of class {@code c} lives at {@code c * capacity + i} in two parallel arrays:
 * the buffer and its {@link BufferSlot} (its identity record and state). Entries below
 * {@code sizes[c]} are idle. Entries at and above {@code sizes[c]} are the buffers this thread
 * handed out most recently (a pop leaves its entry in place, and a miss records the new buffer
 * there): a release finds its buffer's slot among them with a few identity compares, without the
 * pool's identity map. Keeping them costs no reference store on the steady path (the slot already
 * holds the buffer), and it keeps up to {@code capacity} handed-out buffers per class reachable
 * until their entries are overwritten.
 *
 * <p>Only the owner writes, with plain accesses (the arrays, {@code sizes}, {@link #reused}); as
 * in {@link ThreadCache}, {@code stats()} reads {@code sizes} and {@code reused} from other
 * threads with opaque loads (racy counters, documented as such).
 */
final class BufferThreadCache extends ThreadOwned {
  private static final VarHandle SIZES = MethodHandles.arrayElementVarHandle(int[].class);
  private static final VarHandle REUSED;
  private static final VarHandle HOT_IDLE_CAPACITY;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      REUSED = lookup.findVarHandle(BufferThreadCache.class, "reused", long.class);
      HOT_IDLE_CAPACITY =
          lookup.findVarHandle(BufferThreadCache.class, "hotIdleCapacity", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int capacity;
  private final ByteBuffer[] buffers;
  private final BufferSlot[] slots;
  private final int[] sizes;
  private long reused;

  /*
   * The hot entry: one buffer in plain fields, in front of the stacks, so the commonest pattern
   * (release a buffer, acquire one of the same class) needs no array access. It is either idle
   * (hotIdleCapacity is then its capacity: two compares with the request tell an acquisition
   * whether the buffer is of the request's class, before the class is computed) or the buffer
   * this thread last took from it (hotIdleCapacity 0). A release makes its
   * buffer the hot entry when the entry is free: empty, or its buffer is no longer handed out
   * (it was released on another thread). Like the entries above a stack's top, a handed-out hot
   * buffer stays reachable from here until it is replaced.
   */
  private ByteBuffer hotBuffer;
  private BufferSlot hotSlot;
  private int hotIdleCapacity;

  BufferThreadCache(
      Thread owner, int classCount, int capacity, ReferenceQueue<? super Thread> deaths) {
    super(owner, deaths);
    this.capacity = capacity;
    this.buffers = new ByteBuffer[classCount * capacity];
    this.slots = new BufferSlot[classCount * capacity];
    this.sizes = new int[classCount];
  }

  /**
   * Owner only: takes the idle hot buffer if a request of {@code minCapacity} maps to its class
   * (two compares, no class computation; an invalid request never matches), counting a reuse.
   */
  ByteBuffer takeHot(int minCapacity) {
    int capacity = hotIdleCapacity;
    // The smallest class also serves requests of half its size and less: those miss here and
    // come back through takeHotOfCapacity once their class is known.
    if (minCapacity <= capacity && minCapacity > capacity >>> 1) {
      return lendHot();
    }
    return null;
  }

  /** Owner only: takes the idle hot buffer if its capacity is {@code capacity}. */
  ByteBuffer takeHotOfCapacity(int capacity) {
    return hotIdleCapacity == capacity ? lendHot() : null;
  }

  /** Owner only: lends out the idle hot buffer and counts a reuse. */
  private ByteBuffer lendHot() {
    hotIdleCapacity = 0; // plain: owner-only (see the class comment)
    reused++;
    hotSlot.setOutstanding();
    return hotBuffer;
  }

  /** Owner only: whether {@code buffer} is the hot entry's buffer (idle or handed out). */
  boolean isHot(ByteBuffer buffer) {
    return buffer == hotBuffer;
  }

  /** Owner only: the hot entry's slot. */
  BufferSlot hotSlot() {
    return hotSlot;
  }

  /** Owner only: the hot buffer, released (its slot CASed to IDLE), is idle again. */
  void markHotIdle(int capacity) {
    hotIdleCapacity = capacity; // plain: owner-only
  }

  /**
   * Owner only: makes a just-released (IDLE) buffer the idle hot entry if the entry is free;
   * returns whether it did.
   */
  boolean offerHot(ByteBuffer buffer, BufferSlot slot) {
    if (hotIdleCapacity != 0) {
      return false;
    }
    BufferSlot current = hotSlot;
    if (current != null && current.state() == BufferSlot.OUTSTANDING) {
      return false; // the hot buffer is still handed out (by us, normally): keep its entry
    }
    hotBuffer = buffer;
    hotSlot = slot;
    hotIdleCapacity = buffer.capacity(); // plain: owner-only
    return true;
  }

  /**
   * Owner only: pops an idle buffer of class {@code c} and counts a reuse; returns its entry index
   * (read it with {@link #buffer} and {@link #slot}), or -1 if the class has none idle. The entry
   * stays in place, above the new top.
   */
  int pop(int c) {
    int s = sizes[c];
    if (s == 0) {
      return -1;
    }
    s--;
    sizes[c] = s; // plain: owner-only (see the class comment)
    reused++;
    return c * capacity + s;
  }

  ByteBuffer buffer(int index) {
    return buffers[index];
  }

  BufferSlot slot(int index) {
    return slots[index];
  }

  /**
   * Owner only: the entry index of {@code buffer} among class {@code c}'s recently handed-out
   * entries (at and above the top), or -1.
   */
  int findHandedOut(int c, ByteBuffer buffer) {
    int base = c * capacity;
    ByteBuffer[] b = buffers;
    for (int i = base + sizes[c], end = base + capacity; i < end; i++) {
      if (b[i] == buffer) {
        return i;
      }
    }
    return -1;
  }

  /**
   * Owner only: makes the handed-out entry {@code index} of class {@code c} (from
   * {@link #findHandedOut}) idle again, on top of the stack.
   */
  void pushHandedOut(int c, int index) {
    int s = sizes[c];
    int top = c * capacity + s;
    if (index != top) { // swap it to the top; the displaced entry stays above the top
      ByteBuffer b = buffers[index];
      BufferSlot slot = slots[index];
      buffers[index] = buffers[top];
      slots[index] = slots[top];
      buffers[top] = b;
      slots[top] = slot;
    }
    sizes[c] = s + 1; // plain: owner-only
  }

  /** Owner only: pushes an idle buffer if class {@code c} has room. */
  boolean push(int c, ByteBuffer buffer, BufferSlot slot) {
    int s = sizes[c];
    if (s == capacity) {
      return false;
    }
    int top = c * capacity + s;
    buffers[top] = buffer;
    slots[top] = slot;
    sizes[c] = s + 1; // plain: owner-only
    return true;
  }

  /**
   * Owner only: records a buffer just handed out from elsewhere (the shared queue or a new
   * allocation) just above class {@code c}'s top, so that its release takes the fast path.
   */
  void recordHandedOut(int c, ByteBuffer buffer, BufferSlot slot) {
    int s = sizes[c];
    if (s < capacity) {
      int top = c * capacity + s;
      buffers[top] = buffer;
      slots[top] = slot;
    }
  }

  /** Any thread: idle buffers of class {@code c} (racy). */
  int sizeOpaque(int c) {
    // Opaque: a racy counter read for stats.
    return (int) SIZES.getOpaque(sizes, c);
  }

  /** Any thread: the capacity of the idle hot buffer, or 0 if none (racy). */
  int hotIdleCapacityOpaque() {
    // Opaque: a racy read for stats.
    return (int) HOT_IDLE_CAPACITY.getOpaque(this);
  }

  /** Number of size classes. */
  int classCount() {
    return sizes.length;
  }

  /** Any thread: acquisitions the owner served from this cache (racy). */
  long reusedOpaque() {
    // Opaque: see sizeOpaque().
    return (long) REUSED.getOpaque(this);
  }

  /**
   * Empties the cache: passes every idle entry's slot and buffer (hot entry included) to
   * {@code sink} and clears every entry, idle or handed out. Called by the owner, or by any thread once the owner is dead (its
   * last writes happened before its termination, which the reference queue hand-off follows).
   */
  void drainTo(BiConsumer<BufferSlot, ByteBuffer> sink) {
    for (int c = 0; c < sizes.length; c++) {
      int base = c * capacity;
      // Acquire: keeps the entry loads below from floating above this read (see above for why
      // the owner's writes are visible).
      int s = (int) SIZES.getAcquire(sizes, c);
      for (int i = s - 1; i >= 0; i--) {
        BufferSlot slot = slots[base + i];
        ByteBuffer buffer = buffers[base + i];
        // Opaque: keeps stats() readers' view current while draining (the owner, or nobody,
        // writes it).
        SIZES.setOpaque(sizes, c, i);
        sink.accept(slot, buffer);
      }
    }
    if (hotIdleCapacity != 0) {
      // Opaque: see sizes above.
      HOT_IDLE_CAPACITY.setOpaque(this, 0);
      sink.accept(hotSlot, hotBuffer);
    }
    hotBuffer = null;
    hotSlot = null;
    Arrays.fill(buffers, null);
    Arrays.fill(slots, null);
  }
}
