package io.perfkit.core.pool;

import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * A thread-bound entry point to an {@link ObjectPool}, from {@link ObjectPool#localHandle()}: the
 * same operations as {@link ObjectPool#acquire()} and {@link ObjectPool#release(Object)}, but the
 * handle already knows its thread's cache and keeps the thread's hot object (the one released
 * last into a free hot slot, the front of the thread's cache) in a field of its own (its
 * <em>hot slot</em>), so the steady acquire/release of one object is an owner check
 * and two plain field updates on the handle: no thread lookup, no atomic instruction (Stormpot
 * calls a per-thread entry point a thread-local tap). Keep the handle where the thread lives long
 * (an event loop, a worker, a per-thread state object); for code that runs on arbitrary threads,
 * use the pool itself.
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
 * <p><b>Where objects go.</b> On a platform thread of a recycler pool, there is one handle per
 * thread and pool, made with the thread's cache ({@link ObjectPool#localHandle()} returns it on
 * every call). Its release puts the object into its hot slot when that is free (empty, or its
 * object lent out), else into the owner's thread cache, then into the shared store; its acquire
 * takes the hot object first, then the cache, then the store. The pool's own
 * {@link ObjectPool#acquire()} and {@link ObjectPool#release(Object)} on the owner thread do
 * exactly the same (they find the thread's cache and go through its handle), so the hot slot is
 * the front of the owner's cache: it is counted as retained, and it goes back to the pool with
 * the cache when the owner dies or the pool is closed. A handle made on a
 * virtual thread, on a bounded pool, with thread caches disabled, or on a thread that found no
 * free slot in the pool's cache table, has no cache (and no hot slot) and works on the shared
 * store only; no thread cache is created for a virtual thread.
 *
 * <p><b>Close.</b> After the pool is closed (a {@link ObjectPool#close()} that happens-before the
 * call; the hot-slot path reads the closed state without a barrier, so a call racing with the
 * close may still be served from the hot slot, as if it had run just before),
 * {@link #acquire()} throws {@link IllegalStateException}, and {@link #release(Object)} discards
 * the object (to the disposer, counted in {@link PoolStats#discarded()}) and then throws
 * {@link IllegalStateException}; either also discards what the owner's thread cache still holds.
 * (The pool's own {@code release} is lenient after close; a handle is a thread's long-lived view
 * of an open pool, so using it after close is reported.)
 *
 * <p><b>Misuse detection.</b> {@code release(null)}; on the owner thread (through this handle or
 * the pool), releasing the handle's hot object while it is idle in the hot slot (exact for that
 * object: the common "released twice" bug of a thread that works on one object at a time; the
 * hot object always returns to the hot slot when released on the owner thread); releasing the
 * object on top of the owner's cache when nobody has acquired it since. Not detected: other
 * double releases (for example one on another thread) and objects the pool never handed out
 * (both corrupt the counts and may hand one object to two holders; use {@link Lease} for exact
 * detection).
 *
 * <p><b>Allocation.</b> None once warm (the handle itself, about 300 bytes with the 128-byte
 * paddings that keep its hot slot off every other object's cache lines, is allocated once per
 * thread and pool).
 *
 * @param <T> the type of the pooled objects
 */
public final class LocalHandle<T> extends LocalHandleRhsPad<T> {
  private static final VarHandle HOT_IDLE;
  private static final VarHandle HOT_REUSED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      HOT_IDLE = lookup.findVarHandle(LocalHandleFields.class, "hotIdle", boolean.class);
      HOT_REUSED = lookup.findVarHandle(LocalHandleFields.class, "hotReused", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  LocalHandle(ObjectPool<T> pool, ThreadCache cache, long ownerId, boolean hotEnabled) {
    super(pool, cache, ownerId, hotEnabled);
  }

  /**
   * Takes an idle object (the idle hot object first, then the owner's cache), or
   * creates one; see {@link ObjectPool#acquire()}.
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
    return acquireOnOwner();
  }

  /** {@link #acquire()} on the owner thread (also {@link ObjectPool#acquire()}'s fast path). */
  T acquireOnOwner() {
    // The idle bit is only ever set with a cache and the slot enabled; a closed pool goes the
    // slow way (acquireVia throws and drains the owner's cache, this slot included). Plain read
    // of the pool's closed flag: see ObjectPool.closedPlain().
    if (hotIdle && !pool.closedPlain()) {
      return takeHot();
    }
    return pool.acquireVia(cache, ownerId);
  }

  /** Owner only, the hot object idle and the pool open: lends the hot object out. */
  T takeHot() {
    hotIdle = false; // plain: owner-only
    hotReused++; // plain: owner-only
    return hot;
  }

  /**
   * Owner only, the lent-out hot object released and kept (reset and validation done or not
   * needed): marks it idle in the hot slot again.
   */
  void putHot() {
    hotIdle = true; // plain: owner-only
  }

  /**
   * Returns an object to the pool (to this handle's hot slot or the owner's cache first): runs
   * the reset hook and the validator, as {@link ObjectPool#release(Object)} does.
   *
   * @param obj an object this pool handed out (through any handle or the pool itself) and the
   *     caller has not released yet
   * @throws NullPointerException if {@code obj} is null
   * @throws IllegalStateException if the caller is not the owner thread (the object is then
   *     untouched and still the caller's); if {@code obj} is idle in this handle's hot slot or
   *     is the object on top of the owner's cache (released twice, see the class documentation);
   *     or if the pool is closed (the object was then discarded)
   * @throws RuntimeException whatever the reset hook, validator or disposer throws; the object is
   *     then discarded
   */
  public void release(T obj) {
    Checks.requireNonNull(obj, "obj");
    checkOwner();
    releaseOnOwner(obj, true);
  }

  /**
   * {@link #release(Object)} on the owner thread, {@code obj} non-null (also
   * {@link ObjectPool#release(Object)}'s fast path, with {@code strictClose} false: see
   * {@link ObjectPool#recycle}).
   */
  void releaseOnOwner(T obj, boolean strictClose) {
    if (releaseHot(obj, strictClose)) {
      return;
    }
    if (hotEnabled && !hotIdle) {
      // The slot is empty or its object is lent out: take obj as the new hot object.
      if (cache.isTop(obj)) {
        throw releasedTwice(obj, "the last object this thread released");
      }
      if (pool.recycle(cache, obj, strictClose)) {
        hot = obj; // plain: owner-only
        hotIdle = true; // plain: owner-only
      }
      return;
    }
    pool.releaseVia(cache, ownerId, obj, strictClose);
  }

  /**
   * Owner only: if {@code obj} is this handle's hot object, releases it into the hot slot and
   * returns true (also for {@link ObjectPool#release(Object)} on the owner thread, so the hot
   * object always comes back here and a second release of it on this thread is detected exactly);
   * else returns false. {@code strictClose}: see {@link ObjectPool#recycle}.
   */
  boolean releaseHot(Object obj, boolean strictClose) {
    T h = hot;
    if (obj != h) {
      return false;
    }
    if (hotIdle) {
      throw releasedTwice(obj, "idle in this thread's handle");
    }
    // No re-check of closed after the store (as a cache push does): close() never drains a live
    // thread's cache anyway; its objects are discarded at the thread's next call (documented).
    if (pool.recycle(cache, h, strictClose)) {
      putHot();
    }
    return true;
  }

  /** Owner only (or after its death): moves the idle hot object, if any, to {@code sink}. */
  void drainHot(Consumer<Object> sink) {
    if (hotIdle) {
      T o = hot;
      // Opaque: keeps stats() readers' view current (the owner, or nobody, writes it).
      HOT_IDLE.setOpaque(this, false);
      hot = null;
      sink.accept(o);
    }
  }

  /** Any thread: 1 if an object is idle in the hot slot (racy, for stats). */
  int hotIdleOpaque() {
    // Opaque: a racy read for stats; no ordering with the slot's object is needed.
    return (boolean) HOT_IDLE.getOpaque(this) ? 1 : 0;
  }

  /** Any thread: acquisitions served from the hot slot (racy, for stats). */
  long hotReusedOpaque() {
    // Opaque: see hotIdleOpaque().
    return (long) HOT_REUSED.getOpaque(this);
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
    // The exception is built in another method: the fast path stays small enough to inline.
    if (Thread.currentThread().getId() != ownerId) {
      throw notOwner();
    }
  }

  private IllegalStateException notOwner() {
    return new IllegalStateException(
        "handle used by thread "
            + Thread.currentThread().getId()
            + " (it belongs to thread "
            + ownerId
            + "; take one per thread with ObjectPool.localHandle())");
  }

  private static IllegalStateException releasedTwice(Object obj, String where) {
    return new IllegalStateException(
        "object released twice (it is " + where + "): " + ObjectPool.describe(obj));
  }

  @Override
  public String toString() {
    return "LocalHandle[owner: " + ownerId + (cache == null ? ", shared store" : "") + "]";
  }
}
