package io.perfkit.core.pool;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.queue.Queues;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jctools.queues.MessagePassingQueue;

/**
 * A pool of {@link ByteBuffer}s, direct or heap, in power-of-two size classes.
 *
 * <pre>{@code
 * BufferPool pool = BufferPool.newBuilder().direct(true).build();
 * ByteBuffer buf = pool.acquire(3000);   // capacity 4096, position 0, limit 3000
 * try {
 *   channel.read(buf);
 * } finally {
 *   pool.release(buf);
 * }
 * }</pre>
 *
 * <p><b>Sizes.</b> {@link #acquire(int)} rounds the request up to a size class between
 * {@link Builder#minBufferSize(int)} (default 256 B) and {@link Builder#maxBufferSize(int)}
 * (default 64 KiB). Larger requests get a buffer of exactly the requested capacity, allocated
 * unpooled and never retained: very large buffers are rare, and retaining them pins memory.
 *
 * <p><b>Retention.</b> Each platform thread caches up to {@link Builder#threadCacheSize(int)}
 * idle buffers per size class (default 2), plus the last buffer it released; behind the thread caches, a shared store keeps released
 * buffers while the total capacity of its idle buffers stays within
 * {@link Builder#maxRetainedBytes(long)} (default 16 MiB), and at most 1024 per size class. Other
 * releases drop the buffer (a direct buffer's memory is then freed by the JDK when the buffer is
 * garbage-collected, as for any direct buffer). Virtual threads (JDK 21+) get no thread cache.
 *
 * <p><b>Threading.</b> Thread-safe; a buffer may be released by a thread other than the one that
 * acquired it. <b>Ordering.</b> Writes to a buffer before its release happen-before reads of it by
 * the thread whose acquisition returns it next. <b>Progress.</b> Lock-free (per-thread caches,
 * one MPMC queue per size class, an atomic byte counter, and an identity map). <b>Cost.</b> A
 * platform thread that releases a buffer it acquired recently and acquires one of the same size
 * class again touches only its own cache and the buffer's own record (plain loads and stores, no
 * atomic instruction), and allocates nothing; other releases look the buffer up in an identity
 * map (allocating a small key) and change the record by compare-and-set.
 *
 * <p><b>Misuse detection.</b> Every buffer the pool hands out is recorded by identity (weakly: a
 * leaked buffer is still collected, and is counted in {@link BufferPoolStats#leaked()}), with a
 * state. Exact, always: releasing a buffer the pool did not hand out (including a slice or
 * duplicate of one) throws {@link IllegalArgumentException}; releasing one twice throws
 * {@link IllegalStateException} whenever one release happens-before the other (on one thread, or
 * on threads ordered by the hand-off of the buffer, a join, a lock, a concurrent queue). Not
 * guaranteed: two releases of one buffer racing on different threads (a data race in the caller,
 * as both threads act on a buffer only one of them holds) when one of them takes the fast path
 * of the thread whose cache handed the buffer out, which changes the state with plain accesses to
 * avoid an atomic instruction per release; two racing releases that both take the slow path are
 * still told apart by compare-and-set.
 *
 * <p><b>Contents.</b> An acquired buffer is cleared (position 0, limit = the requested size,
 * big-endian order) but not zeroed: it holds whatever the previous holder wrote.
 */
