package io.perfkit.core.counter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A {@code long} that sits alone on its cache lines: 128 bytes of padding on both sides keep writes
 * by other threads to neighbouring memory from invalidating it (false sharing). Use it for a
 * sequence, index or counter written by one thread and read by others (or written rarely by many),
 * where an {@link java.util.concurrent.atomic.AtomicLong} next to other hot fields would ping-pong.
 * For a sum incremented by many threads at once use {@link java.util.concurrent.atomic.LongAdder}.
 *
 * <p><b>Threading:</b> every method may be called from any thread.
 *
 * <p><b>Ordering:</b> each method has the memory semantics of the {@link VarHandle} access mode it is
 * named after: {@link #get()} and {@link #set(long)} are volatile; {@link #getAcquire()} pairs with
 * {@link #setRelease(long)} (writes before a {@code setRelease(v)} happen-before reads after a
 * {@code getAcquire()} that returns {@code v}); {@link #getOpaque()}/{@link #setOpaque(long)} are
 * coherent but unordered; {@link #getPlain()}/{@link #setPlain(long)} have no guarantee across
 * threads; the read-modify-write methods are volatile (sequentially consistent) and atomic.
 *
 * <p><b>Progress:</b> wait-free except {@code compareAndSet} loops the caller writes (lock-free).
 *
 * <p><b>Allocation:</b> none after construction; each instance occupies about 300 bytes.
 */
public final class PaddedAtomicLong extends PaddedAtomicLongRhsPad {
  private static final VarHandle VALUE;

  static {
    try {
      VALUE = MethodHandles.lookup()
          .findVarHandle(PaddedAtomicLongValue.class, "value", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Creates a counter with initial value 0. */
  public PaddedAtomicLong() {}

  /**
   * Creates a counter with the given initial value.
   *
   * @param initialValue the initial value
   */
  public PaddedAtomicLong(long initialValue) {
    // Volatile write, as AtomicLong(long): visible to readers even under a racy publication.
    value = initialValue;
  }

  /** Returns the value with volatile semantics. */
  public long get() {
    return value;
  }

  /** Returns the value with acquire semantics; pairs with {@link #setRelease(long)}. */
  public long getAcquire() {
    return (long) VALUE.getAcquire(this);
  }

  /** Returns the value with opaque semantics (coherent, no ordering of other accesses). */
  public long getOpaque() {
    return (long) VALUE.getOpaque(this);
  }

  /** Returns the value with plain (non-volatile) semantics: only safe from the owning thread. */
  public long getPlain() {
    return (long) VALUE.get(this);
  }

  /**
   * Sets the value with volatile semantics.
   *
   * @param newValue the new value
   */
  public void set(long newValue) {
    value = newValue;
  }

  /**
   * Sets the value with release semantics: writes before it are visible to a thread that reads the
   * new value with {@link #getAcquire()} or {@link #get()}. Cheaper than {@link #set(long)} (no
   * store-load fence); the usual way to publish a sequence.
   *
   * @param newValue the new value
   */
  public void setRelease(long newValue) {
    VALUE.setRelease(this, newValue);
  }

  /**
   * Same as {@link #setRelease(long)}; named after {@code AtomicLong.lazySet} for familiarity.
   *
   * @param newValue the new value
   */
  public void lazySet(long newValue) {
    VALUE.setRelease(this, newValue);
  }

  /**
   * Sets the value with opaque semantics (eventually visible, no ordering of other accesses).
   *
   * @param newValue the new value
   */
  public void setOpaque(long newValue) {
    VALUE.setOpaque(this, newValue);
  }

  /**
   * Sets the value with plain semantics: for a single-writer value nobody else reads yet.
   *
   * @param newValue the new value
   */
  public void setPlain(long newValue) {
    VALUE.set(this, newValue);
  }

  /**
   * Atomically sets the value and returns the previous one.
   *
   * @param newValue the new value
   * @return the previous value
   */
  public long getAndSet(long newValue) {
    return (long) VALUE.getAndSet(this, newValue);
  }

  /**
   * Atomically adds {@code delta} and returns the previous value.
   *
   * @param delta the amount to add (may be negative)
   * @return the previous value
   */
  public long getAndAdd(long delta) {
    return (long) VALUE.getAndAdd(this, delta);
  }

  /**
   * Atomically adds {@code delta} and returns the new value.
   *
   * @param delta the amount to add (may be negative)
   * @return the new value
   */
  public long addAndGet(long delta) {
    return (long) VALUE.getAndAdd(this, delta) + delta;
  }

  /** Atomically increments the value and returns the previous one. */
  public long getAndIncrement() {
    return (long) VALUE.getAndAdd(this, 1L);
  }

  /** Atomically increments the value and returns the new one. */
  public long incrementAndGet() {
    return (long) VALUE.getAndAdd(this, 1L) + 1L;
  }

  /** Atomically decrements the value and returns the new one. */
  public long decrementAndGet() {
    return (long) VALUE.getAndAdd(this, -1L) - 1L;
  }

  /**
   * Atomically sets the value to {@code newValue} if it equals {@code expectedValue}.
   *
   * @param expectedValue the expected current value
   * @param newValue the new value
   * @return whether the value was updated
   */
  public boolean compareAndSet(long expectedValue, long newValue) {
    return VALUE.compareAndSet(this, expectedValue, newValue);
  }

  /**
   * Like {@link #compareAndSet(long, long)} but may fail spuriously; for retry loops.
   *
   * @param expectedValue the expected current value
   * @param newValue the new value
   * @return whether the value was updated
   */
  public boolean weakCompareAndSet(long expectedValue, long newValue) {
    return VALUE.weakCompareAndSet(this, expectedValue, newValue);
  }

  /** Returns the decimal form of the current (volatile) value. */
  @Override
  public String toString() {
    return Long.toString(get());
  }
}
