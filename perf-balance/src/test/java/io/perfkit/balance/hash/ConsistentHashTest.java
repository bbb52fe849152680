package io.perfkit.balance.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.NoAvailableEndpointException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

final class ConsistentHashTest {
  static List<Endpoint> endpoints(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("10.0." + (i / 256) + "." + (i % 256) + ":8080"));
    }
    return list;
  }

  @Test
  void ring_defaultVirtualNodes_maxOverMeanAtMost115At100Endpoints() {
    ConsistentHash ring = ConsistentHashing.newBuilder().endpoints(endpoints(100)).ring();
    Map<String, Integer> counts = new HashMap<>();
    SplittableRandom r = new SplittableRandom(1);
    int keys = 1_000_000;
    for (int i = 0; i < keys; i++) {
      counts.merge(ring.pick(r.nextLong()).id(), 1, Integer::sum);
    }
    int max = counts.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
    double ratio = max / (keys / 100.0);
    assertTrue(ratio <= 1.15, "max/mean " + ratio);
  }

  @Test
  void ring_lookupWrapsAroundToTheFirstPoint() {
    ConsistentHash ring =
        ConsistentHashing.newBuilder().endpoints(endpoints(3)).virtualNodes(2).ring();
    RingHash impl = (RingHash) ring;
    assertEquals(6, impl.ringSize());
    // Key -1 (high bits 0xFFFFFFFF) lies past every point and wraps to the first point, which is
    // also where key 0 (high bits 0) lands.
    assertEquals(ring.pick(0L), ring.pick(-1L));
  }

  @Test
  void stringAndByteKeys_areStable() {
    ConsistentHash ring = ConsistentHashing.newBuilder().endpoints(endpoints(10)).ring();
    assertEquals(ring.pick("user-42"), ring.pick("user-42"));
    assertEquals(ring.pick(new byte[] {1, 2, 3}), ring.pick(new byte[] {1, 2, 3}));
    assertEquals(ConsistentHash.hash("user-42"), ConsistentHash.hash(new StringBuilder("user-42")));
  }

  @Test
  void empty_throws() {
    assertThrows(NoAvailableEndpointException.class, () -> ConsistentHashing.newBuilder().ring().pick(1L));
    assertThrows(
        NoAvailableEndpointException.class, () -> ConsistentHashing.newBuilder().maglev().pick(1L));
    assertThrows(
        NoAvailableEndpointException.class, () -> ConsistentHashing.newBuilder().jump().pick(1L));
    assertThrows(
        NoAvailableEndpointException.class,
        () -> ConsistentHashing.newBuilder().rendezvous().pick(1L));
  }

  @Test
  void badInput() {
    assertEquals(
        "loadFactor: 1.0 (expected: finite and > 1)",
        assertThrows(
                IllegalArgumentException.class, () -> ConsistentHashing.newBuilder().loadFactor(1.0))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> ConsistentHashing.newBuilder().loadFactor(Double.NaN));
    assertThrows(
        IllegalArgumentException.class, () -> ConsistentHashing.newBuilder().virtualNodes(0));
    assertThrows(
        IllegalStateException.class,
        () -> ConsistentHashing.newBuilder().loadFactor(2).ring());
    assertThrows(
        IllegalArgumentException.class,
        () -> ConsistentHashing.newBuilder().endpoints(List.of(Endpoint.of("a"), Endpoint.of("a"))));
  }

  @Test
  void rendezvous_weightedSharesFollowWeights() {
    ConsistentHash hrw =
        ConsistentHashing.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 1), Endpoint.of("b", 2), Endpoint.of("c", 5)))
            .rendezvous();
    Map<String, Integer> counts = new HashMap<>();
    SplittableRandom r = new SplittableRandom(5);
    for (int i = 0; i < 80_000; i++) {
      counts.merge(hrw.pick(r.nextLong()).id(), 1, Integer::sum);
    }
    assertEquals(10_000, counts.get("a"), 600);
    assertEquals(20_000, counts.get("b"), 800);
    assertEquals(50_000, counts.get("c"), 1000);
  }

  private static Supplier<ConsistentHash> kind(String name, List<Endpoint> endpoints) {
    return switch (name) {
      case "ring" -> () -> ConsistentHashing.newBuilder().endpoints(endpoints).virtualNodes(64).ring();
      case "rendezvous" -> () -> ConsistentHashing.newBuilder().endpoints(endpoints).rendezvous();
      default -> () -> ConsistentHashing.newBuilder().endpoints(endpoints).tableSize(1009).maglev();
    };
  }

  /** Ring and rendezvous move only the keys of the removed endpoint, and only to others on add. */
  @Property(tries = 30)
  void minimalDisruption_onRemoveAndAdd(
      @ForAll @IntRange(min = 2, max = 40) int n, @ForAll @IntRange(min = 0, max = 39) int victim, @ForAll long seed) {
    List<Endpoint> all = endpoints(n);
    Endpoint removed = all.get(victim % n);
    for (String name : List.of("ring", "rendezvous")) {
      ConsistentHash lb = kind(name, all).get();
      SplittableRandom r = new SplittableRandom(seed);
      long[] keys = new long[2000];
      String[] before = new String[keys.length];
      for (int i = 0; i < keys.length; i++) {
        keys[i] = r.nextLong();
        before[i] = lb.pick(keys[i]).id();
      }
      lb.remove(removed.id());
      for (int i = 0; i < keys.length; i++) {
        String after = lb.pick(keys[i]).id();
        if (!before[i].equals(removed.id())) {
          assertEquals(before[i], after, name + " moved a key of an unchanged endpoint");
        }
      }
      lb.add(removed);
      for (int i = 0; i < keys.length; i++) {
        assertEquals(before[i], lb.pick(keys[i]).id(), name + " re-add restores the mapping");
      }
    }
  }

  @Property(tries = 20)
  void sameMembership_sameMapping(@ForAll @IntRange(min = 1, max = 50) int n, @ForAll long key) {
    for (String name : List.of("ring", "rendezvous", "maglev")) {
      ConsistentHash a = kind(name, endpoints(n)).get();
      ConsistentHash b = kind(name, endpoints(n)).get();
      assertEquals(a.pick(key), b.pick(key), name);
    }
  }

  @Property(tries = 30)
  void boundedLoad_neverExceedsCap(
      @ForAll @IntRange(min = 1, max = 20) int n,
      @ForAll @IntRange(min = 101, max = 300) int cPercent,
      @ForAll long seed) {
    double c = cPercent / 100.0;
    BoundedLoadHash lb =
        ConsistentHashing.newBuilder().endpoints(endpoints(n)).virtualNodes(32).loadFactor(c).boundedLoad();
    SplittableRandom r = new SplittableRandom(seed);
    List<Lease> open = new ArrayList<>();
    for (int step = 0; step < 2000; step++) {
      if (!open.isEmpty() && r.nextInt(3) == 0) {
        open.remove(r.nextInt(open.size())).complete(1, true);
        continue;
      }
      // hot keys: many picks of few keys stress the cap
      Lease lease = lb.pick((long) r.nextInt(4) * 0x9E3779B97F4A7C15L);
      open.add(lease);
      long m = lb.totalInFlight();
      long cap = (long) Math.ceil(c * m / n);
      assertTrue(
          lb.inFlight(lease.endpoint().id()) <= cap,
          "load " + lb.inFlight(lease.endpoint().id()) + " cap " + cap);
    }
    for (Lease l : open) {
      l.complete(1, true);
    }
    assertEquals(0, lb.totalInFlight());
    for (Endpoint e : lb.endpoints()) {
      assertEquals(0, lb.inFlight(e.id()));
    }
  }

  @Test
  void boundedLoad_overflowsToNextEndpoint() {
    BoundedLoadHash lb =
        ConsistentHashing.newBuilder().endpoints(endpoints(4)).loadFactor(1.5).boundedLoad();
    Map<String, Integer> counts = new HashMap<>();
    List<Lease> open = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      Lease l = lb.pick(12345L); // one hot key
      open.add(l);
      counts.merge(l.endpoint().id(), 1, Integer::sum);
    }
    // cap ceil(1.5 * 100 / 4) = 38 at the end: the hot key spilled to other endpoints
    assertTrue(counts.size() >= 3, counts.toString());
    for (int v : counts.values()) {
      assertTrue(v <= 38, counts.toString());
    }
    open.forEach(l -> l.complete(1, true));
  }

  @Test
  void unhealthyEndpoint_onlyItsKeysMove() {
    ConsistentHash ring = ConsistentHashing.newBuilder().endpoints(endpoints(10)).panicThreshold(0).ring();
    SplittableRandom r = new SplittableRandom(9);
    long[] keys = new long[5000];
    String[] before = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = r.nextLong();
      before[i] = ring.pick(keys[i]).id();
    }
    String down = endpoints(10).get(3).id();
    ring.setHealthy(down, false);
    for (int i = 0; i < keys.length; i++) {
      String after = ring.pick(keys[i]).id();
      assertTrue(before[i].equals(down) ? !after.equals(down) : after.equals(before[i]));
    }
  }
}
