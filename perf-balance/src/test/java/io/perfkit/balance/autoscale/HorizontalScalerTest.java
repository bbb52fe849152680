package io.perfkit.balance.autoscale;

import static io.perfkit.balance.autoscale.Pods.NOW;
import static io.perfkit.balance.autoscale.Pods.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.balance.autoscale.HorizontalDecision.Limit;
import io.perfkit.balance.autoscale.HorizontalDecision.Outcome;
import io.perfkit.balance.autoscale.HorizontalDecision.Stabilization;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Controller normalisation scenarios, re-expressed from Kubernetes' {@code horizontal_test.go}. */
final class HorizontalScalerTest {

  /** An object metric whose proposal is exactly {@code desired} with {@code current} ready pods. */
  private static HorizontalInput wants(int current, int desired, Instant now) {
    // ratio = desired / current with current ready pods -> ceil(ratio * current) = desired.
    Metric m = current == 0
        ? new Metric.ExternalValue("m", 1000, List.of(desired * 1000L))
        : new Metric.ObjectValue("m", 1000L * current, 1000L * desired);
    return HorizontalInput.of(current, ready(current, 1000), List.of(m), now);
  }

  private static HorizontalScaler legacy(int min, int max) {
    return HorizontalScaler.builder().minReplicas(min).maxReplicas(max).build();
  }

  @Test
  @DisplayName("legacy scale-up limit is max(2 x current, 4)")
  void legacyScaleUpLimit() {
    HorizontalDecision d = legacy(1, 100).decide(wants(3, 20, NOW), ScalingHistory.empty());
    assertEquals(6, d.desiredReplicas());
    assertEquals(20, d.metricReplicas());
    assertEquals(Limit.SCALE_UP_LIMIT, d.limit());
    assertTrue(d.limited());
    HorizontalDecision small = legacy(1, 100).decide(wants(1, 20, NOW), ScalingHistory.empty());
    assertEquals(4, small.desiredReplicas());
  }

  @Test
  @DisplayName("too many replicas caps at maxReplicas")
  void tooManyReplicas() {
    HorizontalDecision d = legacy(1, 6).decide(wants(5, 20, NOW), ScalingHistory.empty());
    assertEquals(6, d.desiredReplicas());
    assertEquals(Limit.TOO_MANY_REPLICAS, d.limit());
  }

  @Test
  @DisplayName("too few replicas raises to minReplicas")
  void tooFewReplicas() {
    HorizontalDecision d = legacy(3, 10).decide(wants(5, 1, NOW), ScalingHistory.empty());
    assertEquals(3, d.desiredReplicas());
    assertEquals(Limit.TOO_FEW_REPLICAS, d.limit());
  }

  @Test
  @DisplayName("current above max scales to max without metrics")
  void aboveMax() {
    HorizontalDecision d = legacy(1, 4).decide(wants(7, 7, NOW), ScalingHistory.empty());
    assertEquals(4, d.desiredReplicas());
    assertEquals(Outcome.ABOVE_MAX_REPLICAS, d.outcome());
  }

  @Test
  @DisplayName("current below min scales to min without metrics")
  void belowMin() {
    HorizontalDecision d = legacy(3, 10).decide(wants(1, 1, NOW), ScalingHistory.empty());
    assertEquals(3, d.desiredReplicas());
    assertEquals(Outcome.BELOW_MIN_REPLICAS, d.outcome());
  }

  @Test
  @DisplayName("zero replicas with minReplicas > 0: scaling disabled")
  void scalingDisabled() {
    HorizontalDecision d = legacy(1, 10).decide(wants(0, 5, NOW), ScalingHistory.empty());
    assertEquals(0, d.desiredReplicas());
    assertEquals(Outcome.SCALING_DISABLED, d.outcome());
    assertFalse(d.rescale());
  }

