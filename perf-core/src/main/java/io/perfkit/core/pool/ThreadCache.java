package io.perfkit.core.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.util.function.Consumer;

/**
 * One platform thread's private stack of pooled objects, in front of the shared store. The pool
 * finds it through a {@link ThreadTable}.
 *
 * <p>Only the owning thread pushes and pops, with plain accesses (array, {@link #size},
 * {@link #reused}): a thread that releases and re-acquires touches no cache line another thread
 * writes, and the JIT may keep and combine these accesses freely (opaque stores measured slower:
 * each one is a compiler barrier). {@link ObjectPool#stats()} reads the two counters from other
 * threads with opaque loads: a racy read of a counter, documented as such. An {@code int} is never
 * torn; a plain {@code long} store is one instruction on 64-bit HotSpot (on a 32-bit JVM a torn
 * read could only garble one statistics snapshot).
 *
 * <p>The cache is a weak reference to its thread, enqueued when the thread dies and is collected;
 * the pool then moves the dead thread's objects to the shared store (see {@code expungeDead}).
 */
final class ThreadCache extends ThreadOwned {
  private static final VarHandle SIZE;
  private static final VarHandle REUSED;
  private static final VarHandle HANDLE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      SIZE = lookup.findVarHandle(ThreadCache.class, "size", int.class);
      REUSED = lookup.findVarHandle(ThreadCache.class, "reused", long.class);
      HANDLE = lookup.findVarHandle(ThreadCache.class, "handle", LocalHandle.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Object[] items;
  /**
   * Whether pop() clears the slot. Clearing costs a reference store (with G1, a card-marking
   * barrier that may include a StoreLoad fence) on every acquire; not clearing leaves up to
   * {@code capacity} handed-out objects reachable from the slots above {@code size} until they
   * are overwritten, which only matters to leak detection, so only leak detection clears.
   */
  private final boolean clearOnPop;
  private int size;
  private long reused;
  /**
   * The owner's {@link LocalHandle} (at most one per cache), whose hot slot counts as part of
   * this cache; set once by the owner, read by other threads only for stats and after the
   * owner's death.
   */
  private LocalHandle<?> handle;

  ThreadCache(Thread owner, int capacity, boolean clearOnPop, ReferenceQueue<Thread> deaths) {
    super(owner, deaths);
    this.items = new Object[capacity];
    this.clearOnPop = clearOnPop;
  }

  /** Owner only: pops the most recently pushed object and counts a reuse, or returns null. */
  Object pop() {
    int s = size;
    if (s == 0) {
      return null;
    }
    Object[] a = items;
    Object e = a[--s];
    if (clearOnPop) {
      a[s] = null;
    }
    size = s; // plain: owner-only (see the class comment)
    reused++;
    return e;
  }

  /** Owner only: pushes {@code e} if there is room. */
  boolean push(Object e) {
    int s = size;
    Object[] a = items;
    if (s == a.length) {
      return false;
    }
    if (a[s] != e) {
      // Skip the store when the slot already holds e (the steady state of release-then-acquire
      // on one thread, as pop() left it): no reference store, so no GC write barrier.
      a[s] = e;
    }
    size = s + 1; // plain: owner-only
    return true;
  }

  /**
   * Owner only: whether {@code e} is the object on top of this cache, that is, the last one this
   * thread released and nobody has acquired since. One compare: scanning the whole cache measured
   * as a large share of the fast path.
   */
  boolean isTop(Object e) {
    int s = size;
    return s != 0 && items[s - 1] == e;
  }

  /** The owner's handle, or null; any thread. */
  LocalHandle<?> handle() {
    // Acquire: a stats reader on another thread must see the handle's fields initialised (its
    // final fields would suffice; acquire also orders the reads of its counters after this one).
    return (LocalHandle<?>) HANDLE.getAcquire(this);
  }

  /** Owner only: records the owner's handle (once). */
  void setHandle(LocalHandle<?> h) {
    // Release: publishes the constructed handle to stats readers (see handle()).
    HANDLE.setRelease(this, h);
  }

  /** Owner only: the owner's handle, or null. */
  LocalHandle<?> ownerHandle() {
    return handle; // plain: the owner wrote it
  }

  /** Owner only: counts one acquisition served from the shared store. */
  void countReuse() {
    reused++; // plain: owner-only
  }

  /** Any thread: the number of cached objects (racy). */
  int sizeOpaque() {
    LocalHandle<?> h = handle();
    // Opaque: a racy counter read for stats; no ordering with the cache contents is needed.
    return (int) SIZE.getOpaque(this) + (h == null ? 0 : h.hotIdleOpaque());
  }

  /** Any thread: acquisitions this cache's owner served without the factory (racy). */
  long reusedOpaque() {
    LocalHandle<?> h = handle();
    // Opaque: see sizeOpaque().
    return (long) REUSED.getOpaque(this) + (h == null ? 0 : h.hotReusedOpaque());
  }

  /**
   * Removes every cached object into {@code sink}. Called by the owner, or by any thread once the
   * owner is dead (its last writes happened before its termination, which the reference queue
   * hand-off follows).
   */
  int drainTo(Consumer<Object> sink) {
    Object[] a = items;
    // Acquire: pairs with nothing stronger than the owner's opaque stores, but keeps the loads of
    // the items below from floating above this read; the owner is us or dead (see above).
    int s = (int) SIZE.getAcquire(this);
    for (int i = s - 1; i >= 0; i--) {
      Object e = a[i];
      a[i] = null;
      // Opaque: keeps stats() readers' view of the size current while draining (the owner, or
      // nobody, writes it).
      SIZE.setOpaque(this, i);
      sink.accept(e);
    }
    LocalHandle<?> h = handle(); // the owner's, or a dead owner's (see above)
    if (h != null) {
      h.drainHot(sink);
    }
    return s;
  }
}