public final class BufferPool implements AutoCloseable {
  /*
   * Design. Each size class has a bounded MPMC queue of idle BufferSlots (shared store) and, per
   * platform thread, a small stack in that thread's BufferThreadCache (found through a
   * ThreadTable, as ObjectPool's caches are). Every buffer the pool allocates gets one BufferSlot
   * for its lifetime: a weak reference to it, registered by identity in 'handedOut', with a state
   * (OUTSTANDING, IDLE, DISCARDED), so a second release fails (see the class Javadoc for the one
   * racing case that is not guaranteed).
   *
   * Fast path (platform thread, a size class): acquire pops the thread's stack (plain accesses)
   * and marks the slot OUTSTANDING with a plain store; release finds the buffer among the
   * thread's recently handed-out entries (identity compares), moves its slot from OUTSTANDING to
   * IDLE with a plain load and store (BufferSlot.releaseOwned; the CAS it replaced was 10-25 % of
   * the pair) and pushes. No allocation, no atomic instruction. Anything else (a
   * buffer from another thread, an empty or full stack, a virtual thread) takes the slow path:
   * identity-map lookup on release, the shared queue, allocation.
   *
   * Counters: created, unpooled, discarded and leaked are LongAdders touched only on slow paths;
   * reuses are counted per thread cache (opaque, owner-only) plus a LongAdder for the shared
   * queues; 'outstanding' is derived: created + unpooled - discarded - leaked - retained.
   */

  /** Most buffers kept per size class in the shared store. */
  static final int MAX_BUFFERS_PER_CLASS = 1024;

  private final boolean direct;
  private final int minShift;
  private final int maxBufferSize;
  private final long maxRetainedBytes;
  private final MessagePassingQueue<BufferSlot>[] classes;
  private final ConcurrentHashMap<BufferSlot, BufferSlot> handedOut = new ConcurrentHashMap<>();
  private final ReferenceQueue<ByteBuffer> collected = new ReferenceQueue<>();
  /** Total capacity of the buffers idle in the shared store (thread caches not included). */
  private final AtomicLong retainedBytes = new AtomicLong();
  /** Per-thread caches; null when disabled. */
  private final ThreadTable<BufferThreadCache> caches;
  /** {@code caches.slots()} and {@code caches.owners()}, kept here for the fast path. */
  private final BufferThreadCache[] cacheSlots;
  private final int[] cacheOwners;

  private final LongAdder created = new LongAdder();
  /** Reuses served by the shared store, plus dead threads' cache totals. */
  private final LongAdder sharedReused = new LongAdder();
  private final LongAdder unpooled = new LongAdder();
  private final LongAdder discarded = new LongAdder();
  private final LongAdder leaked = new LongAdder();

  private volatile boolean closed;

  /** Plain reads of {@link #closed} on the hot-entry paths; see {@link #closedPlain()}. */
  private static final VarHandle CLOSED;

