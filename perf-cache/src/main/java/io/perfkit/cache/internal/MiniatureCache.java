package io.perfkit.cache.internal;

import io.perfkit.core.internal.Checks;

/**
 * A miniature cache of 32-bit key hashes (no values) that only answers "would this request have hit?":
 * either an LRU, or a segmented LRU (20 % probation, 80 % protected) whose admission is TinyLFU on a
 * frequency sketch. {@link AdmissionDuel} runs one of each on a sampled share of a tier's requests to
 * find out which policy suits the current workload.
 *
 * <p>A miniature has no heap object: it is a region of {@link #ints(int)} ints in its owner's {@link
 * DirectMemory} (its size and protected size included), which these static methods read and write, so
 * the two a duel runs cost the heap nothing (they were 48-byte objects each). The owner keeps the
 * region's base and the miniature's capacity, and passes its sketch for TinyLFU admission ({@code null}
 * for an LRU).
 *
 * <p><b>Threading:</b> not thread-safe; the owner calls it under its own lock. <b>Allocation:</b> none:
 * every field (the sizes, and per entry the hash, the list links, the segment, the index cells) is in
 * the owner's direct memory.
 */
final class MiniatureCache {
  /*
   * Slots 0..capacity-1 hold one hash each. Two circular doubly linked lists run through prev/next with
   * sentinels at capacity (probation) and capacity + 1 (protected); an LRU is the same structure with a
   * protected capacity of 0 (a hit moves the entry to probation's tail). The index is open addressing
   * with linear probing over slot + 1 (0 = empty) and backward-shift deletion, so no tombstones.
   *
   * Region (int indices from base, each array at an even index): SIZE, PROTECTED_SIZE, then per slot
   * the hash from HASH, the links from prev() and next() (sentinels included), the segment from
   * segments(); the index cells from table().
   */
  private static final int PROBATION = 0;
  private static final int PROTECTED = 1;
  /** Index of the number of hashes held. */
  private static final int SIZE = 0;
  /** Index of the number of hashes in the protected segment. */
  private static final int PROTECTED_SIZE = 1;
  /** Index of the first slot's hash. */
  private static final int HASH = 2;

  private MiniatureCache() {}

  /** The direct ints a miniature of {@code capacity} hashes takes (its arrays, each at an even index). */
  static long ints(int capacity) {
    return table(capacity) + (long) tableLength(capacity);
  }

  /**
   * Makes the zeroed region of {@link #ints(int)} ints of {@code memory} from the even index {@code
   * base} an empty miniature of {@code capacity} hashes.
   *
   * @throws IllegalArgumentException if {@code capacity <= 0}
   */
  static void init(DirectMemory memory, long base, int capacity) {
    Checks.checkPositive(capacity, "capacity");
    for (int sentinel = capacity; sentinel < capacity + 2; sentinel++) {
      memory.setInt(base + prev(capacity) + sentinel, sentinel);
      memory.setInt(base + next(capacity) + sentinel, sentinel);
    }
  }

  /** Rounds an array length up to even, so that every array starts at an even index. */
  private static int even(int count) {
    return (count + 1) & ~1;
  }

  private static int prev(int capacity) {
    return HASH + even(capacity);
  }

  private static int next(int capacity) {
    return prev(capacity) + even(capacity + 2);
  }

  private static int segments(int capacity) {
    return next(capacity) + even(capacity + 2);
  }

  private static int table(int capacity) {
    return segments(capacity) + even(capacity);
  }

  private static int tableLength(int capacity) {
    return Integer.highestOneBit(Math.max(2, 2 * capacity - 1)) << 1;
  }

  /**
   * Replays one request on the miniature of {@code capacity} hashes at {@code base}: returns whether
   * {@code hash} was held; on a miss offers it (admitted when there is room, or for the LRU always, or
   * when the sketch rates it above the eviction candidate).
   *
   * @param sketch the sketch for TinyLFU admission into a segmented LRU, or {@code null} for an LRU
   */
  static boolean access(DirectMemory memory, long base, int capacity, FrequencySketch sketch,
      int hash) {
    int slot = find(memory, base, capacity, hash);
    if (slot >= 0) {
      onHit(memory, base, capacity, sketch == null ? 0 : (int) (capacity * 0.8), slot);
      return true;
    }
    int size = memory.getInt(base + SIZE);
    if (size < capacity) {
      slot = size;
      memory.setInt(base + SIZE, size + 1);
    } else {
      int next = next(capacity);
      int sentinel = memory.getInt(base + next + capacity) != capacity ? capacity : capacity + 1;
      slot = memory.getInt(base + next + sentinel);
      if (sketch != null && sketch.frequency(hash)
          <= sketch.frequency(memory.getInt(base + HASH + slot))) {
        return false;
      }
      removeFromIndex(memory, base, capacity, slot);
      unlink(memory, base, capacity, slot);
    }
    memory.setInt(base + HASH + slot, hash);
    insertIntoIndex(memory, base, capacity, slot);
    linkLast(memory, base, capacity, PROBATION, slot);
    return false;
  }

