package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.internal.RandomSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * Least request with equal weights against a direct model of Envoy's unweighted pick (a full scan
 * from a random offset up to the threshold, else two random choices, the first winning ties) that
 * keeps its own exact in-flight count per endpoint. Membership churns between picks (removals,
 * additions past a 16-count chunk, so views mix compact chunks and padded counters), and leases
 * of removed endpoints are completed after their removal: every pick must choose the model's
 * endpoint and every in-flight count must equal the model's.
 */
final class LeastRequestModelTest {

  /** The model: the members in view order and their exact in-flight counts. */
  private static final class Model {
    final List<String> ids = new ArrayList<>();
    final Map<String, Integer> active = new HashMap<>();
    final RandomSource random;
    final int threshold;

    Model(long seed, int threshold) {
      this.random = RandomSource.seeded(seed);
      this.threshold = threshold;
    }

    String pick() {
      int n = ids.size();
      int best;
      if (n == 1) {
        best = 0;
      } else if (n <= threshold) {
        int start = random.nextInt(n);
        best = start;
        for (int k = 1; k < n; k++) {
          int i = (start + k) % n;
          if (count(i) < count(best)) {
            best = i;
          }
        }
      } else {
        long pair = random.nextPair(n, n);
        int a = (int) (pair >>> 32);
        int b = (int) pair;
        best = count(b) < count(a) ? b : a;
      }
      String id = ids.get(best);
      active.merge(id, 1, Integer::sum);
      return id;
    }

    int count(int i) {
      return active.getOrDefault(ids.get(i), 0);
    }

    /** Every member's in-flight count equals the model's. */
    void assertCounts(TrackingBalancer lb, String when) {
      for (String id : ids) {
        assertEquals(active.getOrDefault(id, 0), lb.inFlight(id), id + " at " + when);
      }
    }

    /** Closes the open leases; then no member has a request in flight. */
    void closeAndAssertIdle(TrackingBalancer lb, List<Lease> open) {
      for (Lease lease : open) {
        lease.close();
      }
      for (String id : ids) {
        assertEquals(0, lb.inFlight(id), id);
      }
    }
  }

  @Property(tries = 60)
  void picksAndCountsMatchModel(
      @ForAll long seed,
      @ForAll @IntRange(min = 1, max = 40) int initial,
      @ForAll @IntRange(min = 0, max = 20) int threshold) {
    SplittableRandom ops = new SplittableRandom(seed);
    List<Endpoint> list = new ArrayList<>();
    Model model = new Model(seed, threshold);
    for (int i = 0; i < initial; i++) {
      list.add(Endpoint.of("e" + i));
      model.ids.add("e" + i);
    }
    TrackingBalancer lb =
        Balancers.newBuilder()
            .endpoints(list)
            .seed(seed)
            .fullScanThreshold(threshold)
            .leastRequest();
    List<Lease> open = new ArrayList<>();
    int next = initial;
    for (int step = 0; step < 400; step++) {
      int op = ops.nextInt(10);
      if (op < 5 && !model.ids.isEmpty()) {
        Lease lease = lb.pick();
        assertEquals(model.pick(), lease.endpoint().id(), "step " + step);
        open.add(lease);
      } else if (op < 8 && !open.isEmpty()) {
        // completes any open lease, also one whose endpoint was removed
        Lease lease = open.remove(ops.nextInt(open.size()));
        switch (ops.nextInt(3)) {
          case 0 -> lease.complete(1_000, true);
          case 1 -> lease.cancel();
          default -> lease.close();
        }
        model.active.merge(lease.endpoint().id(), -1, Integer::sum);
      } else if (op == 8 && model.ids.size() > 1) {
        String id = model.ids.remove(ops.nextInt(model.ids.size()));
        assertEquals(true, lb.remove(id));
      } else {
        String id = "e" + next++;
        lb.add(Endpoint.of(id));
        model.ids.add(id);
      }
      model.assertCounts(lb, "step " + step);
    }
    model.closeAndAssertIdle(lb, open);
  }

