package io.perfkit.cache.internal;

/**
 * A fixed-length {@code long} array in direct (off-heap) memory: the frequency sketch's table, so that
 * the sketch sized for every tier's entries does not count against the Java heap. A view of a region
 * of a {@link DirectMemory} shared with the tier's other arrays (or of its own, standalone).
 * Zero-filled at construction.
 *
 * <p>Not thread-safe: the owner serialises access (the off-heap tier's lock publishes the plain
 * writes).
 */
final class DirectLongArray {
  private final DirectMemory memory;
  /** Int index of the first long (even). */
  private final long base;
  private final int length;

  /** Creates a zero-filled array of {@code length} longs in memory of its own; {@code length >= 0}. */
  DirectLongArray(int length) {
    this(new DirectMemory(2L * length), 0, length);
  }

  /** A view of {@code length} longs of {@code memory} from the even int index {@code base}. */
  DirectLongArray(DirectMemory memory, long base, int length) {
    if ((base & 1) != 0) {
      throw new IllegalArgumentException("base: " + base + " (expected: even)");
    }
    this.memory = memory;
    this.base = base;
    this.length = length;
  }

  /** Returns the number of longs. */
  int length() {
    return length;
  }

  /** Returns the long at {@code index}. */
  long get(int index) {
    return memory.getLong(base + 2L * index);
  }

  /** Sets the long at {@code index}. */
  void set(int index, long value) {
    memory.setLong(base + 2L * index, value);
  }
}
