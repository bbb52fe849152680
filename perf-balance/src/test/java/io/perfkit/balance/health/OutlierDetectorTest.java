package io.perfkit.balance.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.Balancer;
import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.FakeTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class OutlierDetectorTest {
  private static Balancer balancer(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("e" + i));
    }
    return Balancers.newBuilder().endpoints(list).panicThreshold(0).roundRobin();
  }

  private static void fail(OutlierDetector d, String id, int times) {
    for (int i = 0; i < times; i++) {
      d.record(id, false);
    }
  }

  @Test
  void consecutiveFailures_ejectThenRestoreAfterBaseTimesMultiplier() {
    FakeTicker ticker = new FakeTicker();
    Balancer lb = balancer(10);
    OutlierDetector d = OutlierDetector.newBuilder(lb).ticker(ticker).build();
    fail(d, "e3", 4);
    d.record("e3", true); // resets the run
    fail(d, "e3", 4);
    assertTrue(lb.isAvailable("e3"));
    d.record("e3", false); // fifth in a row
    assertFalse(lb.isAvailable("e3"));
    assertTrue(d.isEjected("e3"));
    ticker.advance(Duration.ofSeconds(29));
    d.evaluate();
    assertFalse(lb.isAvailable("e3"));
    ticker.advance(Duration.ofSeconds(1));
    d.evaluate();
    assertTrue(lb.isAvailable("e3"));
    // second ejection right away: 2 x 30 s
    fail(d, "e3", 5);
    assertEquals(2, d.ejectionMultiplier("e3"));
    ticker.advance(Duration.ofSeconds(59));
    d.evaluate();
    assertFalse(lb.isAvailable("e3"));
    ticker.advance(Duration.ofSeconds(1));
    d.evaluate();
    assertTrue(lb.isAvailable("e3"));
    // intervals spent un-ejected lower the multiplier again
    d.evaluate();
    d.evaluate();
    assertEquals(0, d.ejectionMultiplier("e3"));
  }

  @Test
  void ejectionTime_cappedAtMax() {
    FakeTicker ticker = new FakeTicker();
    Balancer lb = balancer(10);
    OutlierDetector d =
        OutlierDetector.newBuilder(lb)
            .ticker(ticker)
            .baseEjectionTime(Duration.ofSeconds(30))
            .maxEjectionTime(Duration.ofSeconds(70))
            .build();
    for (int round = 1; round <= 4; round++) {
      fail(d, "e0", 5);
      assertFalse(lb.isAvailable("e0"));
      long expected = Math.min(30L * round, 70L);
      ticker.advance(Duration.ofSeconds(expected - 1));
      d.evaluate();
      assertFalse(lb.isAvailable("e0"), "round " + round);
      ticker.advance(Duration.ofSeconds(1));
      d.evaluate();
      assertTrue(lb.isAvailable("e0"), "round " + round);
    }
  }

  @Test
  void maxEjectionPercent_allowsAtLeastOne() {
    Balancer lb = balancer(3);
    OutlierDetector d = OutlierDetector.newBuilder(lb).ticker(new FakeTicker()).build();
    fail(d, "e0", 5);
    fail(d, "e1", 5);
    assertFalse(lb.isAvailable("e0"));
    assertTrue(lb.isAvailable("e1")); // 10 % of 3: only the "at least one" ejection
    Balancer big = balancer(20);
    OutlierDetector d2 = OutlierDetector.newBuilder(big).ticker(new FakeTicker()).build();
    for (int i = 0; i < 5; i++) {
      fail(d2, "e" + i, 5);
    }
    int ejected = 0;
    for (int i = 0; i < 5; i++) {
      ejected += big.isAvailable("e" + i) ? 0 : 1;
    }
    assertEquals(2, ejected); // 10 % of 20
  }

  @Test
  void successRate_ejectsBelowMeanMinusFactorStdev() {
    Balancer lb = balancer(10);
    OutlierDetector d =
        OutlierDetector.newBuilder(lb)
            .ticker(new FakeTicker())
            .consecutiveFailures(0)
            .successRateEjection(5, 100, 1.9)
            .build();
    for (int i = 0; i < 10; i++) {
      int failures = i == 7 ? 40 : 1;
      for (int k = 0; k < 200; k++) {
        d.record("e" + i, k % 200 >= failures);
      }
    }
    d.evaluate();
    assertFalse(lb.isAvailable("e7"));
    for (int i = 0; i < 10; i++) {
      if (i != 7) {
        assertTrue(lb.isAvailable("e" + i));
      }
    }
  }

  @Test
  void successRate_needsMinimumHostsAndVolume() {
    Balancer lb = balancer(10);
    OutlierDetector d =
        OutlierDetector.newBuilder(lb)
            .ticker(new FakeTicker())
            .consecutiveFailures(0)
            .successRateEjection(5, 100, 1.9)
            .build();
    for (int i = 0; i < 4; i++) { // only 4 hosts with volume
      for (int k = 0; k < 200; k++) {
        d.record("e" + i, i != 2 || k % 2 == 0);
      }
    }
    d.evaluate();
    assertTrue(lb.isAvailable("e2"));
  }

  @Test
  void badInput() {
    Balancer lb = balancer(1);
    assertThrows(NullPointerException.class, () -> OutlierDetector.newBuilder(null));
    assertThrows(
        IllegalArgumentException.class,
        () -> OutlierDetector.newBuilder(lb).maxEjectionPercent(Double.NaN));
    assertThrows(
        IllegalArgumentException.class,
        () -> OutlierDetector.newBuilder(lb).baseEjectionTime(Duration.ofSeconds(-1)));
    assertThrows(
        IllegalStateException.class,
        () -> OutlierDetector.newBuilder(lb).consecutiveFailures(3).consecutiveFailures(4));
    assertThrows(
        IllegalArgumentException.class,
        () -> OutlierDetector.newBuilder(lb).successRateEjection(5, 100, Double.NaN));
  }
}