  static {
    try {
      CLOSED = MethodHandles.lookup().findVarHandle(BufferPool.class, "closed", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * {@link #closed}, read plain: used only where the caller works on its own thread's hot entry
   * ({@link #acquire}'s first step and the release of the hot buffer). Why plain suffices:
   * {@code closed} only goes from false to true, so a read that happens-after {@link #close()}
   * (through any synchronization) returns true, as a volatile read would; a read racing with
   * {@code close()} may return false, and the call then lends out or takes back the thread's own
   * hot buffer, which {@code close()} never drains from a live thread anyway (the thread's next
   * call that sees the close drops it): as if the call had run just before the close. Why not
   * volatile: the acquire barrier stops the JIT from reusing the acquire's thread lookup in the
   * release of the same pair (measured on {@link ObjectPool}, which does the same).
   */
  private boolean closedPlain() {
    return (boolean) CLOSED.get(this); // plain: see above
  }

  private BufferPool(Builder b) {
    this.direct = b.direct;
    this.minShift = Integer.numberOfTrailingZeros(b.minBufferSize);
    this.maxBufferSize = b.maxBufferSize;
    this.maxRetainedBytes = b.maxRetainedBytes;
    int classCount = Integer.numberOfTrailingZeros(b.maxBufferSize) - minShift + 1;
    this.classes = newClasses(classCount);
    for (int i = 0; i < classCount; i++) {
      long fit = maxRetainedBytes >>> (minShift + i);
      classes[i] = Queues.mpmc((int) Math.max(1, Math.min(fit, MAX_BUFFERS_PER_CLASS)));
    }
    int cacheSize = b.threadCacheSize;
    this.caches =
        cacheSize > 0
            ? new ThreadTable<>(
                (t, deaths) -> new BufferThreadCache(t, classCount, cacheSize, deaths),
                BufferThreadCache[]::new)
            : null;
    this.cacheSlots = caches == null ? null : caches.slots();
    this.cacheOwners = caches == null ? null : caches.owners();
  }

  // Generic array creation: the array never escapes and holds only queues of BufferSlot.
  @SuppressWarnings("unchecked")
  private static MessagePassingQueue<BufferSlot>[] newClasses(int count) {
    return (MessagePassingQueue<BufferSlot>[]) new MessagePassingQueue<?>[count];
  }

  /**
   * Starts a builder with the defaults: heap buffers, 256 B to 64 KiB, 16 MiB retained in the
   * shared store, 2 buffers per size class in each platform thread's cache.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * Hands out a buffer of at least {@code minCapacity} bytes: cleared, with
   * {@code limit == minCapacity}.
   *
   * @param minCapacity the number of bytes needed, at least 1
   * @return a buffer for the caller's exclusive use until it is released
   * @throws IllegalArgumentException if {@code minCapacity <= 0}
   * @throws IllegalStateException if the pool is closed
   * @throws OutOfMemoryError if the JDK cannot allocate a new buffer
   */
  public ByteBuffer acquire(int minCapacity) {
    BufferThreadCache cache = null;
    // Plain read of 'closed' (see closedPlain()); acquireMiss re-reads it volatile.
    if (!closedPlain()) {
      cache = cacheOf(Thread.currentThread());
      if (cache != null) {
        // First of all: a hit proves minCapacity valid (it fits the hot buffer's class).
        ByteBuffer hot = cache.takeHot(minCapacity);
        if (hot != null) {
          return reset(hot, minCapacity);
        }
      }
    }
    return acquireMiss(minCapacity, cache);
  }

  /** acquire() past the hot entry ({@code cache}: the caller's, or null). */
  private ByteBuffer acquireMiss(int minCapacity, BufferThreadCache cache) {
    // One unsigned compare for both rare cases: minCapacity <= 0 and minCapacity > maxBufferSize.
    if (Integer.compareUnsigned(minCapacity - 1, maxBufferSize) >= 0) {
      return acquireUnpooled(minCapacity);
    }
    if (closed) {
      throw closedOnAcquire();
    }
    int sizeClass = sizeClassOf(minCapacity);
    if (cache != null) {
      ByteBuffer hot = cache.takeHotOfCapacity(1 << (sizeClass + minShift));
      if (hot != null) {
        return reset(hot, minCapacity);
      }
      int i = cache.pop(sizeClass);
      if (i >= 0) {
        cache.slot(i).setOutstanding();
        return reset(cache.buffer(i), minCapacity);
      }
    }
    return acquireShared(sizeClass, minCapacity, cache);
  }

  /** acquire() of a request larger than the largest class (or a bad one). */
  private ByteBuffer acquireUnpooled(int minCapacity) {
    Checks.checkPositive(minCapacity, "minCapacity");
    if (closed) {
      throw closedOnAcquire();
    }
    ByteBuffer buffer = allocate(minCapacity);
    register(buffer, -1);
    unpooled.increment();
    return buffer;
  }

  private ByteBuffer acquireShared(int sizeClass, int minCapacity, BufferThreadCache cache) {
    BufferSlot slot = classes[sizeClass].relaxedPoll();
    ByteBuffer buffer;
    if (slot != null) {
      buffer = slot.idle;
      slot.idle = null;
      // The queue hand-off (release offer, acquire poll) orders this after the releaser's writes.
      slot.setOutstanding();
      retainedBytes.addAndGet(-buffer.capacity());
      sharedReused.increment();
      reset(buffer, minCapacity);
    } else {
      buffer = allocate(1 << (sizeClass + minShift));
      slot = register(buffer, sizeClass);
      created.increment();
      buffer.limit(minCapacity);
    }
    if (cache != null) {
      cache.recordHandedOut(sizeClass, buffer, slot);
    }
    return buffer;
  }

  private static ByteBuffer reset(ByteBuffer buffer, int limit) {
    buffer.clear();
    if (buffer.order() != ByteOrder.BIG_ENDIAN) { // a load and a compare instead of two stores
      buffer.order(ByteOrder.BIG_ENDIAN);
    }
    buffer.limit(limit);
    return buffer;
  }

  /**
   * Returns a buffer to the pool. It is kept for reuse if the calling thread's cache, or the
   * shared store (its size class and the retained-bytes cap), has room and the pool is open;
   * otherwise it is dropped.
   *
   * @param buffer a buffer this pool handed out and the caller has not released yet
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if this pool did not hand out {@code buffer}
   * @throws IllegalStateException if {@code buffer} was already released
   */
  public void release(ByteBuffer buffer) {
    Checks.requireNonNull(buffer, "buffer");
    BufferThreadCache cache = cacheOf(Thread.currentThread());
    if (cache != null) {
      if (cache.isHot(buffer)) {
        releaseHot(cache, buffer);
        return;
      }
      int sizeClass = pooledClassOf(buffer.capacity());
      if (sizeClass >= 0) {
        int i = cache.findHandedOut(sizeClass, buffer);
        if (i >= 0) {
          BufferSlot slot = cache.slot(i);
          if (!slot.releaseOwned()) { // plain: a buffer this thread's cache handed out
            throw releasedTwice(buffer);
          }
          if (closed) {
            drop(slot);
            drainCache(cache);
            return;
          }
          if (!cache.offerHot(buffer, slot)) {
            cache.pushHandedOut(sizeClass, i);
          }
          return;
        }
      }
    }
    releaseSlow(buffer, cache);
  }

  private void releaseHot(BufferThreadCache cache, ByteBuffer buffer) {
    BufferSlot slot = cache.hotSlot();
    // Plain: the buffer this thread's cache handed out last. An idle hot buffer's record is IDLE
    // (every way into the idle hot entry sets it first, and nothing else changes an IDLE record
    // but its owner), so this one check also catches a release of the idle hot buffer.
    if (!slot.releaseOwned()) {
      throw releasedTwice(buffer);
    }
    // Plain read (see closedPlain()): a racing close() may leave the buffer idle in this thread's
    // own hot entry, which close() could not reach anyway; the next call that sees it drops it.
    if (closedPlain()) {
      drop(slot);
      drainCache(cache);
      return;
    }
    cache.markHotIdle(buffer.capacity());
  }

  private void releaseSlow(ByteBuffer buffer, BufferThreadCache cache) {
    BufferSlot slot = handedOut.get(new BufferSlot(buffer));
    if (slot == null) {
      throw new IllegalArgumentException(
          "buffer was not acquired from this pool: " + describe(buffer));
    }
    int sizeClass = slot.sizeClass;
    if (!slot.casState(BufferSlot.OUTSTANDING, sizeClass < 0 ? BufferSlot.DISCARDED
        : BufferSlot.IDLE)) {
      throw releasedTwice(buffer);
    }
    if (sizeClass < 0) {
      // Unpooled: never retained. The slot stays (weakly) registered so a second release is caught.
      discarded.increment();
      return;
    }
    if (closed) {
      drop(slot);
      if (cache != null) {
        drainCache(cache);
      }
      return;
    }
    if (cache != null
        && (cache.offerHot(buffer, slot) || cache.push(sizeClass, buffer, slot))) {
      return;
    }
    offerShared(slot, buffer);
  }

  /** Keeps an IDLE slot's buffer in the shared store, or drops it. */
  private void offerShared(BufferSlot slot, ByteBuffer buffer) {
    int size = buffer.capacity();
    if (closed || !reserveBytes(size)) {
      drop(slot);
      return;
    }
    slot.idle = buffer;
    // The queue's release-store publishes slot.idle and the buffer's contents to the next acquirer.
    if (!classes[slot.sizeClass].relaxedOffer(slot)) {
      slot.idle = null;
      retainedBytes.addAndGet(-size);
      drop(slot);
      return;
    }
    if (closed) {
      drainIdle();
    }
  }

  /**
   * A snapshot of the counters; also accounts for leaked buffers collected since the last call,
   * and moves the cached buffers of threads that have died (and been collected) to the shared
   * store.
   *
   * <p>Reads each counter once without stopping other threads: exact when the pool is quiescent.
   *
   * @return the counts
   */
  public BufferPoolStats stats() {
    expungeDeadThreads();
    expungeCollected();
    long idle = 0;
    for (MessagePassingQueue<BufferSlot> q : classes) {
      idle += q.size();
    }
    long idleBytes = retainedBytes.get();
    long reused = sharedReused.sum();
    if (caches != null) {
      for (BufferThreadCache c : caches.live()) {
        reused += c.reusedOpaque();
        for (int k = 0; k < c.classCount(); k++) {
          int n = c.sizeOpaque(k);
          idle += n;
          idleBytes += (long) n << (k + minShift);
        }
        int hot = c.hotIdleCapacityOpaque();
        if (hot != 0) {
          idle++;
          idleBytes += hot;
        }
      }
    }
    long leakedCount = leaked.sum();
    long discardedCount = discarded.sum();
    long createdCount = created.sum();
    long unpooledCount = unpooled.sum();
    long outstanding =
        Math.max(0, createdCount + unpooledCount - discardedCount - leakedCount - idle);
    return new BufferPoolStats(
        createdCount,
        reused,
        unpooledCount,
        discardedCount,
        outstanding,
        idle,
        idleBytes,
        leakedCount);
  }

  /**
   * The size a request is rounded up to: the smallest size class that fits, or
   * {@code minCapacity} itself above the largest class.
   *
   * @param minCapacity at least 1
   * @return the capacity of the buffer {@link #acquire(int)} would hand out
   * @throws IllegalArgumentException if {@code minCapacity <= 0}
   */
  public int capacityFor(int minCapacity) {
    Checks.checkPositive(minCapacity, "minCapacity");
    return minCapacity > maxBufferSize ? minCapacity : 1 << (sizeClassOf(minCapacity) + minShift);
  }

  /**
   * Whether buffers are direct.
   *
   * @return true for direct buffers, false for heap buffers
   */
  public boolean isDirect() {
    return direct;
  }

  /**
   * Closes the pool: acquisitions that happen-after this call throw {@link IllegalStateException}
   * (a call on another thread racing with this one may still be served from that thread's own hot
   * buffer, as if it had run just before: the hot-entry paths read the closed state without a
   * barrier); idle buffers in the
   * shared store, in the calling thread's cache and in dead threads' caches are dropped (direct
   * memory is freed by the JDK when they are collected); buffers released later are dropped.
   * Buffers idle in another live thread's cache are dropped when that thread next calls the pool
   * (they count as retained until then, and they are freed with the pool if it is dropped first:
   * thread caches hang off the pool, not off the threads). Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    expungeDeadThreads();
    BufferThreadCache own = caches == null ? null : caches.find(Thread.currentThread());
    if (own != null) {
      drainCache(own);
    }
    drainIdle();
    expungeCollected();
  }

  @Override
  public String toString() {
    return "BufferPool" + stats();
  }

  /* ---------------- Internals ---------------- */

  /** Platform threads holding a cache of this pool (for tests). */
  int threadCacheCount() {
    expungeDeadThreads();
    return caches == null ? 0 : caches.live().size();
  }

  private BufferThreadCache cacheOf(Thread thread) {
    int[] owners = cacheOwners;
    if (owners == null || VirtualThreads.isVirtual(thread)) {
      return null;
    }
    BufferThreadCache mine = ThreadTable.probe(cacheSlots, owners, thread.getId());
    return mine != null ? mine : caches.get(thread); // a miss claims a slot
  }

  private int sizeClassOf(int minCapacity) {
    int shift = 32 - Integer.numberOfLeadingZeros(minCapacity - 1);
    return Math.max(0, shift - minShift);
  }

  /** The size class of a buffer of exactly this capacity, or -1 if no class has it. */
  private int pooledClassOf(int capacity) {
    if (capacity > maxBufferSize || Integer.bitCount(capacity) != 1) {
      return -1;
    }
    int c = Integer.numberOfTrailingZeros(capacity) - minShift;
    return c < 0 ? -1 : c;
  }

  private ByteBuffer allocate(int capacity) {
    expungeCollected();
    expungeDeadThreads();
    return direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
  }

  /** Records a newly allocated buffer as handed out (sizeClass -1: unpooled). */
  private BufferSlot register(ByteBuffer buffer, int sizeClass) {
    BufferSlot slot = new BufferSlot(buffer, sizeClass, collected);
    handedOut.put(slot, slot);
    return slot;
  }

  private boolean reserveBytes(int size) {
    long current;
    do {
      current = retainedBytes.get();
      if (current + size > maxRetainedBytes) {
        return false;
      }
    } while (!retainedBytes.compareAndSet(current, current + size)); // CAS: never exceed the cap
    return true;
  }

  /** Drops a released buffer: the slot stays (weakly) registered so a second release is caught. */
  private void drop(BufferSlot slot) {
    slot.setDiscarded();
    discarded.increment();
  }

  /** Drops every idle buffer of a cache whose owner is the caller (or dead), and clears it. */
  private void drainCache(BufferThreadCache cache) {
    cache.drainTo((slot, buffer) -> drop(slot));
  }

  private void drainIdle() {
    for (MessagePassingQueue<BufferSlot> q : classes) {
      BufferSlot slot;
      while ((slot = q.poll()) != null) {
        ByteBuffer buffer = slot.idle;
        slot.idle = null;
        retainedBytes.addAndGet(-buffer.capacity());
        drop(slot);
      }
    }
  }

  /** Moves the idle buffers of threads that died (and were collected) to the shared store. */
  private void expungeDeadThreads() {
    if (caches == null) {
      return;
    }
    caches.expunge(
        dead -> {
          sharedReused.add(dead.reusedOpaque());
          dead.drainTo(this::offerShared);
        });
  }

  private void expungeCollected() {
    Reference<? extends ByteBuffer> ref;
    while ((ref = collected.poll()) != null) {
      BufferSlot slot = (BufferSlot) ref;
      handedOut.remove(slot);
      if (slot.casState(BufferSlot.OUTSTANDING, BufferSlot.DISCARDED)) {
        leaked.increment();
      }
    }
  }

  private IllegalStateException closedOnAcquire() {
    BufferThreadCache own = caches == null ? null : caches.find(Thread.currentThread());
    if (own != null) {
      drainCache(own); // the pool was closed by another thread: drop what this thread keeps
    }
    return new IllegalStateException("buffer pool is closed");
  }

  private static IllegalStateException releasedTwice(ByteBuffer buffer) {
    return new IllegalStateException("buffer released twice: " + describe(buffer));
  }
  private static String describe(ByteBuffer buffer) {
    return (buffer.isDirect() ? "direct" : "heap") + " buffer, capacity " + buffer.capacity()
        + ", @" + Integer.toHexString(System.identityHashCode(buffer));
  }

  /**
   * Configures and builds a {@link BufferPool}. Each setter may be called at most once. Not
   * thread-safe.
   */
  public static final class Builder {
    private static final int MAX_BUFFER_SIZE = 1 << 30;
    static final int MAX_THREAD_CACHE_SIZE = 64;

    private boolean direct;
    private boolean directSet;
    private int minBufferSize = 256;
    private boolean minSet;
    private int maxBufferSize = 64 * 1024;
    private boolean maxSet;
    private long maxRetainedBytes = 16L * 1024 * 1024;
    private boolean retainedSet;
    private int threadCacheSize = 2;
    private boolean threadCacheSet;

    private Builder() {}

    /**
     * Chooses direct ({@code true}) or heap ({@code false}, the default) buffers.
     *
     * @param direct whether to allocate direct buffers
     * @return this builder
     * @throws IllegalStateException if already set
     */
    public Builder direct(boolean direct) {
      Checks.requireState(!directSet, "direct was already set to %s", this.direct);
      this.direct = direct;
      this.directSet = true;
      return this;
    }

    /**
     * Sets the smallest size class. Default: 256.
     *
     * @param minBufferSize a power of two in {@code [1, 2^30]}
     * @return this builder
     * @throws IllegalArgumentException if not a power of two in range
     * @throws IllegalStateException if already set
     */
    public Builder minBufferSize(int minBufferSize) {
      checkPowerOfTwo(minBufferSize, "minBufferSize");
      Checks.requireState(!minSet, "minBufferSize was already set to %s", this.minBufferSize);
      this.minBufferSize = minBufferSize;
      this.minSet = true;
      return this;
    }

    /**
     * Sets the largest size class; larger requests are served unpooled. Default: 65536.
     *
     * @param maxBufferSize a power of two in {@code [1, 2^30]}
     * @return this builder
     * @throws IllegalArgumentException if not a power of two in range
     * @throws IllegalStateException if already set
     */
    public Builder maxBufferSize(int maxBufferSize) {
      checkPowerOfTwo(maxBufferSize, "maxBufferSize");
      Checks.requireState(!maxSet, "maxBufferSize was already set to %s", this.maxBufferSize);
      this.maxBufferSize = maxBufferSize;
      this.maxSet = true;
      return this;
    }

    /**
     * Caps the total capacity of idle buffers kept for reuse. Default: 16 MiB.
     *
     * @param maxRetainedBytes at least 1
     * @return this builder
     * @throws IllegalArgumentException if {@code maxRetainedBytes <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder maxRetainedBytes(long maxRetainedBytes) {
      Checks.checkPositive(maxRetainedBytes, "maxRetainedBytes");
      Checks.requireState(!retainedSet, "maxRetainedBytes was already set to %s",
          this.maxRetainedBytes);
      this.maxRetainedBytes = maxRetainedBytes;
      this.retainedSet = true;
      return this;
    }

    /**
     * Sets how many idle buffers of each size class each platform thread caches privately, in
     * front of the shared store, plus one more (the last buffer it released, of any class); 0
     * disables the caches. Default: 2. These are not counted in {@link #maxRetainedBytes(long)}:
     * with the default classes a thread that has used every class may keep up to
     * {@code threadCacheSize * 127.75 KiB + 64 KiB}. A cache also keeps up to this many buffers
     * per class (plus one) that it handed out reachable until their entries are reused (so a
     * leaked buffer is collected and counted only then). Virtual threads never get a cache.
     *
     * @param threadCacheSize in {@code [0, 64]}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder threadCacheSize(int threadCacheSize) {
      Checks.checkInRange(threadCacheSize, 0, MAX_THREAD_CACHE_SIZE, "threadCacheSize");
      Checks.requireState(!threadCacheSet, "threadCacheSize was already set to %s",
          this.threadCacheSize);
      this.threadCacheSize = threadCacheSize;
      this.threadCacheSet = true;
      return this;
    }

    /**
     * Builds the pool.
     *
     * @return a new, open pool
     * @throws IllegalArgumentException if {@code minBufferSize > maxBufferSize}
     */
    public BufferPool build() {
      Checks.requireArgument(minBufferSize <= maxBufferSize,
          "minBufferSize: %s (expected: <= maxBufferSize %s)", minBufferSize, maxBufferSize);
      return new BufferPool(this);
    }

    private static void checkPowerOfTwo(int value, String name) {
      Checks.checkInRange(value, 1, MAX_BUFFER_SIZE, name);
      Checks.requireArgument(Integer.bitCount(value) == 1,
          "%s: %s (expected: a power of two)", name, value);
    }
  }
}
