package io.perfkit.balance.health;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.Balancer;
import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

final class ActiveHealthCheckerTest {
  @Test
  void thresholds_markDownAndUp() {
    Balancer lb =
        Balancers.newBuilder()
            .endpoints(List.of(Endpoint.of("a"), Endpoint.of("b")))
            .panicThreshold(0)
            .roundRobin();
    Set<String> failing = ConcurrentHashMap.newKeySet();
    ActiveHealthChecker checker =
        ActiveHealthChecker.newBuilder(
                lb,
                e -> {
                  if (e.id().equals("b") && failing.contains("throw")) {
                    throw new java.io.IOException("connection refused");
                  }
                  return !failing.contains(e.id());
                })
            .healthyThreshold(2)
            .unhealthyThreshold(3)
            .build();
    failing.add("a");
    checker.checkNow();
    checker.checkNow();
    assertTrue(lb.isAvailable("a"));
    checker.checkNow();
    assertFalse(lb.isAvailable("a"));
    failing.remove("a");
    checker.checkNow();
    assertFalse(lb.isAvailable("a"));
    checker.checkNow();
    assertTrue(lb.isAvailable("a"));
    failing.add("throw"); // exceptions count as failures
    for (int i = 0; i < 3; i++) {
      checker.checkNow();
    }
    assertFalse(lb.isAvailable("b"));
    checker.close();
    assertThrows(IllegalStateException.class, checker::checkNow);
  }

  @Test
  void start_runsOnUserScheduler() throws Exception {
    Balancer lb = Balancers.newBuilder().endpoints(List.of(Endpoint.of("a"))).roundRobin();
    CountDownLatch probed = new CountDownLatch(3);
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ActiveHealthChecker checker =
        ActiveHealthChecker.newBuilder(
                lb,
                e -> {
                  probed.countDown();
                  return true;
                })
            .interval(Duration.ofMillis(1))
            .scheduler(scheduler)
            .build()) {
      checker.start();
      assertThrows(IllegalStateException.class, checker::start);
      assertTrue(probed.await(10, TimeUnit.SECONDS));
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void start_withoutSchedulerThrows() {
    Balancer lb = Balancers.newBuilder().roundRobin();
    ActiveHealthChecker checker = ActiveHealthChecker.newBuilder(lb, e -> true).build();
    assertThrows(IllegalStateException.class, checker::start);
    assertThrows(
        IllegalArgumentException.class,
        () -> ActiveHealthChecker.newBuilder(lb, e -> true).healthyThreshold(0));
  }
}
