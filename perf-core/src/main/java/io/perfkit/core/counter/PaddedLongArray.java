package io.perfkit.core.counter;

import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A fixed number of independent {@code long} slots, each 128 bytes from its neighbours and from the
 * array's ends: per-shard counters or per-consumer sequences that different threads write without
 * false sharing, in one allocation.
 *
 * <p><b>Threading:</b> every method may be called from any thread.
 *
 * <p><b>Ordering:</b> as {@link PaddedAtomicLong}, per slot: methods are named after the
 * {@link VarHandle} access mode they use. There is no ordering between slots beyond what those modes
 * give (e.g. {@link #sum()} is not an atomic snapshot).
 *
 * <p><b>Progress:</b> wait-free. <b>Allocation:</b> none after construction; {@code 136 * length + 128}
 * bytes plus the array header.
 */
public final class PaddedLongArray {
  /*
   * Slot i lives at array index PAD + i * STRIDE, PAD = 16 longs = 128 bytes, STRIDE = PAD + 1: there
   * are 128 bytes (16 unused longs) between neighbouring slots, between slot 0 and the array header
   * (plus the header itself) and between the last slot and the end of the array. 128 rather than 64
   * bytes because Intel's adjacent-line prefetcher pulls cache lines in 128-byte pairs.
   * PaddedLongArrayLayoutTest checks the offsets with JOL.
   */
  static final int PAD = 16;
  static final int STRIDE = PAD + 1;
  private static final int MAX_LENGTH = (Integer.MAX_VALUE - 2 * PAD) / STRIDE;
  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(long[].class);

  private final long[] slots;
  private final int length;

  /**
   * Creates {@code length} slots, all 0.
   *
   * @param length the number of slots, in {@code [1, (2^31 - 33) / 17]}
   * @throws IllegalArgumentException if {@code length} is out of range
   */
  public PaddedLongArray(int length) {
    Checks.checkInRange(length, 1, MAX_LENGTH, "length");
    this.length = length;
    this.slots = new long[PAD + length * STRIDE];
  }

  /** Returns the number of slots. */
  public int length() {
    return length;
  }

  private int offset(int index) {
    if (index < 0 || index >= length) {
      throw new IndexOutOfBoundsException("index: " + index + " (expected: in [0, " + length + "))");
    }
    return PAD + index * STRIDE;
  }

  /**
   * Returns slot {@code index} with volatile semantics.
   *
   * @param index the slot, in {@code [0, length)}
   * @return its value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long get(int index) {
    return (long) SLOTS.getVolatile(slots, offset(index));
  }

  /**
   * Returns slot {@code index} with acquire semantics; pairs with {@link #setRelease(int, long)}.
   *
   * @param index the slot, in {@code [0, length)}
   * @return its value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long getAcquire(int index) {
    return (long) SLOTS.getAcquire(slots, offset(index));
  }

  /**
   * Returns slot {@code index} with opaque semantics.
   *
   * @param index the slot, in {@code [0, length)}
   * @return its value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long getOpaque(int index) {
    return (long) SLOTS.getOpaque(slots, offset(index));
  }

  /**
   * Returns slot {@code index} with plain semantics: only meaningful from the slot's single writer
   * (reading back its own value) or after some other synchronisation.
   *
   * @param index the slot, in {@code [0, length)}
   * @return its value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long getPlain(int index) {
    return (long) SLOTS.get(slots, offset(index));
  }

  /**
   * Sets slot {@code index} with volatile semantics.
   *
   * @param index the slot, in {@code [0, length)}
   * @param newValue the new value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public void set(int index, long newValue) {
    SLOTS.setVolatile(slots, offset(index), newValue);
  }

  /**
   * Sets slot {@code index} with release semantics: writes before it are visible to a thread whose
   * {@link #getAcquire(int)} of that slot returns {@code newValue}.
   *
   * @param index the slot, in {@code [0, length)}
   * @param newValue the new value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public void setRelease(int index, long newValue) {
    SLOTS.setRelease(slots, offset(index), newValue);
  }

  /**
   * Sets slot {@code index} with opaque semantics.
   *
   * @param index the slot, in {@code [0, length)}
   * @param newValue the new value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public void setOpaque(int index, long newValue) {
    SLOTS.setOpaque(slots, offset(index), newValue);
  }

  /**
   * Atomically adds {@code delta} to slot {@code index} and returns its previous value.
   *
   * @param index the slot, in {@code [0, length)}
   * @param delta the amount to add
   * @return the previous value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long getAndAdd(int index, long delta) {
    return (long) SLOTS.getAndAdd(slots, offset(index), delta);
  }

  /**
   * Atomically adds {@code delta} to slot {@code index} and returns its new value.
   *
   * @param index the slot, in {@code [0, length)}
   * @param delta the amount to add
   * @return the new value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long addAndGet(int index, long delta) {
    return (long) SLOTS.getAndAdd(slots, offset(index), delta) + delta;
  }

  /**
   * Atomically increments slot {@code index} and returns its new value.
   *
   * @param index the slot, in {@code [0, length)}
   * @return the new value
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public long incrementAndGet(int index) {
    return (long) SLOTS.getAndAdd(slots, offset(index), 1L) + 1L;
  }

  /**
   * Atomically sets slot {@code index} to {@code newValue} if it equals {@code expectedValue}.
   *
   * @param index the slot, in {@code [0, length)}
   * @param expectedValue the expected current value
   * @param newValue the new value
   * @return whether the slot was updated
   * @throws IndexOutOfBoundsException if {@code index} is out of range
   */
  public boolean compareAndSet(int index, long expectedValue, long newValue) {
    return SLOTS.compareAndSet(slots, offset(index), expectedValue, newValue);
  }

  /**
   * Returns the sum of all slots, each read with volatile semantics: exact when no slot changes
   * during the call, otherwise some value the slots held at some point during it (per slot).
   */
  public long sum() {
    long sum = 0;
    for (int i = 0; i < length; i++) {
      sum += (long) SLOTS.getVolatile(slots, PAD + i * STRIDE);
    }
    return sum;
  }

  /** Returns the slots' current values, e.g. {@code [3, 0, 7]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < length; i++) {
      sb.append(i == 0 ? "" : ", ").append(get(i));
    }
    return sb.append(']').toString();
  }
}
