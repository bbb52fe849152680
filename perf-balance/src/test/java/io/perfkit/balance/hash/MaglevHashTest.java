package io.perfkit.balance.hash;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.Endpoint;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class MaglevHashTest {
  @Test
  void populate_reproducesThePapersSevenSlotExample() {
    // NSDI 2016, Table 1: B0 offset 3 skip 4, B1 offset 0 skip 2, B2 offset 3 skip 1, M = 7.
    int[] before =
        MaglevHash.populate(7, new int[] {3, 0, 3}, new int[] {4, 2, 1}, new double[] {1, 1, 1});
    assertArrayEquals(new int[] {1, 0, 1, 0, 2, 2, 0}, before); // B1 B0 B1 B0 B2 B2 B0
    // After B1 is removed (B0 and B2 keep their permutations): B0 B0 B0 B0 B2 B2 B2
    int[] after = MaglevHash.populate(7, new int[] {3, 3}, new int[] {4, 1}, new double[] {1, 1});
    int[] named = new int[7];
    for (int i = 0; i < 7; i++) {
      named[i] = after[i] == 0 ? 0 : 2;
    }
    assertArrayEquals(new int[] {0, 0, 0, 0, 2, 2, 2}, named);
  }

  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("backend-" + i));
    }
    return list;
  }

  @Test
  void equalWeights_everyBackendGetsFloorOrCeilOfMOverN() {
    for (int n : new int[] {1, 3, 10, 100, 1000}) {
      ConsistentHash maglev = ConsistentHashing.newBuilder().endpoints(endpoints(n)).maglev();
      Map<String, Integer> entries = tableCounts(maglev);
      int floor = 65537 / n;
      for (int count : entries.values()) {
        assertTrue(count == floor || count == floor + 1, n + ": " + count);
      }
      assertEquals(n, entries.size());
    }
  }

  /** Counts table entries through lookups at every slot's hash range. */
  private static Map<String, Integer> tableCounts(ConsistentHash maglev) {
    Map<String, Integer> counts = new HashMap<>();
    int m = 65537;
    for (int slot = 0; slot < m; slot++) {
      // smallest high-32-bit value u with (u * m) >>> 32 == slot
      long u = ((long) slot << 32) / m + (((long) slot << 32) % m == 0 ? 0 : 1);
      counts.merge(maglev.pick(u << 32).id(), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void weights_entriesProportional() {
    ConsistentHash maglev =
        ConsistentHashing.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 1), Endpoint.of("b", 3)))
            .tableSize(10007)
            .maglev();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 40_000; i++) {
      counts.merge(maglev.pick((long) i * 0x9E3779B97F4A7C15L).id(), 1, Integer::sum);
    }
    assertEquals(0.75, counts.get("b") / 40_000.0, 0.01);
  }

  @Test
  void badTableSizes_areRejected() {
    assertEquals(
        "tableSize: 65536 (expected: a prime)",
        assertThrows(
                IllegalArgumentException.class, () -> ConsistentHashing.newBuilder().tableSize(65536))
            .getMessage());
    assertEquals(
        "tableSize: 7 (expected: >= endpoint count 8)",
        assertThrows(
                IllegalArgumentException.class,
                () -> ConsistentHashing.newBuilder().endpoints(endpoints(8)).tableSize(7).maglev())
            .getMessage());
    ConsistentHash small =
        ConsistentHashing.newBuilder().endpoints(endpoints(7)).tableSize(7).maglev();
    assertThrows(IllegalArgumentException.class, () -> small.add(Endpoint.of("eighth")));
    assertEquals(7, small.endpoints().size()); // the rejected change left membership as it was
  }
}
