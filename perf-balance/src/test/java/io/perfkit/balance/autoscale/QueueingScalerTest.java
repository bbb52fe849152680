package io.perfkit.balance.autoscale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Duration;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

final class QueueingScalerTest {

  @Test
  @DisplayName("Erlang C matches closed forms: M/M/1 is rho, M/M/2 at a = 1 is 1/3")
  void erlangClosedForms() {
    assertEquals(0.5, QueueingScaler.erlangC(1, 0.5, QueueingScaler.erlangB(1, 0.5)), 1e-15);
    assertEquals(1.0 / 3, QueueingScaler.erlangC(2, 1.0, QueueingScaler.erlangB(2, 1.0)), 1e-15);
  }

  @Test
  @DisplayName("Erlang B recurrence matches the exact sum at c = 200, a = 150")
  void erlangBExact() {
    MathContext mc = new MathContext(60);
    BigDecimal a = BigDecimal.valueOf(150);
    BigDecimal term = BigDecimal.ONE;
    BigDecimal sum = BigDecimal.ONE;
    for (int k = 1; k <= 200; k++) {
      term = term.multiply(a, mc).divide(BigDecimal.valueOf(k), mc);
      sum = sum.add(term, mc);
    }
    double exact = term.divide(sum, mc).doubleValue();
    assertEquals(exact, QueueingScaler.erlangB(200, 150), exact * 1e-12);
  }

  @Test
  @DisplayName("large c stays finite: a = 50,000 Erlangs")
  void largeC() {
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofMillis(100))
        .objective(LatencyObjective.waitPercentile(0.99, Duration.ofMillis(10)))
        .maxReplicas(100_000).build();
    QueueingDecision d = q.decide(500_000);
    assertTrue(d.objectiveMet());
    assertTrue(d.replicas() > 50_000 && d.replicas() < 60_000, d.toString());
    assertTrue(Double.isFinite(d.waitProbability()) && d.waitProbability() >= 0);
  }

  @Test
  @DisplayName("p99 waiting time objective: fewest replicas that meet it")
  void p99Objective() {
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofMillis(50))
        .objective(LatencyObjective.waitPercentile(0.99, Duration.ofMillis(5)))
        .utilizationCap(1.0).build();
    QueueingDecision d = q.decide(100); // a = 5 Erlangs
    assertTrue(d.objectiveMet());
    assertTrue(d.objectiveValue() <= 0.005);
    assertEquals(QueueingDecision.Reason.LATENCY_OBJECTIVE, d.reason());
    // One fewer replica misses it.
    QueueingScaler fewer = QueueingScaler.builder().serviceTime(Duration.ofMillis(50))
        .objective(LatencyObjective.waitPercentile(0.99, Duration.ofMillis(5)))
        .utilizationCap(1.0).maxReplicas(d.replicas() - 1).build();
    assertFalse(fewer.decide(100).objectiveMet());
  }

  @Test
  @DisplayName("utilization cap binds when the objective is loose")
  void utilizationCap() {
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofSeconds(1))
        .objective(LatencyObjective.meanResponse(Duration.ofSeconds(100)))
        .utilizationCap(0.5).build();
    QueueingDecision d = q.decide(10);
    assertEquals(20, d.replicas());
    assertEquals(QueueingDecision.Reason.UTILIZATION_CAP, d.reason());
  }

  @Test
  @DisplayName("Little's law: in system minus in queue is the offered load")
  void littlesLaw() {
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofMillis(20))
        .objective(LatencyObjective.meanWait(Duration.ofMillis(2))).build();
    QueueingDecision d = q.decide(400);
    assertEquals(d.offeredLoad(), d.inSystem() - d.queueLength(), 1e-9);
    assertEquals(400 * d.meanWait(), d.queueLength(), 1e-9);
    assertEquals(d.meanWait() + 0.02, d.meanResponse(), 1e-12);
  }

  @Test
  @DisplayName("unreachable objective returns max replicas, flagged")
  void unreachable() {
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofSeconds(1))
        .objective(LatencyObjective.meanResponse(Duration.ofMillis(500))).maxReplicas(50).build();
    QueueingDecision d = q.decide(10);
    assertEquals(50, d.replicas());
    assertEquals(QueueingDecision.Reason.MAX_REPLICAS, d.reason());
    assertFalse(d.objectiveMet());
    QueueingDecision overload = q.decide(1000);
    assertEquals(50, overload.replicas());
    assertFalse(overload.objectiveMet());
  }

  @Test
  @DisplayName("zero arrivals: min replicas; bad input rejected")
  void edges() {
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofSeconds(1))
        .objective(LatencyObjective.meanWait(Duration.ofSeconds(1))).minReplicas(2).build();
    assertEquals(2, q.decide(0).replicas());
    assertThrows(IllegalArgumentException.class, () -> q.decide(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> q.decide(-1));
    assertThrows(IllegalArgumentException.class, () -> q.decide(Double.POSITIVE_INFINITY));
    assertThrows(IllegalArgumentException.class,
        () -> QueueingScaler.builder().serviceTime(Duration.ZERO));
    assertThrows(IllegalArgumentException.class,
        () -> LatencyObjective.waitPercentile(1.0, Duration.ofSeconds(1)));
    assertThrows(IllegalStateException.class, () -> QueueingScaler.builder().build());
  }

  @Property(tries = 200)
  void fewestReplicasMeetingObjectiveAndCap(
      @ForAll @DoubleRange(min = 0.1, max = 2000) double lambda,
      @ForAll @IntRange(min = 1, max = 500) int serviceMillis,
      @ForAll @IntRange(min = 0, max = 200) int boundMillis,
      @ForAll @DoubleRange(min = 0.3, max = 1.0) double cap) {
    LatencyObjective obj = LatencyObjective.waitPercentile(0.99, Duration.ofMillis(boundMillis));
    QueueingScaler q = QueueingScaler.builder().serviceTime(Duration.ofMillis(serviceMillis))
        .objective(obj).utilizationCap(cap).maxReplicas(5000).build();
    QueueingDecision d = q.decide(lambda);
    double a = lambda * serviceMillis / 1000.0;
    assertTrue(d.objectiveMet());
    assertTrue(d.utilization() <= cap + 1e-12);
    int c = d.replicas() - 1;
    if (c >= 1 && a / c <= cap && a < c) {
      QueueingScaler fewer = QueueingScaler.builder().serviceTime(Duration.ofMillis(serviceMillis))
          .objective(obj).utilizationCap(cap).maxReplicas(c).build();
      assertFalse(fewer.decide(lambda).objectiveMet(), "c - 1 would also meet it");
    }
  }
}
