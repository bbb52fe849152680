package io.perfkit.cache.internal;

import io.perfkit.core.internal.Checks;

/**
 * A miniature cache of 32-bit key hashes (no values) that only answers "would this request have hit?":
 * either an LRU, or a segmented LRU (20 % probation, 80 % protected) whose admission is TinyLFU on a
 * frequency sketch. {@link AdmissionDuel} runs one of each on a sampled share of a tier's requests to
 * find out which policy suits the current workload.
 *
 * <p><b>Threading:</b> not thread-safe; the owner calls it under its own lock. <b>Allocation:</b> every
 * per-entry field (the hash, the list links, the segment, the index cells) is in direct memory,
 * allocated at construction; nothing afterwards.
 */
final class MiniatureCache {
  /*
   * Slots 0..capacity-1 hold one hash each. Two circular doubly linked lists run through prev/next with
   * sentinels at capacity (probation) and capacity + 1 (protected); an LRU is the same structure with a
   * protected capacity of 0 (a hit moves the entry to probation's tail). The index is open addressing
   * with linear probing over slot + 1 (0 = empty) and backward-shift deletion, so no tombstones.
   */
  private static final int PROBATION = 0;
  private static final int PROTECTED = 1;
  /** Index of the first slot's hash in {@link #ints}. */
  private static final int HASH = 0;

  private final int capacity;
  private final int protectedCapacity;
  /** The admission filter's sketch, or null for an LRU that admits every candidate. */
  private final FrequencySketch sketch;
  /**
   * Every array of the miniature in the ints of {@code memory} from {@code base} (no heap object per
   * array): per slot the hash at {@link #HASH} + slot, the links at {@link #prev()} and {@link
   * #next()} + slot (sentinels included), the segment at {@link #segments()} + slot; the index cells
   * from {@link #table()}.
   */
  private final DirectMemory memory;
  private final long base;
  private final int tableMask;
  private int size;
  private int protectedSize;

  /**
   * Creates an empty miniature.
   *
   * @param capacity the number of hashes it holds
   * @param sketch the frequency sketch for TinyLFU admission into a segmented LRU, or {@code null} for a
   *     plain LRU
   * @throws IllegalArgumentException if {@code capacity <= 0}
   */
  MiniatureCache(int capacity, FrequencySketch sketch) {
    this(capacity, sketch, new DirectMemory(ints(Checks.checkPositive(capacity, "capacity"))), 0);
  }

  /**
   * As {@link #MiniatureCache(int, FrequencySketch)}, its arrays in the {@link #ints(int)} ints of
   * {@code memory} from the even index {@code base}.
   */
  MiniatureCache(int capacity, FrequencySketch sketch, DirectMemory memory, long base) {
    Checks.checkPositive(capacity, "capacity");
    this.capacity = capacity;
    this.sketch = sketch;
    this.protectedCapacity = sketch == null ? 0 : (int) (capacity * 0.8);
    int tableLength = tableLength(capacity);
    this.memory = memory;
    this.base = base;
    this.tableMask = tableLength - 1;
    for (int sentinel = capacity; sentinel < capacity + 2; sentinel++) {
      setInt(prev() + sentinel, sentinel);
      setInt(next() + sentinel, sentinel);
    }
  }

  /** The direct ints a miniature of {@code capacity} hashes takes (its arrays, each at an even index). */
  static long ints(int capacity) {
    DirectMemory.Layout layout = new DirectMemory.Layout();
    layout.ints(capacity);
    layout.ints(capacity + 2);
    layout.ints(capacity + 2);
    layout.ints(capacity);
    layout.ints(tableLength(capacity));
    return layout.size();
  }

  /*
   * Region starts, as ints(capacity) lays them out (each region at an even index): computed from the
   * capacity rather than kept in fields, which would cost each miniature 16 bytes of heap.
   */
  private static int even(int count) {
    return (count + 1) & ~1;
  }

