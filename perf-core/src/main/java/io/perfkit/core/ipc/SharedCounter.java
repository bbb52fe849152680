package io.perfkit.core.ipc;

import io.perfkit.core.memory.MemoryBuffer;

/**
 * A counter in a shared counters region, allocated by {@link CountersManager#allocate}. Other
 * processes see its value through {@link CountersReader}.
 *
 * <p><b>Threading:</b> every method is thread-safe and atomic across processes. <b>Ordering:</b>
 * {@link #set} and {@link #increment} are release/volatile writes; {@link #get} is a volatile
 * read. <b>Progress:</b> wait-free on x86 (one atomic instruction). <b>Allocation:</b> none.
 * {@link #close()} frees the slot; later calls throw {@link IllegalStateException}.
 */
public final class SharedCounter implements AutoCloseable {
  private final CountersManager manager;
  private final MemoryBuffer buffer;
  private final int id;
  private final int valueOffset;
  private boolean closed;

  SharedCounter(CountersManager manager, MemoryBuffer buffer, int id, int valueOffset) {
    this.manager = manager;
    this.buffer = buffer;
    this.id = id;
    this.valueOffset = valueOffset;
  }

  /** Returns this counter's id (its slot in the region). */
  public int id() {
    return id;
  }

  /** Returns the value (volatile read). */
  public long get() {
    checkOpen();
    return buffer.getLongVolatile(valueOffset);
  }

  /** Sets the value with release semantics (readers that see it see earlier writes). */
  public void set(long value) {
    checkOpen();
    buffer.putLongRelease(valueOffset, value);
  }

  /** Atomically adds one and returns the previous value. */
  public long increment() {
    checkOpen();
    return buffer.getAndAddLong(valueOffset, 1);
  }

  /** Atomically adds {@code delta} and returns the previous value. */
  public long getAndAdd(long delta) {
    checkOpen();
    return buffer.getAndAddLong(valueOffset, delta);
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("counter " + id + " is closed");
    }
  }

  /** Frees the counter's slot for reuse. Idempotent. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      manager.free(id);
    }
  }

  @Override
  public String toString() {
    return "SharedCounter[id=" + id + (closed ? ", closed" : ", value=" + get()) + "]";
  }
}