  @Test
  @DisplayName("legacy scale-down is stabilised over 300 s")
  void legacyScaleDownStabilised() {
    HorizontalScaler h = legacy(1, 20);
    ScalingHistory hist = h.decide(wants(8, 8, NOW.minusSeconds(120)), ScalingHistory.empty())
        .history();
    HorizontalDecision d = h.decide(wants(8, 4, NOW), hist);
    assertEquals(8, d.desiredReplicas());
    assertEquals(Stabilization.SCALE_DOWN_STABILIZED, d.stabilization());
    // Once the 8 is older than the window, the scale-down goes through.
    HorizontalDecision later = h.decide(wants(8, 4, NOW.plusSeconds(181)), d.history());
    assertEquals(4, later.desiredReplicas());
    assertEquals(Stabilization.READY_FOR_NEW_SCALE, later.stabilization());
    // The old slot was reused: two recommendations recorded, not three.
    assertEquals(2, later.history().recommendations().size());
  }

  @Test
  @DisplayName("legacy window cutoff is inclusive")
  void legacyCutoffInclusive() {
    HorizontalScaler h = legacy(1, 20);
    ScalingHistory hist = h.decide(wants(8, 8, NOW.minusSeconds(300)), ScalingHistory.empty())
        .history();
    assertEquals(8, h.decide(wants(8, 4, NOW), hist).desiredReplicas());
  }

  @Test
  @DisplayName("multiple metrics: the largest proposal wins")
  void multipleMetricsMax() {
    List<Metric> metrics = List.of(
        new Metric.ObjectValue("a", 3000, 6000),
        new Metric.ObjectValue("b", 3000, 9000));
    HorizontalDecision d = legacy(1, 100).decide(
        HorizontalInput.of(3, ready(3, 1000), metrics, NOW), ScalingHistory.empty());
    assertEquals(6, d.desiredReplicas());
    assertEquals(9, d.metricReplicas());
    assertEquals("b", d.metric());
  }

  @Test
  @DisplayName("an invalid metric does not block a scale-up")
  void invalidMetricScaleUp() {
    List<Metric> metrics = List.of(new Metric.Unavailable("a", "boom"),
        new Metric.ObjectValue("b", 3000, 6000));
    HorizontalDecision d = legacy(1, 100).decide(
        HorizontalInput.of(3, ready(3, 1000), metrics, NOW), ScalingHistory.empty());
    assertEquals(6, d.desiredReplicas());
    assertEquals(Outcome.NORMALIZED, d.outcome());
  }

  @Test
  @DisplayName("an invalid metric blocks a scale-down")
  void invalidMetricScaleDown() {
    List<Metric> metrics = List.of(new Metric.Unavailable("a", "boom"),
        new Metric.ObjectValue("b", 3000, 1000));
    HorizontalDecision d = legacy(1, 100).decide(
        HorizontalInput.of(3, ready(3, 1000), metrics, NOW), ScalingHistory.empty());
    assertEquals(3, d.desiredReplicas());
    assertEquals(Outcome.NO_DECISION, d.outcome());
    assertTrue(d.message().contains("boom"), d.message());
  }

  @Test
  @DisplayName("no metrics at all: no decision")
  void noMetrics() {
    HorizontalDecision d = legacy(1, 100).decide(
        HorizontalInput.of(3, ready(3, 1000), List.of(), NOW), ScalingHistory.empty());
    assertEquals(Outcome.NO_DECISION, d.outcome());
    assertEquals(3, d.desiredReplicas());
  }

