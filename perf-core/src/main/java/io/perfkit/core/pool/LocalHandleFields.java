package io.perfkit.core.pool;

/**
 * The fields of a {@link LocalHandle}, between its paddings (see {@link LocalHandleLhsPad}): what
 * the owner's fast path reads and writes on every acquire and release, on one or two lines of
 * their own.
 *
 * @param <T> the type of the pooled objects
 */
abstract class LocalHandleFields<T> extends LocalHandleLhsPad {
  final ObjectPool<T> pool;
  /** The owner's thread cache, or null: the shared store only (and no hot slot). */
  final ThreadCache cache;
  /**
   * {@link Thread#getId()} of the owner. An id rather than the Thread: the handle must not keep a
   * dead owner reachable (its cache goes back to the pool once the thread is collected). Read by
   * the pool's fast path to recognise the calling thread's handle (final: exact under races).
   */
  final long ownerId;
  /** Whether the hot slot is used: a thread cache exists and leak detection is off. */
  final boolean hotEnabled;

  /*
   * The hot slot: the thread's hot object, idle or lent out, in fields of the handle itself (the
   * front of the owner's cache for the pool's own acquire/release too), so that the steady
   * acquire/release of one object touches only this object's fields (like Stormpot's tap, which
   * keeps its slot in a field), without the cache's chain of loads (handle -> cache -> items/size
   * -> element). Owner-only, plain accesses; other threads read hotIdle and hotReused for stats
   * with opaque loads (racy counters), and drain the slot only once the owner is dead (its last
   * writes happen-before the reference-queue hand-off). 'hot' is not cleared on acquire (no
   * reference store, so no GC barrier): a lent-out hot object stays reachable from the handle,
   * which is why leak detection turns the slot off.
   */
  T hot; // package-private: ObjectPool's fast path reads it (owner only)
  /**
   * Whether {@link #hot} is idle in this handle (true) or lent out / empty (false). A flag of its
   * own, written with constants: the store does not wait for a load of the previous value (a
   * read-modify-write of one word on both acquire and release measured slower: it chains the
   * loop's iterations through two store-to-load forwardings).
   */
  boolean hotIdle; // package-private: ObjectPool's fast path reads it (owner only)
  /** Acquisitions served from the hot slot. */
  long hotReused;

  LocalHandleFields(ObjectPool<T> pool, ThreadCache cache, long ownerId, boolean hotEnabled) {
    this.pool = pool;
    this.cache = cache;
    this.ownerId = ownerId;
    this.hotEnabled = hotEnabled && cache != null;
  }
}
