package io.perfkit.bench.balance;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.bench.balance.ClusterSimulation.LatencyModel;
import io.perfkit.bench.balance.ClusterSimulation.Result;
import io.perfkit.bench.balance.ClusterSimulation.Scenario;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

final class ClusterSimulationTest {
  @Test
  void sameSeed_sameResult_otherSeed_otherResult() {
    for (String b : ClusterSimulation.BALANCERS) {
      Result r1 = ClusterSimulation.run(Scenario.tower(), b, 7, 10_000, 50);
      Result r2 = ClusterSimulation.run(Scenario.tower(), b, 7, 10_000, 50);
      assertEquals(r1.p50Ms(), r2.p50Ms(), b);
      assertEquals(r1.p99Ms(), r2.p99Ms(), b);
      assertEquals(r1.p999Ms(), r2.p999Ms(), b);
      assertEquals(r1.meanMs(), r2.meanMs(), b);
      assertEquals(r1.durationS(), r2.durationS(), b);
      assertArrayEquals(r1.share(), r2.share(), b);
      Result r3 = ClusterSimulation.run(Scenario.tower(), b, 8, 10_000, 50);
      assertNotEquals(r1.meanMs(), r3.meanMs(), b);
    }
  }

  @Test
  void closedForm_equalFixedLatencies_everyPercentileIsTheLatency() {
    double[] latencies = new double[5];
    Arrays.fill(latencies, 20);
    Scenario s = new Scenario("fixed", latencies, -1, 1, 0, LatencyModel.FIXED);
    for (String b : ClusterSimulation.BALANCERS) {
      Result r = ClusterSimulation.run(s, b, 1, 5_000, 10);
      assertEquals(20.0, r.p50Ms(), b);
      assertEquals(20.0, r.p999Ms(), b);
      assertEquals(20.0, r.maxMs(), b);
      // 10 clients, 5000 requests of 20 ms each: 500 rounds of 20 ms
      assertEquals(10.0, r.durationS(), 1e-9, b);
    }
  }

  @Test
  void closedForm_roundRobinOnTowerFixed_exactSharesAndPercentiles() {
    Scenario tower = Scenario.tower();
    Scenario s =
        new Scenario("tower-fixed", tower.latencyMs(), -1, 1, 0, LatencyModel.FIXED);
    Result r = ClusterSimulation.run(s, "round-robin", 1, 50_000, 50);
    for (double share : r.share()) {
      assertEquals(0.1, share, 1e-12);
    }
    // sorted latencies: 10 % at 1 ms, 40 % at 10 ms, 40 % at 100 ms, 10 % at 1000 ms
    assertEquals(10.0, r.p50Ms());
    assertEquals(1000.0, r.p99Ms());
    assertEquals((0.1 * 1 + 0.4 * 10 + 0.4 * 100 + 0.1 * 1000), r.meanMs(), 1e-9);
  }

  @Test
  void towerTargets_peakEwmaVersusRoundRobinAndLeastLoaded() {
    Result rr = ClusterSimulation.run(Scenario.tower(), "round-robin", 1, 50_000, 50);
    Result ll = ClusterSimulation.run(Scenario.tower(), "p2c-least-request", 1, 50_000, 50);
    Result ewma = ClusterSimulation.run(Scenario.tower(), "p2c-peak-ewma", 1, 50_000, 50);
    assertTrue(ewma.p99Ms() <= 0.15 * rr.p99Ms(), ewma.p99Ms() + " vs " + rr.p99Ms());
    assertTrue(ewma.p999Ms() <= 0.25 * ll.p999Ms(), ewma.p999Ms() + " vs " + ll.p999Ms());
  }
}
