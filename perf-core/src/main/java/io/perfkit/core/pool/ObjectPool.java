package io.perfkit.core.pool;

import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.ReferenceQueue;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A pool of reusable objects with a per-thread cache in front of a striped, lock-free shared store.
 *
 * <pre>{@code
 * ObjectPool<StringBuilder> pool = ObjectPool.<StringBuilder>newBuilder(() -> new StringBuilder(1024))
 *     .reset(sb -> sb.setLength(0))
 *     .build();
 * try (Lease<StringBuilder> lease = pool.lease()) {
 *   lease.get().append("...");
 * }
 * }</pre>
 *
 * <p><b>Modes.</b> By default the pool is a <em>recycler</em>: when it holds no idle object,
 * {@link #acquire()} calls the factory, and a release that finds the pool full discards the object.
 * With {@link Builder#maxTotal(int)} it is <em>bounded</em>: at most {@code maxTotal} objects are
 * alive, and an acquisition that finds none idle waits up to {@link Builder#maxWait(Duration)} and
 * then throws {@link PoolExhaustedException}.
 *
 * <p><b>Threading.</b> All methods are thread-safe. An object may be released by a thread other
 * than the one that acquired it. On a platform thread (recycler mode), releases go to that thread's
 * cache of {@link Builder#threadCacheSize(int)} objects, fronted by a <em>hot slot</em> of one
 * object (kept in plain fields of the thread's {@link LocalHandle}), and acquisitions come from it
 * first, so a thread that releases and re-acquires touches no shared cache line, and a thread that
 * works on one object at a time touches no array either. Virtual threads (JDK 21+) get
 * no thread cache: millions of them would each pin objects; they use the shared store directly.
 * Bounded pools use no thread caches either, so an idle thread never strands objects a waiting
 * thread needs. A platform thread finds its cache in a table (at least 64 slots, 4 per CPU) by the
 * low bits of its thread id; a thread whose 8 neighbouring slots are all held by live threads goes
 * without a cache and uses the shared store. A dead thread's slot is reused, and its cached
 * objects move to the shared store, once the thread object has been garbage-collected.
 * A long-lived thread can skip that lookup with {@link #localHandle()}, a {@link LocalHandle}
 * bound to it that works on the same cache.
 *
 * <p><b>Ordering.</b> Actions of a thread before it releases an object happen-before the actions
 * of the thread that next acquires the same object, after that acquisition returns.
 *
 * <p><b>Progress.</b> Acquire and release are lock-free, except that they call the user's factory,
 * reset hook, validator and disposer, and that a bounded pool's acquisition blocks when exhausted
 * (and its releases take a lock briefly to wake a waiting thread).
 *
 * <p><b>Allocation.</b> None on acquire/release once warm, except {@link #lease()} (one small lease
 * object, often scalar-replaced) and a sampled leak-detection record.
 *
 * <p><b>Misuse detection.</b> On the fast path (always on, one identity compare):
 * {@code release(null)}; releasing, on a platform thread with a cache, the thread's hot object
 * while it is idle (exact, whatever was released in between: a flag; in the steady state of a
 * thread that works on one object at a time, that object is the hot one), or the object on top
 * of the rest of the thread's cache when nobody has acquired it since (the common "released twice
 * in a row" bug, for example in a {@code finally} block and again by a caller); any use of a
 * closed lease. Not
 * detected: any other second release (of an object other than the hot one after the thread
 * released other objects, on another thread, or after the object went to the shared store or to
 * another holder), and releasing an object this pool never handed out; both corrupt the pool's
 * counts and may hand one object to two holders. Use {@link Lease} for exact double-release
 * detection. {@link #acquire()} on a closed pool throws; {@link #release(Object)} on a closed pool
 * discards the object (holders may outlive the pool). "Closed" means a {@link #close()} that
 * happens-before the call: the fast path reads the closed state without a memory barrier (it
 * only touches the calling thread's own hot slot), so an acquire or release racing with
 * {@code close()} on another thread may still use that thread's hot object, as if it had run
 * just before the close, and a thread that loops on acquire/release with no other
 * synchronization may not notice a close until it synchronizes.
 *
 * @param <T> the type of the pooled objects
 */
public final class ObjectPool<T> implements AutoCloseable {
  /** Plain reads of {@link #closed} on the inline fast path; see {@link #closedPlain()}. */
  private static final VarHandle CLOSED;
  /** Plain reads of {@link #plainRecycle} on the inline fast path; see {@link #closedPlain()}. */
  private static final VarHandle PLAIN_RECYCLE;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CLOSED = lookup.findVarHandle(ObjectPool.class, "closed", boolean.class);
      PLAIN_RECYCLE = lookup.findVarHandle(ObjectPool.class, "plainRecycle", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /*
   * Design. Recycler mode: acquire pops the thread's cache (plain array, owner-only), then polls
   * the shared store from the thread's home stripe, then calls the factory. Release pushes to the
   * thread's cache, then offers to the store, then discards. Each stripe is a JCTools MPMC queue,
   * so the store is lock-free; threads with different home stripes share no cache line on it.
   *
   * Bounded mode: 'live' counts objects alive (created - discarded). An acquisition that finds the
   * store empty reserves a unit of 'live' by CAS and calls the factory; if live == maxTotal it
   * waits on a condition. Wake-up protocol (Dekker): a waiter increments 'waiters' then re-polls
   * the store; a releaser offers then reads 'waiters'. A full fence on both sides keeps the
   * queue's release-store of the element from passing the volatile read (and vice versa), so at
   * least one side sees the other and no wake-up is lost.
   *
   * Thread caches live in a ThreadTable (open addressing by the low bits of the thread id, no
   * ThreadLocal lookup); the fast path reads the handle at the thread's home index of 'handles'
   * and compares the handle's own owner id: one array load and a compare. A thread that finds no free
   * slot uses the shared store directly, like a virtual thread. Each cache comes with the thread's
   * LocalHandle, whose hot slot is the cache's front; acquire() and release() find the handle in
   * 'handles' (same index as the table's slots; the owner id is read from the handle itself) and
   * go through it.
   *
   * Dead threads: each ThreadCache is a weak reference to its thread; the pool polls the reference
   * queue on slow paths (factory calls, stats, close) and moves dead threads' objects to the store.
   */

  private final Supplier<? extends T> factory;
  /** The reset hook, or null if none was set (saves a call and a type check per release). */
  private final Consumer<? super T> reset;
  private final Predicate<? super T> validator;
  /** Whether a reset hook or a validator is set: one load on the release path instead of two. */
  private final boolean hooks;
  private final Consumer<? super T> disposer;
  private final int maxTotal;
  private final long maxWaitNanos;
  private final int threadCacheSize;
  private final StripedStore<T> store;
  /** Thread caches by thread id; null when disabled. */
  private final ThreadTable<ThreadCache> caches;
  /** {@code caches.owners()}: the slow path checks it before it publishes a handle in {@link #handles}. */
  private final int[] cacheOwners;
  /**
   * The fast path's table: the handle of each slot's cache (index: the low bits of the owner's
   * thread id, as in {@link #caches}), or null. A thread reads the entry at its home index and
   * compares the handle's final {@code ownerId} with its own id: one array load and one load
   * from the handle, whose other fields (the hot slot) it touches next anyway, so no cache line
   * beyond the handle's own and no separate array of owner ids. Final-field semantics make the
   * compare exact even for an entry read racily: only an entry its own thread published can carry
   * its id (virtual threads and threads without a cache never appear here, so they always miss).
   * Written (plain) by a slot's owner right after it claimed the slot, before any fast-path
   * lookup of its own. Never null: a pool without thread caches has one empty entry, so the fast
   * path needs no null check of the array.
   */
  private final LocalHandle<?>[] handles;
  private final LeakTracker leakTracker;

  private final LongAdder created = new LongAdder();
  private final LongAdder discarded = new LongAdder();
  /** Reuses counted outside thread caches: virtual threads, bounded mode, dead threads' totals. */
  private final LongAdder sharedReused = new LongAdder();

  private final AtomicInteger live = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition available = lock.newCondition();
  /** Threads waiting in a bounded acquisition; written under lock, read without. */
  private volatile int waiters;

  /**
   * Set by {@link #close()}. Volatile for the slow paths (which order other state after it); the
   * two inline fast paths read it, and {@link #plainRecycle}, plain: see {@link #closedPlain()}.
   */
  private volatile boolean closed;
  /**
   * True while the pool is open and has no reset hook, validator or leak tracker: then a release
   * keeps its object without running anything, and {@link #recycle} decides with this one load
   * instead of three. Cleared by {@link #close()} before it sets {@link #closed}, so a thread that
   * sees the pool closed also sees this false.
   */
  private volatile boolean plainRecycle;

  private ObjectPool(Builder<T> b) {
    this.factory = b.factory;
    this.reset = b.resetSet ? b.reset : null;
    this.validator = b.validator;
    this.hooks = reset != null || validator != null;
    this.disposer = b.disposer;
    this.maxTotal = b.maxTotal == Builder.UNSET ? 0 : b.maxTotal;
    this.maxWaitNanos = b.maxWaitNanos == Builder.UNSET ? 0 : b.maxWaitNanos;
    int retained;
    if (b.maxRetained != Builder.UNSET) {
      retained = b.maxRetained;
    } else {
      retained = maxTotal > 0 ? maxTotal : Builder.DEFAULT_MAX_RETAINED;
    }
    int cacheSize;
    if (b.threadCacheSize != Builder.UNSET) {
      cacheSize = b.threadCacheSize;
    } else {
      cacheSize = maxTotal > 0 ? 0 : Builder.DEFAULT_THREAD_CACHE_SIZE;
    }
    this.threadCacheSize = cacheSize;
    this.store = new StripedStore<>(retained, Runtime.getRuntime().availableProcessors());
    this.leakTracker =
        b.leakListener == null
            ? null
            : new LeakTracker(b.leakSamplingRate, b.leakListener, this::onLeak);
    boolean clearOnPop = leakTracker != null;
    boolean hotEnabled = leakTracker == null;
    this.caches =
        cacheSize > 0
            ? new ThreadTable<>(
                (t, deaths) -> newThreadCache(t, cacheSize, clearOnPop, hotEnabled, deaths),
                ThreadCache[]::new)
            : null;
    this.plainRecycle = !hooks && leakTracker == null;
    this.cacheOwners = caches == null ? null : caches.owners();
    this.handles = new LocalHandle<?>[caches == null ? 1 : cacheOwners.length];
  }

  /**
   * A thread's cache with its {@link LocalHandle}, made eagerly: the handle's hot slot is the
   * front of the cache for {@link #acquire()} and {@link #release(Object)} too.
   */
  private ThreadCache newThreadCache(
      Thread t, int size, boolean clearOnPop, boolean hot, ReferenceQueue<Thread> deaths) {
    ThreadCache cache = new ThreadCache(t, size, clearOnPop, deaths);
    cache.setHandle(new LocalHandle<>(this, cache, t.getId(), hot));
    return cache;
  }

  /**
   * Starts a builder for a pool whose objects come from {@code factory}.
   *
   * @param factory creates a new object when the pool has none idle; must not return null; its
   *     exceptions reach the caller of {@link #acquire()}
   * @param <T> the type of the pooled objects
   * @return a new builder
   * @throws NullPointerException if {@code factory} is null
   */
  public static <T> Builder<T> newBuilder(Supplier<? extends T> factory) {
    return new Builder<>(Checks.requireNonNull(factory, "factory"));
  }

  /**
   * Takes an idle object, or creates one.
   *
   * @return an object for the caller's exclusive use until it is released
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if the factory returned null
   * @throws PoolExhaustedException if the pool is bounded, has {@code maxTotal} objects alive and
   *     none became idle within {@code maxWait}, or the waiting thread was interrupted
   * @throws RuntimeException whatever the factory throws (no capacity is consumed by the failure)
   */
  public T acquire() {
    long id = Thread.currentThread().getId();
    LocalHandle<?>[] hs = handles;
    LocalHandle<?> h = hs[(int) id & (hs.length - 1)];
    if (h != null && h.ownerId == id) {
      LocalHandle<T> mine = mine(h);
      // The handle's idle hot object first (LocalHandle.acquireOnOwner's first step, with our
      // own 'closed' instead of the handle's pool field: one dependent load fewer). Plain read of
      // 'closed': see closedPlain().
      return mine.hotIdle && !closedPlain() ? mine.takeHot() : mine.acquireOnOwner();
    }
    return acquireMiss();
  }

  /**
   * {@link #closed}, read plain: used only where the caller works on its own thread's hot slot
   * ({@link #acquire()} and {@link LocalHandle}'s owner-path acquire; {@link #release(Object)}
   * and {@link #recycle} read {@link #plainRecycle} the same way, and a {@code true} there is
   * followed by a volatile re-check of {@code closed} wherever the object goes beyond the hot
   * slot: after a cache push or a store offer).
   *
   * <p>Why plain suffices: {@code closed} only ever goes from false to true, so a read that
   * happens-after {@link #close()} (through any synchronization: a join, a latch, a volatile)
   * returns true by the memory model's happens-before consistency, as a volatile read would, and
   * throws/discards exactly as documented. A read racing with {@code close()} may return false;
   * the call then lends out or takes back the thread's own hot object, which {@code close()} never
   * drains (a live thread's cache is discarded at its next call that sees the pool closed), so
   * nothing is lost: it is as if the call had run just before {@code close()}. Nothing else is
   * ordered by the read: the hot slot is the calling thread's own.
   *
   * <p>Why not volatile (or opaque, which C2 brackets with compiler barriers): an acquire
   * barrier between the acquire's thread lookup and the release's stopped the JIT from reusing
   * the lookup (current thread, its id, the table, the entry, its owner id) and the hot-slot
   * loads when a caller's acquire/use/release is compiled as one piece, the common case; with
   * plain reads the release's half of a pair is one load and one store (measured −27 % CPU per
   * pair, docs/benchmarks/pools.md). The cost: a thread that loops on acquire/release with no
   * other synchronization may not notice a racing close until it synchronizes (its hot object
   * stays in its hot slot meanwhile, and is discarded at its first call that sees the close).
   */
  boolean closedPlain() {
    return (boolean) CLOSED.get(this); // plain: see above
  }

  /** {@link #plainRecycle}, read plain; see {@link #closedPlain()}. */
  private boolean plainRecyclePlain() {
    return (boolean) PLAIN_RECYCLE.get(this); // plain: see closedPlain()
  }

  /** {@link #acquire()} when the calling thread's handle is not at its home index. */
  private T acquireMiss() {
    Thread thread = Thread.currentThread();
    LocalHandle<T> local = localOf(thread);
    if (local != null) {
      return local.acquireOnOwner();
    }
    return acquireVia(null, thread.getId());
  }

  /**
   * Returns a handle bound to the calling thread whose {@link LocalHandle#acquire()} and
   * {@link LocalHandle#release(Object)} skip finding the thread's cache: the fast path for a thread
   * that keeps the handle (in a field of a per-thread object, a JMH {@code @State(Scope.Thread)},
   * an event loop). See {@link LocalHandle} for the contract. On a platform thread with a thread
   * cache, every call returns the same handle (the thread's one handle for this pool, kept with
   * its cache); it shares that cache with {@link #acquire()} and {@link #release(Object)}, so
   * mixing handle and pool calls on a thread is fine. The handle keeps the thread's hot object (its
   * hot slot, the front of the thread's cache, which the pool's own methods use too); the handle
   * reaches it without finding the thread's cache: the cheapest way to use the pool.
   *
   * <p>On a virtual thread, on a bounded pool, with thread caches disabled, or when the thread
   * gets no slot in the cache table, each call returns a new handle that works on the shared
   * store (no thread cache or hot slot is created for it). With leak detection on, the hot slot
   * is off (a lent-out hot object would stay reachable from the handle and never be reported).
   *
   * @return the calling thread's handle
   * @throws IllegalStateException if the pool is closed
   */
  public LocalHandle<T> localHandle() {
    if (closed) {
      throw closedException();
    }
    Thread thread = Thread.currentThread();
    LocalHandle<T> local = localOf(thread);
    return local != null ? local : new LocalHandle<>(this, null, thread.getId(), false);
  }

  /** The handle of one of this pool's thread caches (made with the cache). */
  private LocalHandle<T> handleOf(ThreadCache cache) {
    // The cache only ever holds a handle of this pool, whose type is T.
    @SuppressWarnings("unchecked")
    LocalHandle<T> mine = (LocalHandle<T>) cache.ownerHandle();
    return mine;
  }

  /**
   * acquire() once the thread's cache is known ({@code cache} null: use the shared store from the
   * home stripe of {@code threadId}). Also the body of {@link LocalHandle#acquire()}.
   */
  T acquireVia(ThreadCache cache, long threadId) {
    if (closed) {
      throw closedFor(cache);
    }
    T obj;
    if (cache != null) {
      // The caller (the cache's handle) has already tried its hot slot.
      Object cached = cache.pop();
      if (cached != null) {
        obj = cast(cached);
      } else {
        obj = store.poll(cache.home);
        if (obj != null) {
          cache.countReuse();
        } else {
          obj = create();
        }
      }
    } else {
      int home = StripedStore.homeOf(threadId);
      obj = store.poll(home);
      if (obj != null) {
        sharedReused.increment();
      } else {
        obj = maxTotal == 0 ? create() : createOrWait(home);
      }
    }
    if (leakTracker != null) {
      leakTracker.onAcquire(obj);
    }
    return obj;
  }

  /**
   * The exception for an acquisition on a closed pool; first discards what the caller's own
   * thread cache still holds (a disposer failure is suppressed into the returned exception).
   */
  private IllegalStateException closedFor(ThreadCache ownCache) {
    IllegalStateException e = closedException();
    if (ownCache != null) {
      try {
        drainOwnCache(ownCache);
      } catch (RuntimeException disposerFailure) {
        e.addSuppressed(disposerFailure);
      }
    }
    return e;
  }

  /**
   * Takes an idle object, or creates one, wrapped in a lease that releases it on close.
   *
   * @return a lease holding an object for the caller's exclusive use
   * @throws IllegalStateException if the pool is closed
   * @throws NullPointerException if the factory returned null
   * @throws PoolExhaustedException as for {@link #acquire()}
   * @throws RuntimeException whatever the factory throws
   */
  public Lease<T> lease() {
    return new Lease<>(this, acquire());
  }

  /**
   * Returns an object to the pool: runs the reset hook, then the validator, then keeps the object
   * for reuse, or discards it (to the disposer) if the validator rejects it, the pool is full, or
   * the pool is closed (a closed pool neither resets nor validates).
   *
   * @param obj an object this pool handed out and the caller has not released yet
   * @throws NullPointerException if {@code obj} is null
   * @throws IllegalStateException if {@code obj} is idle in this thread's hot slot, or is the
   *     object on top of this thread's cache and no one has acquired it since (released twice);
   *     see the class documentation for what is and is not detected
   * @throws RuntimeException whatever the reset hook, validator or disposer throws; the object is
   *     then discarded (counted, and passed to the disposer unless the disposer itself threw)
   */
  public void release(T obj) {
    Checks.requireNonNull(obj, "obj");
    long id = Thread.currentThread().getId();
    LocalHandle<?>[] hs = handles;
    LocalHandle<?> h = hs[(int) id & (hs.length - 1)];
    if (h != null && h.ownerId == id) {
      LocalHandle<T> mine = mine(h);
      // Plain read of plainRecycle (see closedPlain()): a close() that happens-before this call
      // is seen and takes the slow path (which discards obj); a racing one may keep obj in our
      // hot slot, where close() could not have reached it anyway (nor a cache push).
      if (obj == mine.hot && !mine.hotIdle && plainRecyclePlain()) {
        mine.putHot(); // the lent-out hot object returns: LocalHandle.releaseHot's common case
      } else {
        mine.releaseOnOwner(obj, false); // the hot slot first, then the thread's cache
      }
      return;
    }
    releaseMiss(obj);
  }

  /** {@link #release(Object)} when the calling thread's handle is not at its home index. */
  private void releaseMiss(T obj) {
    Thread thread = Thread.currentThread();
    LocalHandle<T> local = localOf(thread);
    if (local != null) {
      local.releaseOnOwner(obj, false);
      return;
    }
    releaseVia(null, thread.getId(), obj, false);
  }

  /**
   * release() once the thread's cache is known ({@code cache} null: the shared store from the home
   * stripe of {@code threadId}); {@code obj} is non-null. Also the body of
   * {@link LocalHandle#release(Object)}, which passes {@code strictClose}: on a closed pool the
   * object is discarded, the handle's cache drained, and {@link IllegalStateException} thrown.
   */
  void releaseVia(ThreadCache cache, long threadId, T obj, boolean strictClose) {
    if (cache != null) {
      // The caller (the cache's handle) has already tried its hot slot.
      if (cache.isTop(obj)) {
        throw new IllegalStateException(
            "object released twice (it is the last object this thread released): "
                + describe(obj));
      }
    }
    if (!recycle(cache, obj, strictClose)) {
      return;
    }
    if (cache != null) {
      if (cache.push(obj)) {
        afterCacheStore(cache);
        return;
      }
      if (store.offer(obj, cache.home)) {
        if (closed) {
          drainStore();
        }
        return;
      }
    } else if (store.offer(obj, StripedStore.homeOf(threadId))) {
      if (maxTotal > 0) {
        signalWaiter();
      }
      if (closed) {
        drainStore();
      }
      return;
    }
    discard(obj);
  }

  /**
   * The common part of every release: leak-tracker bookkeeping, then on a closed pool discards
   * {@code obj} (and drains the caller's own cache; throws if {@code strictClose}), else runs the
   * reset hook and the validator. Returns true if {@code obj} is to be kept for reuse, false if it
   * was discarded.
   */
  boolean recycle(ThreadCache cache, T obj, boolean strictClose) {
    // Small on purpose (the rare cases are in other methods): it is inlined into every release.
    // Plain read (see closedPlain()): a close() that happens-before this release is seen; a racing
    // one is caught by the volatile re-check after a cache push or store offer, or leaves the
    // object in the caller's own hot slot, which close() could not reach anyway.
    if (plainRecyclePlain()) {
      return true; // open, nothing to run (see plainRecycle)
    }
    if (leakTracker != null || closed) {
      return recycleSlow(cache, obj, strictClose);
    }
    return !hooks || resetAndValidate(obj);
  }

  /** {@link #recycle} with leak tracking on or the pool closed. */
  private boolean recycleSlow(ThreadCache cache, T obj, boolean strictClose) {
    if (leakTracker != null) {
      leakTracker.onRelease(obj);
    }
    if (closed) {
      discard(obj);
      if (cache != null) {
        drainOwnCache(cache); // what close() could not reach: this live thread's cache
      }
      if (strictClose) {
        throw new IllegalStateException("pool is closed (the object was discarded)");
      }
      return false;
    }
    return resetAndValidate(obj);
  }

  /** Runs the reset hook and the validator; true: keep {@code obj}, false: it was discarded. */
  private boolean resetAndValidate(T obj) {
    try {
      if (reset != null) {
        reset.accept(obj);
      }
      if (validator != null && !validator.test(obj)) {
        discard(obj);
        return false;
      }
    } catch (RuntimeException | Error e) {
      discardAfterFailure(obj, e);
      throw e;
    }
    return true;
  }

  /** After an object went into the caller's own cache: drains the cache if we raced close(). */
  void afterCacheStore(ThreadCache cache) {
    if (closed) { // raced with close(): do not leave objects in a closed pool
      drainOwnCache(cache);
    }
  }

  /**
   * A snapshot of the pool's counters. Also moves the cached objects of threads that have died
   * (and been collected) to the shared store.
   *
   * <p>Reads each counter once without stopping other threads: exact when the pool is quiescent,
   * otherwise off by the operations in flight.
   *
   * @return the counts; {@code outstanding + retained + discarded == created} always holds
   */
  public PoolStats stats() {
    expungeDeadThreads();
    long reused = sharedReused.sum();
    long retained = store.size();
    if (caches != null) {
      for (ThreadCache c : caches.live()) {
        reused += c.reusedOpaque();
        retained += c.sizeOpaque();
      }
    }
    long discardedCount = discarded.sum();
    long createdCount = created.sum();
    long leaked = leakTracker == null ? 0 : leakTracker.leaks();
    return new PoolStats(
        createdCount,
        reused,
        discardedCount,
        createdCount - discardedCount - retained,
        retained,
        leaked);
  }

  /**
   * Closes the pool: acquisitions that happen-after this call throw {@link IllegalStateException}
   * (a call on another thread racing with this one may still be served from that thread's own hot
   * slot, as if it had run just before; see the class documentation); idle objects in the
   * shared store, in the calling thread's cache and in dead threads' caches are discarded to the
   * disposer. Objects in another live thread's cache are discarded when that thread next calls the
   * pool (they count as retained until then). Objects released after close are discarded. Threads
   * waiting in a bounded acquisition wake and throw {@link IllegalStateException}. Idempotent.
   *
   * @throws RuntimeException the first exception the disposer threw (every object is still
   *     offered to the disposer; later exceptions are suppressed into the first)
   */
  @Override
  public void close() {
    plainRecycle = false; // before closed: see plainRecycle
    closed = true;
    RuntimeException failure = null;
    try {
      expungeDeadThreads();
      ThreadCache own = caches == null ? null : caches.find(Thread.currentThread());
      if (own != null) {
        drainOwnCache(own);
      }
      drainStore();
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      if (maxTotal > 0) {
        lock.lock();
        try {
          available.signalAll();
        } finally {
          lock.unlock();
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Whether {@link #close()} was called.
   *
   * @return true once the pool is closed
   */
  public boolean isClosed() {
    return closed;
  }

  @Override
  public String toString() {
    return "ObjectPool" + stats();
  }

  /* ---------------- Internals ---------------- */

  /** Number of platform threads holding a cache of this pool (for tests). */
  int threadCacheCount() {
    expungeDeadThreads();
    return caches == null ? 0 : caches.live().size();
  }

  /** Slots in the thread-cache table (for tests). */
  int cacheTableSize() {
    return cacheOwners == null ? 0 : cacheOwners.length;
  }

  /** Capacity of the shared store (maxRetained rounded up per stripe). */
  int storeCapacity() {
    return store.capacity();
  }

  /** Objects the leak detector tracks now (for tests). */
  int leakTrackedCount() {
    return leakTracker == null ? 0 : leakTracker.trackedCount();
  }

  /**
   * The handle of the calling thread's cache (made on first use), or null: a virtual thread, no
   * thread caches, or no free slot in the table. Publishes the handle in {@link #handles} when
   * the thread holds its home slot (then {@link #acquire()} and {@link #release(Object)} find it
   * there without calling this).
   */
  private LocalHandle<T> localOf(Thread thread) {
    if (caches == null) {
      return null;
    }
    long id = thread.getId();
    int i = (int) id & (handles.length - 1);
    LocalHandle<?> h = handles[i];
    if (h != null && h.ownerId == id) {
      return mine(h);
    }
    ThreadCache cache = caches.get(thread); // null for virtual threads; else finds or claims a slot
    if (cache == null) {
      return null;
    }
    LocalHandle<T> mine = handleOf(cache);
    if (cacheOwners[i] == id) {
      // Plain: we hold our home slot (we claimed it, in this call or earlier); see 'handles'.
      handles[i] = mine;
    }
    return mine;
  }

  /** A handle read from {@link #handles}: only this pool's handles (of type T) are put there. */
  @SuppressWarnings("unchecked")
  private LocalHandle<T> mine(LocalHandle<?> h) {
    return (LocalHandle<T>) h;
  }

  // Only objects of type T are ever put in a ThreadCache or the store.
  @SuppressWarnings("unchecked")
  private T cast(Object o) {
    return (T) o;
  }

  private T create() {
    expungeDeadThreads();
    T obj = factory.get();
    if (obj == null) {
      throw new NullPointerException("factory returned null");
    }
    created.increment();
    return obj;
  }

  private T createOrWait(int home) {
    if (tryReserve()) {
      return createReserved();
    }
    long start = System.nanoTime();
    long remaining = maxWaitNanos;
    boolean reserved = false;
    lock.lock();
    try {
      waiters++;
      // Full fence: the waiters increment must be visible before we re-poll the store (Dekker
      // pairing with the fence in signalWaiter()).
      VarHandle.fullFence();
      try {
        while (true) {
          if (closed) {
            throw closedException();
          }
          T obj = store.poll(home);
          if (obj != null) {
            sharedReused.increment();
            return obj;
          }
          if (tryReserve()) {
            reserved = true;
            break;
          }
          if (remaining <= 0) {
            throw exhausted("no object became idle within " + maxWaitNanos + " ns", start);
          }
          try {
            remaining = available.awaitNanos(remaining);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw exhausted("interrupted while waiting for an idle object", start);
          }
        }
      } finally {
        waiters--;
      }
    } finally {
      lock.unlock();
    }
    // reserved is true here: create outside the lock, the factory may be slow.
    assert reserved;
    return createReserved();
  }

  private PoolExhaustedException exhausted(String why, long start) {
    long waited = System.nanoTime() - start;
    long outstanding = stats().outstanding();
    return new PoolExhaustedException(
        String.format(
            java.util.Locale.US,
            "pool exhausted: %s (maxTotal: %d, outstanding: %d, waited: %d ms)",
            why,
            maxTotal,
            outstanding,
            TimeUnit.NANOSECONDS.toMillis(waited)),
        maxTotal,
        outstanding,
        waited);
  }

  private boolean tryReserve() {
    int n;
    do {
      n = live.get();
      if (n >= maxTotal) {
        return false;
      }
    } while (!live.compareAndSet(n, n + 1)); // CAS: reservations must never exceed maxTotal
    return true;
  }

  private T createReserved() {
    try {
      return create();
    } catch (RuntimeException | Error e) {
      live.decrementAndGet(); // the failed creation gives its reservation back
      signalWaiter();
      throw e;
    }
  }

  private void signalWaiter() {
    // Full fence: our store offer / live decrement must not pass the read of waiters (Dekker
    // pairing with the fence in createOrWait()).
    VarHandle.fullFence();
    if (waiters > 0) {
      lock.lock();
      try {
        available.signal();
      } finally {
        lock.unlock();
      }
    }
  }

  private void discard(T obj) {
    discarded.increment();
    if (maxTotal > 0) {
      live.decrementAndGet();
      signalWaiter();
    }
    if (disposer != null) {
      disposer.accept(obj);
    }
  }

  private void discardAfterFailure(T obj, Throwable failure) {
    try {
      discard(obj);
    } catch (RuntimeException | Error e) {
      if (e != failure) {
        failure.addSuppressed(e);
      }
    }
  }

  private void onLeak() {
    discarded.increment();
    if (maxTotal > 0) {
      live.decrementAndGet();
      signalWaiter();
    }
  }

  private void drainOwnCache(ThreadCache cache) {
    Discarder d = new Discarder();
    cache.drainTo(d);
    d.rethrow();
  }

  private void drainStore() {
    Discarder d = new Discarder();
    store.drain(d);
    d.rethrow();
  }

  private void expungeDeadThreads() {
    if (caches == null) {
      return;
    }
    Discarder d = new Discarder();
    caches.expunge(
        dead -> {
          sharedReused.add(dead.reusedOpaque());
          dead.drainTo(
              o -> {
                if (closed || !store.offer(cast(o), dead.home)) {
                  d.accept(o);
                }
              });
        });
    d.rethrow();
  }

  static String describe(Object obj) {
    return obj.getClass().getName() + "@" + Integer.toHexString(System.identityHashCode(obj));
  }

  private static IllegalStateException closedException() {
    return new IllegalStateException("pool is closed");
  }

  /** Discards every object it is given, keeping the first disposer failure. */
  private final class Discarder implements Consumer<Object> {
    private RuntimeException failure;

    @Override
    public void accept(Object o) {
      try {
        discard(cast(o));
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }

    void rethrow() {
      if (failure != null) {
        throw failure;
      }
    }
  }

  /**
   * Configures and builds an {@link ObjectPool}. Each setter may be called at most once. Not
   * thread-safe.
   *
   * @param <T> the type of the pooled objects
   */
  public static final class Builder<T> {
    static final int UNSET = -1;
    static final int DEFAULT_MAX_RETAINED = 256;
    static final int DEFAULT_THREAD_CACHE_SIZE = 8;
    static final int MAX_THREAD_CACHE_SIZE = 1024;

    private final Supplier<? extends T> factory;
    private Consumer<? super T> reset = o -> {};
    private boolean resetSet;
    private Predicate<? super T> validator;
    private Consumer<? super T> disposer;
    private int maxRetained = UNSET;
    private int maxTotal = UNSET;
    private long maxWaitNanos = UNSET;
    private int threadCacheSize = UNSET;
    private double leakSamplingRate;
    private Consumer<? super PoolLeak> leakListener;

    private Builder(Supplier<? extends T> factory) {
      this.factory = factory;
    }

    /**
     * Sets the hook run on every release, before the object is validated and kept for reuse
     * (clear buffers, reset fields). Default: none. If it throws, the object is discarded and the
     * exception reaches the releasing caller.
     *
     * @param reset the hook
     * @return this builder
     * @throws NullPointerException if {@code reset} is null
     * @throws IllegalStateException if already set
     */
    public Builder<T> reset(Consumer<? super T> reset) {
      Checks.requireNonNull(reset, "reset");
      Checks.requireState(!resetSet, "reset was already set");
      this.reset = reset;
      this.resetSet = true;
      return this;
    }

    /**
     * Sets a check run on every release after the reset hook; an object it rejects is discarded
     * and counted in {@link PoolStats#discarded()}. Default: every object is kept.
     *
     * @param validator returns true to keep the object
     * @return this builder
     * @throws NullPointerException if {@code validator} is null
     * @throws IllegalStateException if already set
     */
    public Builder<T> validator(Predicate<? super T> validator) {
      Checks.requireNonNull(validator, "validator");
      Checks.requireState(this.validator == null, "validator was already set");
      this.validator = validator;
      return this;
    }

    /**
     * Sets a hook that receives every object the pool discards (rejected, overflowing, released
     * to a closed pool, drained on close), for example to close a resource. Default: none.
     *
     * @param disposer the hook
     * @return this builder
     * @throws NullPointerException if {@code disposer} is null
     * @throws IllegalStateException if already set
     */
    public Builder<T> disposer(Consumer<? super T> disposer) {
      Checks.requireNonNull(disposer, "disposer");
      Checks.requireState(this.disposer == null, "disposer was already set");
      this.disposer = disposer;
      return this;
    }

    /**
     * Sets how many idle objects the shared store keeps; a release that finds it full discards.
     * The store is striped, so the real capacity is rounded up to the stripe count times a power
     * of two (at least 2 per stripe). Each platform thread's cache holds up to
     * {@link #threadCacheSize(int)} + 1 (its hot slot) more. Default: 256, or {@code maxTotal}
     * for a bounded pool.
     *
     * @param maxRetained at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRetained <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder<T> maxRetained(int maxRetained) {
      Checks.checkPositive(maxRetained, "maxRetained");
      Checks.requireState(this.maxRetained == UNSET, "maxRetained was already set to %s",
          this.maxRetained);
      this.maxRetained = maxRetained;
      return this;
    }

    /**
     * Makes the pool bounded: at most {@code maxTotal} objects are alive (handed out or idle). An
     * acquisition that finds none idle waits up to {@link #maxWait(Duration)} (default: zero, fail
     * at once) and then throws {@link PoolExhaustedException}. A bounded pool has no thread caches.
     *
     * @param maxTotal at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxTotal <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder<T> maxTotal(int maxTotal) {
      Checks.checkPositive(maxTotal, "maxTotal");
      Checks.requireState(this.maxTotal == UNSET, "maxTotal was already set to %s", this.maxTotal);
      this.maxTotal = maxTotal;
      return this;
    }

    /**
     * Sets how long a bounded pool's acquisition waits for an idle object. Requires
     * {@link #maxTotal(int)}.
     *
     * @param maxWait zero or positive
     * @return this builder
     * @throws NullPointerException if {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<T> maxWait(Duration maxWait) {
      Checks.requireNonNull(maxWait, "maxWait");
      Checks.requireArgument(!maxWait.isNegative(), "maxWait: %s (expected: >= 0)", maxWait);
      Checks.requireState(maxWaitNanos == UNSET, "maxWait was already set");
      long nanos;
      try {
        nanos = maxWait.toNanos();
      } catch (ArithmeticException e) {
        nanos = Long.MAX_VALUE; // longer than ~292 years waits "forever"
      }
      this.maxWaitNanos = nanos;
      return this;
    }

    /**
     * Sets how many objects each platform thread caches privately (0 disables the caches), not
     * counting the one more in front of them, in the thread's hot slot (see {@link LocalHandle}).
     * Default: 8 for a recycler pool; a bounded pool allows only 0. To keep the fast path free of
     * reference stores, a cache does not clear a slot when it hands its object out (unless leak
     * detection is on): up to this many handed-out objects per thread may stay reachable from
     * the cache until their slots are reused.
     *
     * @param threadCacheSize in {@code [0, 1024]}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder<T> threadCacheSize(int threadCacheSize) {
      Checks.checkInRange(threadCacheSize, 0, MAX_THREAD_CACHE_SIZE, "threadCacheSize");
      Checks.requireState(this.threadCacheSize == UNSET, "threadCacheSize was already set to %s",
          this.threadCacheSize);
      this.threadCacheSize = threadCacheSize;
      return this;
    }

    /**
     * Turns on leak detection (off by default): a {@code samplingRate} fraction of acquisitions
     * records the acquiring stack, and an object from such an acquisition that is
     * garbage-collected before it is released is reported to {@code listener}, on a daemon thread
     * named {@code perfkit-pool-leak-detector} shared by all pools. A reported object counts as
     * discarded (and frees its place in a bounded pool).
     *
     * @param samplingRate in {@code (0, 1]}; 1 tracks every acquisition
     * @param listener receives each leak; must not block for long
     * @return this builder
     * @throws IllegalArgumentException if {@code samplingRate} is NaN or not in {@code (0, 1]}
     * @throws NullPointerException if {@code listener} is null
     * @throws IllegalStateException if already set
     */
    public Builder<T> leakDetection(double samplingRate, Consumer<? super PoolLeak> listener) {
      Checks.checkPositiveFinite(samplingRate, "samplingRate");
      Checks.requireArgument(samplingRate <= 1.0, "samplingRate: %s (expected: in (0, 1])",
          samplingRate);
      Checks.requireNonNull(listener, "listener");
      Checks.requireState(leakListener == null, "leakDetection was already set");
      this.leakSamplingRate = samplingRate;
      this.leakListener = listener;
      return this;
    }

    /**
     * Builds the pool.
     *
     * @return a new, open pool
     * @throws IllegalStateException if {@code maxWait} was set without {@code maxTotal}, or a
     *     non-zero {@code threadCacheSize} was combined with {@code maxTotal}
     */
    public ObjectPool<T> build() {
      Checks.requireState(maxWaitNanos == UNSET || maxTotal != UNSET,
          "maxWait requires maxTotal");
      Checks.requireState(maxTotal == UNSET || threadCacheSize <= 0,
          "threadCacheSize: %s cannot be combined with maxTotal (a thread's cache would strand "
              + "objects that waiting threads need)", threadCacheSize);
      return new ObjectPool<>(this);
    }
  }
}
