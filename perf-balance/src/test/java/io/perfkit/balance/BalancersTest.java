package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

final class BalancersTest {
  private static List<Endpoint> endpoints(String... ids) {
    List<Endpoint> list = new ArrayList<>();
    for (String id : ids) {
      list.add(Endpoint.of(id));
    }
    return list;
  }

  private static String sequence(Balancer lb, int picks) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < picks; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(lb.pick().id());
    }
    return sb.toString();
  }

  @Test
  void roundRobin_visitsInInsertionOrder() {
    Balancer lb = Balancers.newBuilder().endpoints(endpoints("a", "b", "c")).roundRobin();
    assertEquals("a b c a b c a", sequence(lb, 7));
  }

  @Test
  void smoothWeighted_nginxExampleSequence() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 5), Endpoint.of("b", 1), Endpoint.of("c", 1)))
            .smoothWeightedRoundRobin();
    assertEquals("a a b a c a a a a b a c a a", sequence(lb, 14));
  }

  @Test
  void smoothWeighted_nonIntegralWeightsUseDynamicNginxSteps() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 2.5), Endpoint.of("b", 0.5), Endpoint.of("c", 0.5)))
            .smoothWeightedRoundRobin();
    // Same proportions as 5:1:1, so the same sequence.
    assertEquals("a a b a c a a", sequence(lb, 7));
  }

  @Test
  void smoothWeighted_failureReducesEffectiveWeightAndRecoversByOnePerPick() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 5), Endpoint.of("b", 1), Endpoint.of("c", 1)))
            .smoothWeightedRoundRobin();
    // Model of nginx from the zero state: a fails before the first pick (effective 5 -> 0).
    lb.report(Endpoint.of("a", 5), false);
    // step1: ew a=0 -> cw (0,1,1) total 2, ew a->1; best b (1, earlier than c) -> b cw (0,-1,1)
    // step2: cw (1,0,2) total 3, ew a->2; best c -> (1,0,-1)
    // step3: cw (3,1,0) total 4, ew a->3; best a -> (-1,1,0)
    // step4: cw (2,2,1) total 5, ew a->4; best a (tie with b, a earlier) -> (-3,2,1)
    // step5: cw (1,3,2) total 6, ew a->5; best b -> (1,-3,2)
    // step6: cw (6,-2,3) total 7; best a -> (-1,-2,3)
    assertEquals("b c a a b a", sequence(lb, 6));
    List<String> model = modelNginx(new double[] {5, 1, 1}, new double[] {0, 5, 1, 1}, 6);
    assertEquals(List.of("b", "c", "a", "a", "b", "a"), model);
  }

  /** Straight nginx loop; effective[0] is the index of the failed peer marker (unused = 0). */
  private static List<String> modelNginx(double[] w, double[] initialEffective, int picks) {
    double[] cw = new double[w.length];
    double[] ew = {initialEffective[0], initialEffective[2], initialEffective[3]};
    List<String> out = new ArrayList<>();
    for (int k = 0; k < picks; k++) {
      double total = 0;
      int best = -1;
      for (int i = 0; i < w.length; i++) {
        cw[i] += ew[i];
        total += ew[i];
        if (ew[i] < w[i]) {
          ew[i]++;
        }
        if (best < 0 || cw[i] > cw[best]) {
          best = i;
        }
      }
      cw[best] -= total;
      out.add(String.valueOf((char) ('a' + best)));
    }
    return out;
  }

  @Test
  void smoothWeighted_returnsToScheduleAfterRecovery() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 2), Endpoint.of("b", 1)))
            .smoothWeightedRoundRobin();
    lb.report(Endpoint.of("b", 1), false);
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 3000; i++) {
      counts.merge(lb.pick().id(), 1, Integer::sum);
    }
    assertEquals(2000, counts.get("a"), 2);
    assertEquals(1000, counts.get("b"), 2);
  }

  @Test
  void smoothWeighted_periodReturnsToZero_sharesExact() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 3), Endpoint.of("b", 7), Endpoint.of("c", 2)))
            .smoothWeightedRoundRobin();
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 12 * 10; i++) {
      counts.merge(lb.pick().id(), 1, Integer::sum);
    }
    assertEquals(Map.of("a", 30, "b", 70, "c", 20), counts);
  }

  @Test
  void removedEndpointIsNeverPickedAfterRemoveReturns() {
    Balancer lb = Balancers.newBuilder().endpoints(endpoints("a", "b", "c")).roundRobin();
    assertTrue(lb.remove("b"));
    assertFalse(lb.remove("b"));
    for (int i = 0; i < 10; i++) {
      assertNotEquals("b", lb.pick().id());
    }
  }

  @Test
  void panicMode_balancesOverAllBelowThreshold() {
    Balancer lb = Balancers.newBuilder().endpoints(endpoints("a", "b", "c", "d")).roundRobin();
    lb.setHealthy("a", false);
    lb.setHealthy("b", false); // 50 % available: not below 50, no panic
    assertEquals("c d c d", sequence(lb, 4));
    lb.setHealthy("c", false); // 25 % available: panic, all four
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 8; i++) {
      counts.merge(lb.pick().id(), 1, Integer::sum);
    }
    assertEquals(Map.of("a", 2, "b", 2, "c", 2, "d", 2), counts);
  }

  @Test
  void noPanic_allDownThrows() {
    Balancer lb =
        Balancers.newBuilder().endpoints(endpoints("a", "b")).panicThreshold(0).roundRobin();
    lb.setHealthy("a", false);
    lb.setEjected("b", true);
    NoAvailableEndpointException e = assertThrows(NoAvailableEndpointException.class, lb::pick);
    assertTrue(e.getMessage().contains("all 2 endpoints"), e.getMessage());
    lb.setEjected("b", false);
    assertEquals("b", lb.pick().id());
  }

  @Test
  void emptyBalancerThrows() {
    assertThrows(NoAvailableEndpointException.class, Balancers.newBuilder().random()::pick);
    assertThrows(NoAvailableEndpointException.class, Balancers.newBuilder().leastRequest()::pick);
  }

  @Test
  void healthAndEjectionAreIndependentFlags() {
    Balancer lb = Balancers.newBuilder().endpoints(endpoints("a", "b")).panicThreshold(0).roundRobin();
    assertTrue(lb.setHealthy("a", false));
    assertTrue(lb.setEjected("a", true));
    assertTrue(lb.setHealthy("a", true));
    assertFalse(lb.isAvailable("a"));
    assertTrue(lb.setEjected("a", false));
    assertTrue(lb.isAvailable("a"));
    assertFalse(lb.setHealthy("zz", false));
  }

  @Test
  void badInput_isRejectedWithNamedValues() {
    assertEquals(
        "weight: NaN (expected: finite and > 0)",
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("a", Double.NaN)).getMessage());
    assertEquals(
        "weight: -1.0 (expected: finite and > 0)",
        assertThrows(IllegalArgumentException.class, () -> Endpoint.of("a", -1)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> Endpoint.of("a", 0));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.of("a", Double.POSITIVE_INFINITY));
    assertThrows(NullPointerException.class, () -> Endpoint.of(null));
    assertThrows(IllegalArgumentException.class, () -> Endpoint.of(""));
    IllegalArgumentException dup =
        assertThrows(
            IllegalArgumentException.class,
            () -> Balancers.newBuilder().endpoints(endpoints("a", "a")));
    assertEquals("duplicate endpoint id: a", dup.getMessage());
    Balancer lb = Balancers.newBuilder().endpoints(endpoints("a")).roundRobin();
    assertThrows(IllegalArgumentException.class, () -> lb.add(Endpoint.of("a")));
    assertEquals(
        "bias: -0.5 (expected: finite and >= 0)",
        assertThrows(
                IllegalArgumentException.class,
                () -> Balancers.newBuilder().activeRequestBias(-0.5))
            .getMessage());
    assertThrows(
        IllegalArgumentException.class, () -> Balancers.newBuilder().activeRequestBias(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> Balancers.newBuilder().choiceCount(1));
    assertThrows(IllegalArgumentException.class, () -> Balancers.newBuilder().panicThreshold(101));
    assertThrows(
        IllegalArgumentException.class, () -> Balancers.newBuilder().decayTime(Duration.ZERO));
    assertThrows(IllegalArgumentException.class, () -> Balancers.newBuilder().maxFails(0));
    assertThrows(
        IllegalStateException.class, () -> Balancers.newBuilder().seed(1).seed(2));
    assertThrows(
        IllegalStateException.class,
        () -> Balancers.newBuilder().decayTime(Duration.ofSeconds(1)).roundRobin());
    assertThrows(
        IllegalStateException.class,
        () -> Balancers.newBuilder().slowStartAggression(2).weightedRandom());
  }

  @Test
  void weightedRandom_sharesFollowWeights() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a", 1), Endpoint.of("b", 3)))
            .seed(42)
            .weightedRandom();
    int b = 0;
    for (int i = 0; i < 40_000; i++) {
      if (lb.pick().id().equals("b")) {
        b++;
      }
    }
    assertEquals(30_000, b, 600);
  }

  @Test
  void weightedRandom_aliasTableMatchesWeightsForManyEndpoints() {
    List<Endpoint> list = new ArrayList<>();
    double total = 0;
    for (int i = 0; i < 7; i++) {
      list.add(Endpoint.of("e" + i, 0.5 + i * 1.25));
      total += 0.5 + i * 1.25;
    }
    Balancer lb = Balancers.newBuilder().endpoints(list).seed(99).weightedRandom();
    int n = 200_000;
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(lb.pick().id(), 1, Integer::sum);
    }
    for (int i = 0; i < 7; i++) {
      double expected = (0.5 + i * 1.25) / total;
      assertEquals(expected, counts.getOrDefault("e" + i, 0) / (double) n, 0.005, "e" + i);
    }
  }

  @Test
  void slowStart_rampsWeightOfNewEndpoint() {
    FakeTicker ticker = new FakeTicker();
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(endpoints("a"))
            .ticker(ticker)
            .seed(7)
            .slowStart(Duration.ofSeconds(10))
            .weightedRandom();
    lb.add(Endpoint.of("b"));
    // t = 0: b's weight is max(10 %, 0) = 0.1 -> share 0.1 / 1.1
    assertEquals(0.1 / 1.1, share(lb, "b"), 0.01);
    ticker.advance(Duration.ofSeconds(5)); // factor 0.5 -> 0.5 / 1.5
    assertEquals(0.5 / 1.5, share(lb, "b"), 0.01);
    ticker.advance(Duration.ofSeconds(5)); // ramp over
    assertEquals(0.5, share(lb, "b"), 0.01);
  }

  private static double share(Balancer lb, String id) {
    int hits = 0;
    int n = 40_000;
    for (int i = 0; i < n; i++) {
      if (lb.pick().id().equals(id)) {
        hits++;
      }
    }
    return hits / (double) n;
  }

  @Test
  void slowStart_aggressionShapesTheCurve() {
    io.perfkit.balance.internal.SlowStart s =
        new io.perfkit.balance.internal.SlowStart(10_000, 0.1, 2.0);
    io.perfkit.balance.internal.Member m =
        new io.perfkit.balance.internal.Member(
            Endpoint.of("a", 4), true, false, true, 0, new io.perfkit.balance.internal.Load(0));
    assertEquals(4 * Math.sqrt(0.25), s.weight(m, 2_500), 1e-12);
    assertEquals(0.4, s.weight(m, 1), 1e-12); // floored at 10 %
    assertEquals(4, s.weight(m, 10_000), 1e-12);
  }

  @Test
  void replicaRouter_readsReplicasWritesPrimaryFallsBack() {
    Balancer replicas =
        Balancers.newBuilder().endpoints(endpoints("r1", "r2")).panicThreshold(0).roundRobin();
    Endpoint primary = Endpoint.of("p");
    ReplicaRouter router = ReplicaRouter.of(primary, replicas);
    assertSame(primary, router.forWrite());
    assertEquals("r1", router.forRead().id());
    assertEquals("r2", router.forRead().id());
    assertSame(primary, router.forRead(true));
    replicas.setHealthy("r1", false);
    replicas.setHealthy("r2", false);
    assertSame(primary, router.forRead());
  }
}
