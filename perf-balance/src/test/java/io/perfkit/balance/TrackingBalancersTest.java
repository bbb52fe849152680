package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

final class TrackingBalancersTest {
  private static List<Endpoint> endpoints(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("e" + i));
    }
    return list;
  }

  @Test
  void leastRequest_fullScanPicksFewestActive() {
    TrackingBalancer lb =
        Balancers.newBuilder().endpoints(endpoints(3)).seed(1).leastRequest();
    List<Lease> open = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      open.add(lb.pick());
    }
    // one each
    for (int i = 0; i < 3; i++) {
      assertEquals(1, lb.inFlight("e" + i));
    }
    for (Lease l : open) {
      if (l.endpoint().id().equals("e1")) {
        l.complete(1000, true);
      }
    }
    assertEquals("e1", lb.pick().endpoint().id());
  }

  @Test
  void leastRequest_weightedScoreUsesBias() {
    TrackingBalancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("heavy", 4), Endpoint.of("light", 1)))
            .seed(3)
            .leastRequest();
    // heavy scores 4/(a+1), light 1/(b+1): heavy takes 4 of the first 5
    int heavy = 0;
    for (int i = 0; i < 5; i++) {
      if (lb.pick().endpoint().id().equals("heavy")) {
        heavy++;
      }
    }
    assertEquals(4, heavy);
    TrackingBalancer unbiased =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("heavy", 4), Endpoint.of("light", 1)))
            .activeRequestBias(0)
            .leastRequest();
    for (int i = 0; i < 10; i++) {
      assertEquals("heavy", unbiased.pick().endpoint().id());
    }
  }

  @Test
  void lease_doubleCompletionThrows_closeIsIdempotent() {
    TrackingBalancer lb = Balancers.newBuilder().endpoints(endpoints(2)).leastRequest();
    Lease lease = lb.pick();
    String id = lease.endpoint().id();
    lease.complete(10, true);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> lease.complete(10, true));
    assertEquals("lease already completed: endpoint " + id, e.getMessage());
    assertThrows(IllegalStateException.class, lease::cancel);
    lease.close();
    assertEquals(0, lb.inFlight(id));
    try (Lease other = lb.pick()) {
      assertEquals(1, lb.inFlight(other.endpoint().id()));
    }
    assertEquals(0, lb.inFlight("e0") + lb.inFlight("e1"));
    Lease third = lb.pick();
    assertThrows(IllegalArgumentException.class, () -> third.complete(-1, true));
  }

  @Test
  void peakEwma_unsampledEndpointFreeWhenIdlePenalisedWhenBusy() {
    FakeTicker ticker = new FakeTicker();
    TrackingBalancer lb =
        Balancers.newBuilder().endpoints(endpoints(2)).ticker(ticker).seed(5).peakEwma();
    Lease first = lb.pick();
    String busy = first.endpoint().id();
    // the other endpoint is unsampled and idle (load 0); the busy one is penalised
    for (int i = 0; i < 5; i++) {
      Lease l = lb.pick();
      assertNotEquals(busy, l.endpoint().id());
      l.cancel();
    }
  }

  @Test
  void peakEwma_costJumpsUpAndDecaysWithTau() {
    FakeTicker ticker = new FakeTicker();
    io.perfkit.balance.internal.Load load = new io.perfkit.balance.internal.Load(ticker.read());
    double tau = Duration.ofSeconds(10).toNanos();
    assertEquals(5e6, load.observe(5e6, ticker.read(), tau), 0);
    assertEquals(20e6, load.observe(20e6, ticker.read(), tau), 0); // jump up at once
    ticker.advance(Duration.ofSeconds(10));
    double w = Math.exp(-1);
    assertEquals(20e6 * w + 1e6 * (1 - w), load.observe(1e6, ticker.read(), tau), 1e-6);
  }

  @Test
  void peakEwma_prefersFasterEndpoint() {
    FakeTicker ticker = new FakeTicker();
    TrackingBalancer lb =
        Balancers.newBuilder()
            .endpoints(endpoints(2))
            .ticker(ticker)
            .seed(11)
            .decayTime(Duration.ofSeconds(10))
            .peakEwma();
    // warm: e0 takes 1 ms, e1 takes 100 ms
    for (int i = 0; i < 4; i++) {
      Lease l = lb.pick();
      l.complete(l.endpoint().id().equals("e0") ? 1_000_000 : 100_000_000, true);
    }
    int fast = 0;
    for (int i = 0; i < 100; i++) {
      Lease l = lb.pick();
      if (l.endpoint().id().equals("e0")) {
        fast++;
      }
      l.complete(l.endpoint().id().equals("e0") ? 1_000_000 : 100_000_000, true);
      ticker.advance(Duration.ofMillis(1));
    }
    assertTrue(fast >= 98, "fast picks " + fast);
  }

  @Test
  void leastRequest_slowStartScalesTheScoreOfANewEndpoint() {
    FakeTicker ticker = new FakeTicker();
    TrackingBalancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("old")))
            .ticker(ticker)
            .seed(2)
            .slowStart(Duration.ofSeconds(10))
            .slowStartMinWeightPercent(10)
            .leastRequest();
    lb.add(Endpoint.of("new"));
    // new: 0.1 / (active + 1) against old: 1 / (active + 1): old takes picks until it holds 9
    List<Lease> open = new ArrayList<>();
    for (int i = 0; i < 9; i++) {
      Lease l = lb.pick();
      assertEquals("old", l.endpoint().id(), "pick " + i);
      open.add(l);
    }
    ticker.advance(Duration.ofSeconds(10)); // ramp over: equal weights, new is idle
    assertEquals("new", lb.pick().endpoint().id());
    open.forEach(Lease::cancel);
  }

  @Test
  void tracking_panicModeAndAllDown() {
    TrackingBalancer lb =
        Balancers.newBuilder().endpoints(endpoints(2)).panicThreshold(0).peakEwma();
    lb.setHealthy("e0", false);
    for (int i = 0; i < 5; i++) {
      Lease l = lb.pick();
      assertEquals("e1", l.endpoint().id());
      l.cancel();
    }
    lb.setEjected("e1", true);
    assertThrows(NoAvailableEndpointException.class, lb::pick);
  }
}
