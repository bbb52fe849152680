package io.perfkit.cache.internal;

/**
 * A primitive hash index from key to slot number for the slot-based tiers (off-heap L2,
 * persistent L3): no per-entry objects, and the table (one {@code int} cell per entry, at most twice the
 * capacity, rounded up to a power of two) lives in direct memory, so the index costs the Java heap a
 * few fixed objects whatever the capacity.
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
  /** The table: {@code mask + 1} ints of {@code memory} from {@code tableBase}. */
  private final DirectMemory memory;
  private final long tableBase;
  private final int mask;

  /** An index for up to {@code capacity} slots, with a load factor of at most one half. */
  SlotIndex(int capacity, Slots slots) {
    this(capacity, slots, new DirectMemory(tableLength(capacity)), 0);
  }

  /**
   * As {@link #SlotIndex(int, Slots)}, its table the {@link #tableLength} ints of {@code memory} from
   * {@code base}.
   */
  SlotIndex(int capacity, Slots slots, DirectMemory memory, long base) {
    this.slots = slots;
    int length = tableLength(capacity);
    this.memory = memory;
    this.tableBase = base;
    this.mask = length - 1;
  }

  /** The number of table cells for {@code capacity} slots. */
  static int tableLength(int capacity) {
    return Integer.highestOneBit(Math.max(4, capacity) * 2 - 1) << 1;
  }

  private int home(int hash) {
    return (hash * 0x9E37_79B9) >>> 7 & mask;
  }

  /** The slot holding {@code key} (whose hash is {@code hash}), or -1. */
  int find(int hash, byte[] key) {
    for (int i = home(hash); ; i = (i + 1) & mask) {
      int entry = getTable(i);
      if (entry == 0) {
        return -1;
      }
      int slot = entry - 1;
      if (slots.hash(slot) == hash && slots.keyEquals(slot, key)) {
        return slot;
      }
    }
  }

  /** Indexes {@code slot} under {@code hash}; the caller has checked the key is not indexed yet. */
  void insert(int hash, int slot) {
    int i = home(hash);
    while (getTable(i) != 0) {
      i = (i + 1) & mask;
    }
    setTable(i, slot + 1);
  }

  /** Removes an indexed {@code slot}; its hash must still be readable through {@link Slots}. */
  void remove(int slot) {
    int i = home(slots.hash(slot));
    while (getTable(i) != slot + 1) {
      i = (i + 1) & mask;
    }
    // Move later members of the probe run into the hole unless their home position lies
    // cyclically in (hole, j]: then they are still reachable from home without crossing the hole.
    int hole = i;
    for (int j = (hole + 1) & mask; getTable(j) != 0; j = (j + 1) & mask) {
      int h = home(slots.hash(getTable(j) - 1));
      boolean stays = hole <= j ? (hole < h && h <= j) : (hole < h || h <= j);
      if (!stays) {
        setTable(hole, getTable(j));
        hole = j;
      }
    }
    setTable(hole, 0);
  }

  /** Forgets every slot. */
  void clear() {
    memory.fill(tableBase, mask + 1L, 0);
  }

  private int getTable(int index) {
    return memory.getInt(tableBase + index);
  }

  private void setTable(int index, int value) {
    memory.setInt(tableBase + index, value);
  }
}
