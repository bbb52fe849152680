package io.perfkit.cache.internal;

/**
 * A primitive hash index from key to slot number for the slot-based tiers (off-heap L2,
 * persistent L3): no per-entry objects, and the table (one {@code int} cell per entry, at most twice the
 * capacity, rounded up to a power of two) lives in direct memory, so the index costs the Java heap a
 * few fixed objects whatever the capacity.
 *
 * <p>The static methods work on a table that is a region of the owner's {@link DirectMemory} (L2 keeps
 * no index object: it passes the region's base, its capacity and its slots); an instance is an index
 * with a table of its own, for owners to whom one object does not matter (L3).
 *
 * <p>Not thread-safe: the owning tier calls it under its own lock.
 */
final class SlotIndex {
  /*
   * Linear probing over an off-heap int table holding slot + 1 (0 = empty); deletion by backward shift
   * (Knuth, TAOCP vol. 3, 6.4, algorithm R), so there are no tombstones and probe runs never grow
   * from deletions. The owning tier keeps each slot's 32-bit hash, which lets a probe skip most key
   * comparisons and lets deletion recompute home positions without touching the keys.
   */

  /** What the index needs to know about the owner's slots. */
  interface Slots {
    /** The 32-bit hash stored with an occupied slot. */
    int hash(int slot);

    /** Whether an occupied slot holds {@code key}. */
    boolean keyEquals(int slot, byte[] key);
  }

  private final Slots slots;
  /** The table: {@link #tableLength} ints of {@code memory} from 0. */
  private final DirectMemory memory;
  private final int capacity;

  /** An index for up to {@code capacity} slots, with a load factor of at most one half. */
  SlotIndex(int capacity, Slots slots) {
    this.slots = slots;
    this.memory = new DirectMemory(tableLength(capacity));
    this.capacity = capacity;
  }

  /** The number of table cells (ints) for {@code capacity} slots: a power of two. */
  static int tableLength(int capacity) {
    return Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
  }

  /** Returns the slot holding {@code key}, or -1. */
  int find(int hash, byte[] key) {
    return find(memory, 0, capacity, slots, hash, key);
  }

  /** Records that {@code slot} (not indexed yet) holds a key of {@code hash}. */
  void insert(int hash, int slot) {
    insert(memory, 0, capacity, hash, slot);
  }

  /** Removes the indexed {@code slot} (its hash still readable from the slots). */
  void remove(int slot) {
    remove(memory, 0, capacity, slots, slot);
  }

  /** Removes every entry. */
  void clear() {
    clear(memory, 0, capacity);
  }

  private static int home(int hash, int mask) {
    return (hash * 0x9E37_79B9) >>> 7 & mask;
  }

  /**
   * As {@link #find(int, byte[])}, on the table of an index for {@code capacity} slots that is the
   * {@link #tableLength} ints of {@code memory} from {@code base}.
   */
  static int find(DirectMemory memory, long base, int capacity, Slots slots, int hash, byte[] key) {
    int mask = tableLength(capacity) - 1;
    for (int i = home(hash, mask); ; i = (i + 1) & mask) {
      int entry = memory.getInt(base + i);
      if (entry == 0) {
        return -1;
      }
      int slot = entry - 1;
      if (slots.hash(slot) == hash && slots.keyEquals(slot, key)) {
        return slot;
      }
    }
  }

  /** As {@link #insert(int, int)}, on a table in {@code memory} from {@code base}. */
  static void insert(DirectMemory memory, long base, int capacity, int hash, int slot) {
    int mask = tableLength(capacity) - 1;
    int i = home(hash, mask);
    while (memory.getInt(base + i) != 0) {
      i = (i + 1) & mask;
    }
    memory.setInt(base + i, slot + 1);
  }

  /** As {@link #remove(int)}, on a table in {@code memory} from {@code base}. */
  static void remove(DirectMemory memory, long base, int capacity, Slots slots, int slot) {
    int mask = tableLength(capacity) - 1;
    int i = home(slots.hash(slot), mask);
    while (memory.getInt(base + i) != slot + 1) {
      i = (i + 1) & mask;
    }
    // Move later members of the probe run into the hole unless their home position lies
    // cyclically in (hole, j]: then they are still reachable from home without crossing the hole.
    int hole = i;
    for (int j = (hole + 1) & mask; memory.getInt(base + j) != 0; j = (j + 1) & mask) {
      int cell = memory.getInt(base + j);
      int h = home(slots.hash(cell - 1), mask);
      boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        memory.setInt(base + hole, cell);
        hole = j;
      }
    }
    memory.setInt(base + hole, 0);
  }

  /** As {@link #clear()}, on a table in {@code memory} from {@code base}. */
  static void clear(DirectMemory memory, long base, int capacity) {
    memory.fill(base, tableLength(capacity), 0);
  }
}
