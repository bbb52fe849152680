package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

final class InvalidationTest {
  private static TieredCache<String, String> cache() {
    return TieredCache.newBuilder().maximumSize(1_000).executor(Runnable::run).build();
  }

  private static void fill(TieredCache<String, String> cache, String... keys) {
    for (String key : keys) {
      cache.put(key, key.toLowerCase());
    }
  }

  @Test
  void invalidate_cascadesToDependentsTransitively() {
    try (TieredCache<String, String> cache = cache()) {
      fill(cache, "A", "B", "C", "D");
      cache.dependsOn("B", "A");
      cache.dependsOn("C", "B");
      cache.invalidate("A");
      assertNull(cache.get("A"));
      assertNull(cache.get("B"));
      assertNull(cache.get("C"));
      assertEquals("d", cache.get("D"));
    }
  }

  @Test
  void invalidate_cycleTerminatesAndInvalidatesTheCycle() {
    try (TieredCache<String, String> cache = cache()) {
      fill(cache, "A", "B", "C");
      cache.dependsOn("B", "A");
      cache.dependsOn("C", "B");
      cache.dependsOn("A", "C");
      cache.dependsOn("A", "A");
      cache.invalidate("B");
      assertNull(cache.get("A"));
      assertNull(cache.get("B"));
      assertNull(cache.get("C"));
    }
  }

  @Test
  void put_invalidatesDependentsButKeepsTheKey() {
    try (TieredCache<String, String> cache = cache()) {
      fill(cache, "A", "B");
      cache.dependsOn("B", "A");
      cache.put("A", "a2");
      assertEquals("a2", cache.get("A"));
      assertNull(cache.get("B"));
    }
  }

  @Test
  void relationsAreConsumedByTheInvalidation() {
    try (TieredCache<String, String> cache = cache()) {
      fill(cache, "A", "B");
      cache.dependsOn("B", "A");
      cache.invalidate("A");
      fill(cache, "A", "B");
      cache.invalidate("A");
      assertEquals("b", cache.get("B")); // not registered again
    }
  }

  @Test
  void invalidateTag_invalidatesTaggedKeysAndTheirDependents() {
    try (TieredCache<String, String> cache = cache()) {
      fill(cache, "A", "B", "C", "D");
      cache.tag("A", "users");
      cache.tag("B", "users");
      cache.tag("B", "admins");
      cache.dependsOn("C", "B");
      assertEquals(3, cache.invalidateTag("users"));
      assertNull(cache.get("A"));
      assertNull(cache.get("B"));
      assertNull(cache.get("C"));
      assertEquals("d", cache.get("D"));
      assertEquals(0, cache.invalidateTag("admins")); // B's tags went with B
      assertEquals(0, cache.invalidateTag("nobody"));
    }
  }

  @Test
  void badInput() {
    TieredCache<String, String> cache = cache();
    assertThrows(NullPointerException.class, () -> cache.dependsOn(null, "A"));
    assertThrows(NullPointerException.class, () -> cache.dependsOn("A", null));
    assertThrows(NullPointerException.class, () -> cache.tag(null, "t"));
    assertThrows(NullPointerException.class, () -> cache.tag("A", null));
    assertThrows(NullPointerException.class, () -> cache.invalidateTag(null));
    cache.close();
    assertThrows(IllegalStateException.class, () -> cache.dependsOn("B", "A"));
    assertThrows(IllegalStateException.class, () -> cache.invalidateTag("t"));
  }

  /** Model: invalidating a key removes exactly the keys reachable from it over dependency edges. */
  @Property(tries = 200)
  void invalidate_removesExactlyTheReachableKeys(
      @ForAll @Size(max = 30) java.util.List<@IntRange(min = 0, max = 9) Integer> edges,
      @ForAll @IntRange(min = 0, max = 9) int root) {
    try (TieredCache<String, String> cache = cache()) {
      Map<Integer, Set<Integer>> model = new HashMap<>();
      for (int k = 0; k < 10; k++) {
        cache.put("k" + k, "v" + k);
      }
      for (int i = 0; i + 1 < edges.size(); i += 2) {
        int dependent = edges.get(i);
        int dependency = edges.get(i + 1);
        cache.dependsOn("k" + dependent, "k" + dependency);
        model.computeIfAbsent(dependency, d -> new HashSet<>()).add(dependent);
      }
      Set<Integer> reachable = new HashSet<>();
      java.util.ArrayDeque<Integer> queue = new java.util.ArrayDeque<>(Set.of(root));
      while (!queue.isEmpty()) {
        int k = queue.poll();
        if (reachable.add(k)) {
          queue.addAll(model.getOrDefault(k, Set.of()));
        }
      }
      cache.invalidate("k" + root);
      for (int k = 0; k < 10; k++) {
        assertEquals(reachable.contains(k) ? null : "v" + k, cache.get("k" + k), "key " + k);
      }
    }
  }
}
