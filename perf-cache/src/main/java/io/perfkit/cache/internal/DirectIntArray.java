package io.perfkit.cache.internal;

/**
 * A fixed-length {@code int} array in direct (off-heap) memory, so that per-entry metadata of the slot
 * tiers (index cells, list links) does not count against the Java heap: a view of a region of a
 * {@link DirectMemory} that several arrays share (or of its own, for a standalone array). Zero-filled
 * at construction.
 *
 * <p>Not thread-safe: the owning tier calls the plain accessors under its own lock, whose
 * happens-before edges publish the plain writes; {@link #getVolatile} and {@link #setVolatile} are for
 * counters read without that lock (the residency filter). A view does not check its bounds within the
 * shared memory: its owner indexes it within {@link #length()}.
 */
final class DirectIntArray {
  private final DirectMemory memory;
  private final long base;
  private final int length;

  /** Creates a zero-filled array of {@code length} ints in memory of its own; {@code length >= 0}. */
  DirectIntArray(int length) {
    this(new DirectMemory(length), 0, length);
  }

  /** A view of the {@code length} ints of {@code memory} from index {@code base}. */
  DirectIntArray(DirectMemory memory, long base, int length) {
    this.memory = memory;
    this.base = base;
    this.length = length;
  }

  /** Returns the number of ints. */
  int length() {
    return length;
  }

  /** Returns the int at {@code index}. */
  int get(int index) {
    return memory.getInt(base + index);
  }

  /** Sets the int at {@code index}. */
  void set(int index, int value) {
    memory.setInt(base + index, value);
  }

  /** Returns the int at {@code index} with volatile semantics. */
  int getVolatile(int index) {
    return memory.getIntVolatile(base + index);
  }

  /** Sets the int at {@code index} with volatile semantics. */
  void setVolatile(int index, int value) {
    memory.setIntVolatile(base + index, value);
  }

  /** Sets every int to {@code value}. */
  void fill(int value) {
    memory.fill(base, length, value);
  }
}