  private int prev() {
    return even(capacity);
  }

  private int next() {
    return prev() + even(capacity + 2);
  }

  private int segments() {
    return next() + even(capacity + 2);
  }

  private int table() {
    return segments() + even(capacity);
  }

  private static int tableLength(int capacity) {
    return Integer.highestOneBit(Math.max(2, 2 * capacity - 1)) << 1;
  }

  /**
   * Replays one request: returns whether {@code hash} was held; on a miss offers it (admitted when there
   * is room, or for the LRU always, or when the sketch rates it above the eviction candidate).
   */
  boolean access(int hash) {
    int slot = find(hash);
    if (slot >= 0) {
      onHit(slot);
      return true;
    }
    if (size < capacity) {
      slot = size++;
    } else {
      int sentinel = getInt(next() + capacity) != capacity ? capacity : capacity + 1;
      slot = getInt(next() + sentinel);
      if (sketch != null && sketch.frequency(hash) <= sketch.frequency(getInt(HASH + slot))) {
        return false;
      }
      removeFromIndex(slot);
      unlink(slot);
    }
    setInt(HASH + slot, hash);
    insertIntoIndex(slot);
    linkLast(PROBATION, slot);
    return false;
  }

  /** Returns the number of hashes held. */
  int size() {
    return size;
  }

  private void onHit(int slot) {
    unlink(slot);
    if (protectedCapacity == 0) {
      linkLast(PROBATION, slot);
      return;
    }
    linkLast(PROTECTED, slot);
    if (protectedSize > protectedCapacity) {
      int demoted = getInt(next() + (capacity + 1));
      unlink(demoted);
      linkLast(PROBATION, demoted);
    }
  }

  private void linkLast(int segment, int slot) {
    int sentinel = capacity + segment;
    int last = getInt(prev() + sentinel);
    setInt(prev() + slot, last);
    setInt(next() + slot, sentinel);
    setInt(next() + last, slot);
    setInt(prev() + sentinel, slot);
    setInt(segments() + slot, segment);
    if (segment == PROTECTED) {
      protectedSize++;
    }
  }

  private void unlink(int slot) {
    setInt(next() + getInt(prev() + slot), getInt(next() + slot));
    setInt(prev() + getInt(next() + slot), getInt(prev() + slot));
    if (getInt(segments() + slot) == PROTECTED) {
      protectedSize--;
    }
  }

  // --------------- index ---------------

  private int home(int hash) {
    int spread = hash * 0x9E37_79B9;
    return (spread ^ (spread >>> 16)) & tableMask;
  }

  private int find(int hash) {
    for (int i = home(hash); ; i = (i + 1) & tableMask) {
      int cell = getInt(table() + i);
      if (cell == 0) {
        return -1;
      }
      if (getInt(HASH + (cell - 1)) == hash) {
        return cell - 1;
      }
    }
  }

  private void insertIntoIndex(int slot) {
    int i = home(getInt(HASH + slot));
    while (getInt(table() + i) != 0) {
      i = (i + 1) & tableMask;
    }
    setInt(table() + i, slot + 1);
  }

  private void removeFromIndex(int slot) {
    int i = home(getInt(HASH + slot));
    while (getInt(table() + i) != slot + 1) {
      i = (i + 1) & tableMask;
    }
    // Backward-shift deletion: move up every later cell of the run whose home is not in (i, j].
    for (int j = (i + 1) & tableMask; ; j = (j + 1) & tableMask) {
      int cell = getInt(table() + j);
      if (cell == 0) {
        break;
      }
      int h = home(getInt(HASH + (cell - 1)));
      boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (!stays) {
        setInt(table() + i, cell);
        i = j;
      }
    }
    setInt(table() + i, 0);
  }

  private int getInt(int index) {
    return memory.getInt(base + index);
  }

  private void setInt(int index, int value) {
    memory.setInt(base + index, value);
  }
}