  /**
   * The compact full scan (every small set without churn: one chunk): every pick equals the
   * model's scan (fewest requests, ties to the first in cyclic order from the random start) and
   * every count the model's, over sets of 2 to 16 with leases held and completed at random, so
   * counts are often tied and often not; the default threshold (8) and an always-scan one.
   */
  @Property(tries = 100)
  void compactScan_picksAndCountsMatchModel(
      @ForAll long seed,
      @ForAll @IntRange(min = 2, max = 16) int n,
      @ForAll boolean defaultThreshold) {
    SplittableRandom ops = new SplittableRandom(seed);
    List<Endpoint> list = new ArrayList<>();
    int threshold = defaultThreshold ? 8 : Integer.MAX_VALUE;
    Model model = new Model(seed, threshold);
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("e" + i));
      model.ids.add("e" + i);
    }
    Balancers builder = Balancers.newBuilder().endpoints(list).seed(seed);
    LeastRequestBalancer lb =
        (LeastRequestBalancer)
            (defaultThreshold ? builder : builder.fullScanThreshold(threshold)).leastRequest();
    assertTrue(lb.readsCompactCounts());
    List<Lease> open = new ArrayList<>();
    for (int step = 0; step < 600; step++) {
      if (ops.nextInt(5) < 3 || open.isEmpty()) {
        Lease lease = lb.pick();
        assertEquals(model.pick(), lease.endpoint().id(), "step " + step);
        open.add(lease);
      } else {
        Lease lease = open.remove(ops.nextInt(open.size()));
        lease.complete(true);
        model.active.merge(lease.endpoint().id(), -1, Integer::sum);
      }
      model.assertCounts(lb, "step " + step);
    }
    model.closeAndAssertIdle(lb, open);
  }

  /**
   * The scan's key keeps a count in its upper 32 bits: counts far above 16 bits still order
   * correctly, and the endpoint with one request fewer wins whatever its position.
   */
  @Test
  void compactScan_largeCounts() {
    LeastRequestBalancer lb = balancer(5);
    List<Lease> open = new ArrayList<>();
    for (int i = 0; i < 5 * 70_000; i++) {
      open.add(lb.pick()); // the scan keeps the counts level: 70,000 each
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(70_000, lb.inFlight("e" + i));
    }
    for (int target = 0; target < 5; target++) {
      String id = "e" + target;
      Lease done =
          open.stream().filter(l -> l.endpoint().id().equals(id)).findFirst().orElseThrow();
      open.remove(done);
      done.complete(true); // id now has one request fewer than every other endpoint
      Lease next = lb.pick();
      assertEquals(id, next.endpoint().id());
      open.add(next);
    }
    for (Lease lease : open) {
      lease.close();
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(0, lb.inFlight("e" + i));
    }
  }

  /** A scan of two is a comparison: the idle endpoint always wins; ties go either way. */
  @Test
  void compactScan_pairTakesTheIdleEndpointAndSplitsTies() {
    LeastRequestBalancer lb = balancer(2);
    Map<String, Integer> firsts = new HashMap<>();
    for (int i = 0; i < 2_000; i++) {
      Lease a = lb.pick(); // a tie: 0 and 0
      Lease b = lb.pick(); // the other one: 0 against 1
      firsts.merge(a.endpoint().id(), 1, Integer::sum);
      assertEquals(a.endpoint().id().equals("e0") ? "e1" : "e0", b.endpoint().id());
      a.complete(true);
      b.complete(true);
    }
    // Each first pick is a fair coin: 1,000 +- 6 sigma (sigma = 22.4).
    assertTrue(Math.abs(firsts.getOrDefault("e0", 0) - 1_000) < 135, firsts.toString());
  }

  private static LeastRequestBalancer balancer(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("e" + i));
    }
    return (LeastRequestBalancer) Balancers.newBuilder().endpoints(list).leastRequest();
  }

  @Test
  void smallSetsReadOneCompactChunk_largeSetsAndSpreadSetsReadTheLoads() {
    assertTrue(balancer(10).readsCompactCounts());
    assertTrue(balancer(16).readsCompactCounts());
    assertFalse(balancer(17).readsCompactCounts());
    LeastRequestBalancer lb = balancer(10);
    for (int i = 10; i < 16; i++) {
      lb.add(Endpoint.of("e" + i)); // fills the first chunk: still one chunk
    }
    assertTrue(lb.readsCompactCounts());
    lb.remove("e0");
    lb.add(Endpoint.of("e16")); // a new chunk: the set now spans two
    assertFalse(lb.readsCompactCounts());
    Lease lease = lb.pick();
    assertEquals(1, lb.inFlight(lease.endpoint().id()));
    lease.complete(true);
    assertEquals(0, lb.inFlight(lease.endpoint().id()));
  }
}
