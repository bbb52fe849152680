package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

final class MiniatureCacheTest {

  /** One miniature in a region of its own memory, from a nonzero base (as a duel's second one is). */
  private static final class Miniature {
    private static final long BASE = 6;
    private final DirectMemory memory;
    private final int capacity;
    private final FrequencySketch sketch;

    Miniature(int capacity, FrequencySketch sketch) {
      this.memory = new DirectMemory(BASE + MiniatureCache.ints(capacity));
      this.capacity = capacity;
      this.sketch = sketch;
      MiniatureCache.init(memory, BASE, capacity);
    }

    boolean access(int hash) {
      boolean hit = MiniatureCache.access(memory, BASE, capacity, sketch, hash);
      for (long i = 0; i < BASE; i++) {
        assertEquals(0, memory.getInt(i), "ints before the region are untouched");
      }
      return hit;
    }

    int size() {
      return MiniatureCache.size(memory, BASE);
    }
  }

  @Test
  void constructor_rejectsNonPositiveCapacity() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class,
            () -> MiniatureCache.init(new DirectMemory(64), 0, 0));
    assertEquals("capacity: 0 (expected: > 0)", e.getMessage());
  }

  @Test
  void lru_evictsTheLeastRecentlyUsed() {
    Miniature lru = new Miniature(2, null);
    assertFalse(lru.access(1));
    assertFalse(lru.access(2));
    assertTrue(lru.access(1)); // 2 is now the least recently used
    assertFalse(lru.access(3)); // evicts 2
    assertTrue(lru.access(1));
    assertFalse(lru.access(2));
    assertEquals(2, lru.size());
  }

  @Test
  void tinyLfu_rejectsACandidateNoMorePopularThanTheVictim() {
    FrequencySketch sketch = new FrequencySketch(64);
    Miniature tinyLfu = new Miniature(2, sketch);
    for (int hash : new int[] {1, 1, 2, 2}) {
      sketch.increment(hash);
    }
    tinyLfu.access(1);
    tinyLfu.access(2);
    sketch.increment(3);
    assertFalse(tinyLfu.access(3)); // 3 (seen once) loses to the victim 1 (seen twice)
    assertFalse(tinyLfu.access(3));
    assertTrue(tinyLfu.access(1));
    assertTrue(tinyLfu.access(2));
  }

  /** Small hash ranges force collisions in the index, so backward-shift deletion is exercised. */
  @Provide
  Arbitrary<List<Integer>> requests() {
    return Arbitraries.integers().between(-20, 40).list().ofMaxSize(600);
  }

  @Property(tries = 200)
  void lru_agreesWithALinkedHashMapModel(
      @ForAll("requests") List<Integer> requests, @ForAll @IntRange(min = 1, max = 12) int capacity) {
    Miniature lru = new Miniature(capacity, null);
    LinkedHashMap<Integer, Boolean> model = new LinkedHashMap<>(16, 0.75f, true);
    for (int hash : requests) {
      boolean expected = model.get(hash) != null;
      if (!expected) {
        model.put(hash, Boolean.TRUE);
        if (model.size() > capacity) {
          Iterator<Integer> eldest = model.keySet().iterator();
          eldest.next();
          eldest.remove();
        }
      }
      assertEquals(expected, lru.access(hash), () -> "request " + hash);
      assertEquals(model.size(), lru.size());
    }
  }

  @Property(tries = 200)
  void tinyLfu_agreesWithASegmentedLruModel(
      @ForAll("requests") List<Integer> requests, @ForAll @IntRange(min = 1, max = 12) int capacity) {
    FrequencySketch sketch = new FrequencySketch(16);
    Miniature tinyLfu = new Miniature(capacity, sketch);
    SegmentedLruModel model = new SegmentedLruModel(capacity, sketch);
    for (int hash : requests) {
      sketch.increment(hash);
      assertEquals(model.access(hash), tinyLfu.access(hash), () -> "request " + hash);
      assertEquals(model.size(), tinyLfu.size());
    }
  }

  /** The segmented LRU of the hit-ratio study's models, over ints. */
  private static final class SegmentedLruModel {
    final LinkedHashSet<Integer> probation = new LinkedHashSet<>();
    final LinkedHashSet<Integer> protectedSegment = new LinkedHashSet<>();
    final int capacity;
    final int protectedCapacity;
    final FrequencySketch sketch;

    SegmentedLruModel(int capacity, FrequencySketch sketch) {
      this.capacity = capacity;
      this.protectedCapacity = (int) (capacity * 0.8);
      this.sketch = sketch;
    }

    int size() {
      return probation.size() + protectedSegment.size();
    }

    boolean access(int hash) {
      if (protectedSegment.remove(hash) || probation.remove(hash)) {
        if (protectedCapacity == 0) {
          probation.add(hash);
          return true;
        }
        protectedSegment.add(hash);
        if (protectedSegment.size() > protectedCapacity) {
          Integer demoted = protectedSegment.iterator().next();
          protectedSegment.remove(demoted);
          probation.add(demoted);
        }
        return true;
      }
      if (size() >= capacity) {
        LinkedHashSet<Integer> from = probation.isEmpty() ? protectedSegment : probation;
        Integer victim = from.iterator().next();
        if (sketch.frequency(hash) <= sketch.frequency(victim)) {
          return false;
        }
        from.remove(victim);
      }
      probation.add(hash);
      return false;
    }
  }
}