  @Test
  @DisplayName("behavior defaults: scale up by max(4 pods, 100 %) per 15 s")
  void behaviorDefaultsScaleUp() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100)
        .behavior(new ScalingBehavior(null, null)).build();
    assertEquals(5, h.decide(wants(1, 50, NOW), ScalingHistory.empty()).desiredReplicas());
    HorizontalDecision d = h.decide(wants(10, 50, NOW), ScalingHistory.empty());
    assertEquals(20, d.desiredReplicas());
    assertEquals(Limit.SCALE_UP_LIMIT, d.limit());
    // The scale event is recorded: 10 s later the period started at 10, so the limit stays 20.
    HorizontalDecision next = h.decide(wants(20, 50, NOW.plusSeconds(10)), d.history());
    assertEquals(20, next.desiredReplicas());
    // After the 15 s period the budget is back.
    HorizontalDecision after = h.decide(wants(20, 50, NOW.plusSeconds(16)), next.history());
    assertEquals(40, after.desiredReplicas());
  }

  @Test
  @DisplayName("behavior defaults: scale-down window falls back to the controller's 300 s")
  void behaviorDefaultScaleDownWindow() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100)
        .behavior(ScalingBehavior.defaults()).build();
    ScalingHistory hist = h.decide(wants(10, 10, NOW.minusSeconds(100)), ScalingHistory.empty())
        .history();
    HorizontalDecision d = h.decide(wants(10, 2, NOW), hist);
    assertEquals(10, d.desiredReplicas());
    assertEquals(Stabilization.SCALE_DOWN_STABILIZED, d.stabilization());
  }

  @Test
  @DisplayName("scale-up stabilisation window keeps the lowest recent recommendation")
  void scaleUpStabilised() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100).behavior(new ScalingBehavior(
        ScalingRules.unset().withStabilizationWindow(Duration.ofSeconds(60)), null)).build();
    ScalingHistory hist = h.decide(wants(3, 3, NOW.minusSeconds(30)), ScalingHistory.empty())
        .history();
    HorizontalDecision d = h.decide(wants(3, 8, NOW), hist);
    assertEquals(3, d.desiredReplicas());
    assertEquals(Stabilization.SCALE_UP_STABILIZED, d.stabilization());
  }

  @Test
  @DisplayName("percent policy limits scale down")
  void percentPolicyLimitsScaleDown() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100).behavior(new ScalingBehavior(
        null, new ScalingRules(Duration.ZERO, null,
            List.of(ScalingPolicy.percent(10, Duration.ofSeconds(60))), null))).build();
    HorizontalDecision d = h.decide(wants(10, 2, NOW), ScalingHistory.empty());
    assertEquals(9, d.desiredReplicas());
    assertEquals(Limit.SCALE_DOWN_LIMIT, d.limit());
    // 30 s later, 1 removed within the period: the period started at 10 -> limit 9 again -> stay.
    HorizontalDecision next = h.decide(wants(9, 2, NOW.plusSeconds(30)), d.history());
    assertEquals(9, next.desiredReplicas());
  }

  @Test
  @DisplayName("pods policy limits scale up")
  void podsPolicyLimitsScaleUp() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100).behavior(new ScalingBehavior(
        ScalingRules.unset().withPolicies(ScalingPolicy.pods(2, Duration.ofSeconds(60))), null))
        .build();
    HorizontalDecision d = h.decide(wants(2, 10, NOW), ScalingHistory.empty());
    assertEquals(4, d.desiredReplicas());
    assertEquals(Limit.SCALE_UP_LIMIT, d.limit());
  }

  @Test
  @DisplayName("select policy Max takes the larger change, Min the smaller")
  void selectPolicy() {
    ScalingRules rules = ScalingRules.unset().withPolicies(
        ScalingPolicy.pods(4, Duration.ofSeconds(60)),
        ScalingPolicy.percent(100, Duration.ofSeconds(60)));
    HorizontalScaler max = HorizontalScaler.builder().maxReplicas(100)
        .behavior(new ScalingBehavior(rules, null)).build();
    HorizontalScaler min = HorizontalScaler.builder().maxReplicas(100)
        .behavior(new ScalingBehavior(rules.withSelectPolicy(ScalingRules.SelectPolicy.MIN), null))
        .build();
    assertEquals(20, max.decide(wants(10, 50, NOW), ScalingHistory.empty()).desiredReplicas());
    assertEquals(14, min.decide(wants(10, 50, NOW), ScalingHistory.empty()).desiredReplicas());
  }

  @Test
  @DisplayName("select policy Disabled stops scaling down")
  void disabledScaleDown() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100).behavior(new ScalingBehavior(
        null, new ScalingRules(Duration.ZERO, ScalingRules.SelectPolicy.DISABLED, null, null)))
        .build();
    HorizontalDecision d = h.decide(wants(10, 2, NOW), ScalingHistory.empty());
    assertEquals(10, d.desiredReplicas());
    assertEquals(Limit.SCALE_DOWN_LIMIT, d.limit());
  }

  @Test
  @DisplayName("scale-up events in the period use up the budget; scale-downs give it back")
  void scaleEventHistory() {
    ScalingRules up = ScalingRules.unset().withPolicies(ScalingPolicy.pods(4, Duration.ofSeconds(60)));
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(100)
        .behavior(new ScalingBehavior(up, new ScalingRules(Duration.ZERO, null, null, null))).build();
    ScalingHistory hist = new ScalingHistory(List.of(),
        List.of(new ScalingHistory.ScaleEvent(4, NOW.minusSeconds(30), false)), List.of());
    HorizontalDecision d = h.decide(wants(6, 20, NOW), hist);
    // period start = 6 - 4 = 2 -> limit 6 -> stays.
    assertEquals(6, d.desiredReplicas());
    assertEquals(Limit.SCALE_UP_LIMIT, d.limit());
    ScalingHistory withDown = new ScalingHistory(List.of(),
        List.of(new ScalingHistory.ScaleEvent(4, NOW.minusSeconds(30), false)),
        List.of(new ScalingHistory.ScaleEvent(2, NOW.minusSeconds(20), false)));
    assertEquals(8, h.decide(wants(6, 20, NOW), withDown).desiredReplicas());
    // An event older than the period no longer counts.
    ScalingHistory old = new ScalingHistory(List.of(),
        List.of(new ScalingHistory.ScaleEvent(4, NOW.minusSeconds(60), false)), List.of());
    assertEquals(10, h.decide(wants(6, 20, NOW), old).desiredReplicas());
  }

  @Test
  @DisplayName("outdated scale events have their slot reused")
  void outdatedEventsReused() {
    ScalingHistory h = ScalingHistory.empty();
    ScalingBehavior b = ScalingBehavior.defaults();
    h = h.withScaleEvent(b, 1, 3, NOW.minusSeconds(100));
    h = h.withScaleEvent(b, 3, 5, NOW);
    assertEquals(1, h.scaleUpEvents().size());
    assertEquals(2, h.scaleUpEvents().get(0).change());
  }

  @Test
  @DisplayName("bad configuration is rejected with the value named")
  void badConfiguration() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> HorizontalScaler.builder().minReplicas(5).maxReplicas(3).build());
    assertTrue(e.getMessage().contains("minReplicas: 5"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> HorizontalScaler.builder().minReplicas(-1));
    assertThrows(IllegalArgumentException.class, () -> HorizontalScaler.builder().maxReplicas(0));
    assertThrows(IllegalStateException.class, () -> HorizontalScaler.builder().build());
    assertThrows(IllegalArgumentException.class,
        () -> HorizontalScaler.builder().tolerance(Double.NaN));
    assertThrows(IllegalArgumentException.class,
        () -> new Metric.ResourceUtilization("cpu", 0, java.util.Map.of()));
    assertThrows(IllegalArgumentException.class, () -> new Metric.ObjectValue("x", -1, 1));
    assertThrows(IllegalArgumentException.class, () -> new Metric.ObjectValue("x", 1, -1));
    assertThrows(IllegalArgumentException.class, () -> PodMetric.of(-5));
    assertThrows(IllegalArgumentException.class,
        () -> ScalingPolicy.pods(1, Duration.ofSeconds(1801)));
    assertThrows(IllegalArgumentException.class,
        () -> HorizontalInput.of(-1, List.of(), List.of(), NOW));
    List<PodSample> twice = List.of(ready(1, 1).get(0), ready(1, 1).get(0));
    assertThrows(IllegalArgumentException.class,
        () -> HorizontalInput.of(1, twice, List.of(), NOW));
  }
}
