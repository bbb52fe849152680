package io.perfkit.core.pool;

import io.perfkit.core.internal.Checks;

/**
 * A thread-bound entry point to an {@link ObjectPool}, from {@link ObjectPool#localHandle()}: the
 * same operations as {@link ObjectPool#acquire()} and {@link ObjectPool#release(Object)}, but the
 * handle already knows its thread's cache, so the fast path is the cache's plain push and pop
 * plus one owner check (Stormpot calls the same idea a thread-local tap). Keep one handle per
 * thread where the thread lives long (an event loop, a worker, a per-thread state object); for
 * code that runs on arbitrary threads, use the pool itself.
 *
 * <pre>{@code
 * // in a worker thread's setup
 * LocalHandle<Encoder> encoders = pool.localHandle();
 * // per message, on that thread
 * Encoder e = encoders.acquire();
 * try {
 *   e.encode(message, out);
 * } finally {
 *   encoders.release(e);
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> A handle belongs to the thread that created it (its owner). Every call from
 * another thread throws {@link IllegalStateException}; the check compares the caller's thread id
 * with the owner's (ids are never reused, so the check is exact, also after the owner has died).
 * Objects are not bound to handles: an object acquired through a handle may be released through
 * the pool on any thread, or through another thread's handle, and a handle may release objects
 * acquired from the pool or another handle; each goes to the releasing thread's cache or the
 * shared store, as {@link ObjectPool#release(Object)} would put it. Ordering is the pool's: actions
 * before a release happen-before those after the next acquisition of the same object.
 *
 * <p><b>Where objects go.</b> On a platform thread of a recycler pool, the handle works on the
 * owner's thread cache (the same cache the pool's own methods use on that thread), then on the
 * shared store. A handle made on a virtual thread, on a bounded pool, with thread caches disabled,
 * or on a thread that found no free slot in the pool's cache table, has no cache and works on the
 * shared store only; no thread cache is created for a virtual thread.
 *
 * <p><b>Close.</b> After the pool is closed, {@link #acquire()} throws
 * {@link IllegalStateException}, and {@link #release(Object)} discards the object (to the disposer,
 * counted in {@link PoolStats#discarded()}) and then throws {@link IllegalStateException}; either
 * also discards what the owner's thread cache still holds. (The pool's own
 * {@code release} is lenient after close; a handle is a thread's long-lived view of an open
 * pool, so using it after close is reported.)
 *
 * <p><b>Misuse detection.</b> As for the pool: {@code release(null)}, and releasing the object
 * the owner released last when nobody has acquired it since. Not detected on the fast path: other
 * double releases and objects the pool never handed out (both corrupt the counts and may hand one
 * object to two holders; use {@link Lease} for exact detection).
 *
 * <p><b>Allocation.</b> None once warm (the handle itself is allocated once).
 *
 * @param <T> the type of the pooled objects
 */
public final class LocalHandle<T> {
  private final ObjectPool<T> pool;
  /** The owner's thread cache, or null: the shared store only. */
  private final ThreadCache cache;
  /**
   * {@link Thread#getId()} of the owner. An id rather than the Thread: the handle must not keep a
   * dead owner reachable (its cache goes back to the pool once the thread is collected).
   */
  private final long ownerId;

  LocalHandle(ObjectPool<T> pool, ThreadCache cache, long ownerId) {
    this.pool = pool;
    this.cache = cache;
    this.ownerId = ownerId;
  }

  /**
   * Takes an idle object (from the owner's cache first), or creates one; see
   * {@link ObjectPool#acquire()}.
   *
   * @return an object for the caller's exclusive use until it is released
   * @throws IllegalStateException if the caller is not the owner thread, or the pool is closed
   * @throws NullPointerException if the factory returned null
   * @throws PoolExhaustedException if the pool is bounded and exhausted (see
   *     {@link ObjectPool#acquire()})
   * @throws RuntimeException whatever the factory throws
   */
  public T acquire() {
    checkOwner();
    return pool.acquireVia(cache, ownerId);
  }

  /**
   * Returns an object to the pool (to the owner's cache first): runs the reset hook and the
   * validator, as {@link ObjectPool#release(Object)} does.
   *
   * @param obj an object this pool handed out (through any handle or the pool itself) and the
   *     caller has not released yet
   * @throws NullPointerException if {@code obj} is null
   * @throws IllegalStateException if the caller is not the owner thread (the object is then
   *     untouched and still the caller's); if {@code obj} is the object the owner released last
   *     and nobody has acquired since; or if the pool is closed (the object was then discarded)
   * @throws RuntimeException whatever the reset hook, validator or disposer throws; the object is
   *     then discarded
   */
  public void release(T obj) {
    Checks.requireNonNull(obj, "obj");
    checkOwner();
    pool.releaseVia(cache, ownerId, obj, true);
  }

  /**
   * Whether the calling thread owns this handle.
   *
   * @return true on the thread that created this handle
   */
  public boolean isOwnedByCurrentThread() {
    return Thread.currentThread().getId() == ownerId;
  }

  private void checkOwner() {
    // Thread.currentThread() is an intrinsic and getId() a field load: a few loads and a compare.
    if (Thread.currentThread().getId() != ownerId) {
      throw new IllegalStateException(
          "handle used by thread "
              + Thread.currentThread().getId()
              + " (it belongs to thread "
              + ownerId
              + "; take one per thread with ObjectPool.localHandle())");
    }
  }

  @Override
  public String toString() {
    return "LocalHandle[owner: " + ownerId + (cache == null ? ", shared store" : "") + "]";
  }
}
