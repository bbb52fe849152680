package io.perfkit.bench.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.bench.balance.ClusterSimulation.Scenario;
import org.junit.jupiter.api.Test;

final class SmallSetQualityTest {
  @Test
  void scenarios() {
    assertArrayEquals(new double[] {1, 10}, SmallSetQuality.scenario("mixed", 2).latencyMs());
    assertArrayEquals(
        new double[] {1, 10, 10, 100}, SmallSetQuality.scenario("mixed", 4).latencyMs());
    Scenario degrade = SmallSetQuality.scenario("degrade", 3);
    assertArrayEquals(new double[] {10, 10, 10}, degrade.latencyMs());
    assertEquals(0, degrade.changedEndpoint());
    assertEquals(10, degrade.degradeFactor());
    assertThrows(IllegalArgumentException.class, () -> SmallSetQuality.scenario("equal", 3));
  }

  /**
   * The exact scan keeps the 100 ms endpoint out of the mixed set's p99 (every other endpoint is
   * idle or less busy most of the time); two random choices with replacement do not, from 3
   * endpoints up. A seeded, virtual-time simulation: deterministic, no wall clock.
   */
  @Test
  void mixedSmallSet_scanBeatsTwoChoicesAtP99() {
    for (int n : new int[] {3, 6}) {
      Scenario s = SmallSetQuality.scenario("mixed", n);
      double[] scan = SmallSetQuality.mean(s, "least-request-full-scan", 2, 20_000, 50);
      double[] p2c = SmallSetQuality.mean(s, "p2c-least-request", 2, 20_000, 50);
      assertTrue(scan[1] <= 10.0, n + ": scan p99 " + scan[1]);
      assertTrue(p2c[1] > 3 * scan[1], n + ": P2C p99 " + p2c[1] + " vs scan " + scan[1]);
      assertTrue(p2c[3] > scan[3], n + ": mean");
    }
  }
}