  /** Returns the number of hashes the miniature at {@code base} holds. */
  static int size(DirectMemory memory, long base) {
    return memory.getInt(base + SIZE);
  }

  private static void onHit(DirectMemory memory, long base, int capacity, int protectedCapacity,
      int slot) {
    unlink(memory, base, capacity, slot);
    if (protectedCapacity == 0) {
      linkLast(memory, base, capacity, PROBATION, slot);
      return;
    }
    linkLast(memory, base, capacity, PROTECTED, slot);
    if (memory.getInt(base + PROTECTED_SIZE) > protectedCapacity) {
      int demoted = memory.getInt(base + next(capacity) + (capacity + 1));
      unlink(memory, base, capacity, demoted);
      linkLast(memory, base, capacity, PROBATION, demoted);
    }
  }

  private static void linkLast(DirectMemory memory, long base, int capacity, int segment, int slot) {
    long prev = base + prev(capacity);
    long next = base + next(capacity);
    int sentinel = capacity + segment;
    int last = memory.getInt(prev + sentinel);
    memory.setInt(prev + slot, last);
    memory.setInt(next + slot, sentinel);
    memory.setInt(next + last, slot);
    memory.setInt(prev + sentinel, slot);
    memory.setInt(base + segments(capacity) + slot, segment);
    if (segment == PROTECTED) {
      memory.setInt(base + PROTECTED_SIZE, memory.getInt(base + PROTECTED_SIZE) + 1);
    }
  }

  private static void unlink(DirectMemory memory, long base, int capacity, int slot) {
    long prev = base + prev(capacity);
    long next = base + next(capacity);
    int before = memory.getInt(prev + slot);
    int after = memory.getInt(next + slot);
    memory.setInt(next + before, after);
    memory.setInt(prev + after, before);
    if (memory.getInt(base + segments(capacity) + slot) == PROTECTED) {
      memory.setInt(base + PROTECTED_SIZE, memory.getInt(base + PROTECTED_SIZE) - 1);
    }
  }

  // --------------- index ---------------

  private static int home(int hash, int tableMask) {
    int spread = hash * 0x9E37_79B9;
    return (spread ^ (spread >>> 16)) & tableMask;
  }

  private static int find(DirectMemory memory, long base, int capacity, int hash) {
    int tableMask = tableLength(capacity) - 1;
    long table = base + table(capacity);
    for (int i = home(hash, tableMask); ; i = (i + 1) & tableMask) {
      int cell = memory.getInt(table + i);
      if (cell == 0) {
        return -1;
      }
      if (memory.getInt(base + HASH + (cell - 1)) == hash) {
        return cell - 1;
      }
    }
  }

  private static void insertIntoIndex(DirectMemory memory, long base, int capacity, int slot) {
    int tableMask = tableLength(capacity) - 1;
    long table = base + table(capacity);
    int i = home(memory.getInt(base + HASH + slot), tableMask);
    while (memory.getInt(table + i) != 0) {
      i = (i + 1) & tableMask;
    }
    memory.setInt(table + i, slot + 1);
  }

  private static void removeFromIndex(DirectMemory memory, long base, int capacity, int slot) {
    int tableMask = tableLength(capacity) - 1;
    long table = base + table(capacity);
    int i = home(memory.getInt(base + HASH + slot), tableMask);
    while (memory.getInt(table + i) != slot + 1) {
      i = (i + 1) & tableMask;
    }
    // Backward-shift deletion: move up every later cell of the run whose home is not in (i, j].
    for (int j = (i + 1) & tableMask; ; j = (j + 1) & tableMask) {
      int cell = memory.getInt(table + j);
      if (cell == 0) {
        break;
      }
      int h = home(memory.getInt(base + HASH + (cell - 1)), tableMask);
      boolean stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (!stays) {
        memory.setInt(table + i, cell);
        i = j;
      }
    }
    memory.setInt(table + i, 0);
  }
}
