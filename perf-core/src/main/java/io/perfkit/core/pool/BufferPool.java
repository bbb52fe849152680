package io.perfkit.core.pool;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.queue.Queues;
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
 * <p><b>Retention.</b> Released buffers are kept while the total capacity of idle buffers stays
 * within {@link Builder#maxRetainedBytes(long)} (default 16 MiB), and each size class keeps at most
 * 1024 buffers; other releases drop the buffer (a direct buffer's memory is then freed by the JDK
 * when the buffer is garbage-collected, as for any direct buffer).
 *
 * <p><b>Threading.</b> Thread-safe; a buffer may be released by a thread other than the one that
 * acquired it. <b>Ordering.</b> Writes to a buffer before its release happen-before reads of it by
 * the thread whose acquisition returns it next. <b>Progress.</b> Lock-free (one MPMC queue per
 * size class, an atomic byte counter, and an identity map). <b>Allocation.</b> A small lookup key
 * per release; a buffer and a map entry per pool miss.
 *
 * <p><b>Misuse detection (exact).</b> Every buffer the pool hands out is recorded by identity
 * (weakly: a leaked buffer is still collected, and is counted in {@link BufferPoolStats#leaked()}).
 * Releasing a buffer the pool did not hand out (including a slice or duplicate of one) throws
 * {@link IllegalArgumentException}; releasing one twice throws {@link IllegalStateException}.
 *
 * <p><b>Contents.</b> An acquired buffer is cleared (position 0, limit = the requested size,
 * big-endian order) but not zeroed: it holds whatever the previous holder wrote.
 */
public final class BufferPool implements AutoCloseable {
  /** Most buffers kept per size class. */
  static final int MAX_BUFFERS_PER_CLASS = 1024;

  private final boolean direct;
  private final int minShift;
  private final int maxBufferSize;
  private final long maxRetainedBytes;
  private final MessagePassingQueue<BufferSlot>[] classes;
  private final ConcurrentHashMap<BufferSlot, BufferSlot> handedOut = new ConcurrentHashMap<>();
  private final ReferenceQueue<ByteBuffer> collected = new ReferenceQueue<>();
  private final AtomicLong retainedBytes = new AtomicLong();

  private final LongAdder created = new LongAdder();
  private final LongAdder reused = new LongAdder();
  private final LongAdder unpooled = new LongAdder();
  private final LongAdder discarded = new LongAdder();
  private final LongAdder outstanding = new LongAdder();
  private final LongAdder leaked = new LongAdder();

  private volatile boolean closed;

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
  }

  // Generic array creation: the array never escapes and holds only queues of BufferSlot.
  @SuppressWarnings("unchecked")
  private static MessagePassingQueue<BufferSlot>[] newClasses(int count) {
    return (MessagePassingQueue<BufferSlot>[]) new MessagePassingQueue<?>[count];
  }

  /**
   * Starts a builder with the defaults: heap buffers, 256 B to 64 KiB, 16 MiB retained.
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
    Checks.checkPositive(minCapacity, "minCapacity");
    if (closed) {
      throw new IllegalStateException("buffer pool is closed");
    }
    if (minCapacity > maxBufferSize) {
      ByteBuffer buffer = allocate(minCapacity, -1);
      unpooled.increment();
      return buffer;
    }
    int sizeClass = sizeClassOf(minCapacity);
    BufferSlot slot = classes[sizeClass].relaxedPoll();
    ByteBuffer buffer;
    if (slot != null) {
      buffer = slot.idle;
      slot.idle = null;
      // The queue hand-off (release offer, acquire poll) orders this after the releaser's writes.
      slot.setOutstanding();
      retainedBytes.addAndGet(-buffer.capacity());
      reused.increment();
      outstanding.increment();
      buffer.clear();
      buffer.order(ByteOrder.BIG_ENDIAN);
    } else {
      buffer = allocate(1 << (sizeClass + minShift), sizeClass);
      created.increment();
    }
    buffer.limit(minCapacity);
    return buffer;
  }

  /**
   * Returns a buffer to the pool. It is kept for reuse if its size class and the retained-bytes
   * cap have room and the pool is open; otherwise it is dropped.
   *
   * @param buffer a buffer this pool handed out and the caller has not released yet
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if this pool did not hand out {@code buffer}
   * @throws IllegalStateException if {@code buffer} was already released
   */
  public void release(ByteBuffer buffer) {
    Checks.requireNonNull(buffer, "buffer");
    BufferSlot slot = handedOut.get(new BufferSlot(buffer));
    if (slot == null) {
      throw new IllegalArgumentException(
          "buffer was not acquired from this pool: " + describe(buffer));
    }
    int sizeClass = slot.sizeClass;
    if (!slot.casState(BufferSlot.OUTSTANDING, sizeClass < 0 ? BufferSlot.DISCARDED
        : BufferSlot.IDLE)) {
      throw new IllegalStateException("buffer released twice: " + describe(buffer));
    }
    outstanding.decrement();
    if (sizeClass < 0) {
      // Unpooled: never retained. The slot stays (weakly) registered so a second release is caught.
      discarded.increment();
      return;
    }
    int size = buffer.capacity();
    if (closed || !reserveBytes(size)) {
      drop(slot);
      return;
    }
    slot.idle = buffer;
    // The queue's release-store publishes slot.idle and the buffer's contents to the next acquirer.
    if (!classes[sizeClass].relaxedOffer(slot)) {
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
   * A snapshot of the counters; also accounts for leaked buffers collected since the last call.
   *
   * @return the counts
   */
  public BufferPoolStats stats() {
    expungeCollected();
    long idle = 0;
    for (MessagePassingQueue<BufferSlot> q : classes) {
      idle += q.size();
    }
    return new BufferPoolStats(
        created.sum(),
        reused.sum(),
        unpooled.sum(),
        discarded.sum(),
        outstanding.sum(),
        idle,
        retainedBytes.get(),
        leaked.sum());
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
   * Closes the pool: further acquisitions throw {@link IllegalStateException}; idle buffers are
   * dropped (direct memory is freed by the JDK when they are collected); buffers released later
   * are dropped. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    drainIdle();
    expungeCollected();
  }

  @Override
  public String toString() {
    return "BufferPool" + stats();
  }

  /* ---------------- Internals ---------------- */

  private int sizeClassOf(int minCapacity) {
    int shift = 32 - Integer.numberOfLeadingZeros(minCapacity - 1);
    return Math.max(0, shift - minShift);
  }

  private ByteBuffer allocate(int capacity, int sizeClass) {
    expungeCollected();
    ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
    BufferSlot slot = new BufferSlot(buffer, sizeClass, collected);
    handedOut.put(slot, slot);
    outstanding.increment();
    return buffer;
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

  private void expungeCollected() {
    Reference<? extends ByteBuffer> ref;
    while ((ref = collected.poll()) != null) {
      BufferSlot slot = (BufferSlot) ref;
      handedOut.remove(slot);
      if (slot.casState(BufferSlot.OUTSTANDING, BufferSlot.DISCARDED)) {
        outstanding.decrement();
        leaked.increment();
      }
    }
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

    private boolean direct;
    private boolean directSet;
    private int minBufferSize = 256;
    private boolean minSet;
    private int maxBufferSize = 64 * 1024;
    private boolean maxSet;
    private long maxRetainedBytes = 16L * 1024 * 1024;
    private boolean retainedSet;

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
