package io.perfkit.balance.autoscale;

import static io.perfkit.balance.autoscale.Pods.NOW;
import static io.perfkit.balance.autoscale.Pods.input;
import static io.perfkit.balance.autoscale.Pods.neverReady;
import static io.perfkit.balance.autoscale.Pods.ready;
import static io.perfkit.balance.autoscale.Pods.usage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Scenarios re-expressed from Kubernetes' {@code replica_calculator_test.go}: same inputs, same
 * expected replica counts and utilizations.
 */
final class ReplicaCalculatorTest {
  private final HorizontalScaler hpa = HorizontalScaler.builder().maxReplicas(100).build();

  private ReplicaProposal cpu(int current, List<PodSample> pods, int target, long... usage) {
    Metric m = new Metric.ResourceUtilization("cpu", target, usage(usage));
    return hpa.propose(m, input(current, pods));
  }

  @Test
  @DisplayName("scale up on CPU utilization")
  void scaleUp() {
    ReplicaProposal p = cpu(3, ready(3, 1000), 30, 300, 500, 700);
    assertEquals(5, p.replicas());
    assertEquals(50, p.utilizationPercent());
    assertEquals(500, p.usageMilli());
    assertEquals(ReplicaProposal.Reason.PROPORTIONAL, p.reason());
  }

  @Test
  @DisplayName("scale up with unready pods counts them at zero")
  void scaleUpWithUnreadyPods() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, neverReady(pods.get(0)));
    ReplicaProposal p = cpu(3, pods, 30, 300, 500, 700);
    assertEquals(4, p.replicas());
    assertEquals(60, p.utilizationPercent());
  }

  @Test
  @DisplayName("scale up ignores a hot unready pod's usage")
  void scaleUpIgnoresHotUnreadyPod() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, neverReady(pods.get(0)));
    ReplicaProposal p = cpu(3, pods, 30, 5000, 500, 700);
    assertEquals(4, p.replicas());
    assertEquals(60, p.utilizationPercent());
  }

  @Test
  @DisplayName("pending pods are unready")
  void pendingPodsAreUnready() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, pods.get(0).withPhase(PodPhase.PENDING));
    assertEquals(4, cpu(3, pods, 30, 300, 500, 700).replicas());
  }

  @Test
  @DisplayName("scale up ignores failed and deleting pods")
  void scaleUpIgnoresFailedAndDeletingPods() {
    List<PodSample> pods = new ArrayList<>(ready(4, 1000));
    pods.set(2, pods.get(2).withPhase(PodPhase.FAILED));
    pods.set(3, pods.get(3).deleted());
    ReplicaProposal p = cpu(2, pods, 30, 500, 700);
    assertEquals(4, p.replicas());
    assertEquals(60, p.utilizationPercent());
  }

  @Test
  @DisplayName("CPU inside the initialisation period: a sample taken before a full window since readiness is unready")
  void cpuInitializationPeriodWindow() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    // Started 2 min ago (inside the 5 min period), ready since 30 s ago, sampled 10 s ago over 1 min.
    pods.set(0, pods.get(0).withStartTime(NOW.minusSeconds(120))
        .withReady(ReadyCondition.TRUE, NOW.minusSeconds(30)));
    Map<String, PodMetric> u = usage(300, 500, 700);
    u.put("p0", new PodMetric(300, NOW.minusSeconds(10), Duration.ofMinutes(1)));
    ReplicaProposal p = hpa.propose(new Metric.ResourceUtilization("cpu", 30, u), input(3, pods));
    assertEquals(60, p.utilizationPercent());
    assertEquals(4, p.replicas());
  }

  @Test
  @DisplayName("a pod that was ready before and became unready after the initial delay still counts")
  void unreadyAfterBeingReadyCounts() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, pods.get(0).withReady(ReadyCondition.FALSE, NOW.minusSeconds(600)));
    ReplicaProposal p = cpu(3, pods, 30, 300, 500, 700);
    assertEquals(5, p.replicas());
    assertEquals(50, p.utilizationPercent());
  }

  @Test
  @DisplayName("readiness rules apply only to CPU: memory counts unready pods")
  void memoryIgnoresReadiness() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, neverReady(pods.get(0)));
    ReplicaProposal p = hpa.propose(
        new Metric.ResourceUtilization("memory", 30, usage(300, 500, 700)), input(3, pods));
    assertEquals(5, p.replicas());
  }

  @Test
  @DisplayName("scale down on CPU utilization")
  void scaleDown() {
    ReplicaProposal p = cpu(5, ready(5, 1000), 50, 100, 300, 500, 250, 250);
    assertEquals(3, p.replicas());
    assertEquals(28, p.utilizationPercent());
  }

  @Test
  @DisplayName("scale down excludes unready pods")
  void scaleDownExcludesUnreadyPods() {
    List<PodSample> pods = new ArrayList<>(ready(5, 1000));
    pods.set(3, neverReady(pods.get(3)));
    pods.set(4, neverReady(pods.get(4)));
    ReplicaProposal p = cpu(5, pods, 50, 100, 300, 500, 250, 250);
    assertEquals(2, p.replicas());
    assertEquals(30, p.utilizationPercent());
  }

  @Test
  @DisplayName("within tolerance keeps the current count")
  void withinTolerance() {
    ReplicaProposal p = cpu(3, ready(3, 1000), 100, 1010, 1090, 1070);
    assertEquals(3, p.replicas());
    assertEquals(105, p.utilizationPercent());
    assertEquals(ReplicaProposal.Reason.WITHIN_TOLERANCE, p.reason());
  }

  @Test
  @DisplayName("tolerance band is inclusive at exactly 1.1")
  void toleranceInclusive() {
    ReplicaProposal p = cpu(3, ready(3, 1000), 100, 1100, 1100, 1100);
    assertEquals(ReplicaProposal.Reason.WITHIN_TOLERANCE, p.reason());
    assertEquals(3, p.replicas());
  }

  @Test
  @DisplayName("separate scale-up and scale-down tolerances")
  void separateTolerances() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(10).behavior(new ScalingBehavior(
        ScalingRules.unset().withTolerance(0.5), ScalingRules.unset().withTolerance(0.0))).build();
    Metric up = new Metric.ResourceUtilization("cpu", 100, usage(1400, 1400, 1400));
    assertEquals(3, h.propose(up, input(3, ready(3, 1000))).replicas());
    Metric down = new Metric.ResourceUtilization("cpu", 100, usage(950, 950, 950));
    assertEquals(ReplicaProposal.Reason.PROPORTIONAL,
        h.propose(down, input(3, ready(3, 1000))).reason());
  }

  @Test
  @DisplayName("separate tolerances on the builder")
  void builderTolerances() {
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(10).tolerances(0.5, 0.0).build();
    Metric up = new Metric.ResourceUtilization("cpu", 100, usage(1400, 1400, 1400));
    assertEquals(ReplicaProposal.Reason.WITHIN_TOLERANCE,
        h.propose(up, input(3, ready(3, 1000))).reason());
    Metric down = new Metric.ResourceUtilization("cpu", 100, usage(990, 990, 990));
    assertEquals(ReplicaProposal.Reason.PROPORTIONAL,
        h.propose(down, input(3, ready(3, 1000))).reason());
  }

  @Test
  @DisplayName("scale up with missing metrics: rebalanced into tolerance keeps the count")
  void scaleUpWithMissingMetricsNoChange() {
    ReplicaProposal p = cpu(2, ready(2, 1000), 100, 1900);
    assertEquals(2, p.replicas());
    assertEquals(190, p.utilizationPercent());
    assertEquals(ReplicaProposal.Reason.WITHIN_TOLERANCE, p.reason());
  }

  @Test
  @DisplayName("scale up with missing metrics counts missing pods at zero")
  void scaleUpWithMissingMetrics() {
    ReplicaProposal p = cpu(4, ready(4, 1000), 50, 1000, 1000);
    // 2000 over 4000 requested with missing pods at 0 = 50 % -> within tolerance.
    assertEquals(4, p.replicas());
    ReplicaProposal q = cpu(4, ready(4, 1000), 50, 2000, 2000);
    // (4000 + 0 + 0) / 4000 = 100 % -> ratio 2 -> ceil(2 * 4) = 8.
    assertEquals(8, q.replicas());
  }

  @Test
  @DisplayName("scale down with missing metrics assumes missing pods at 100 % of request")
  void scaleDownWithMissingMetrics() {
    ReplicaProposal p = cpu(4, ready(4, 1000), 50, 100, 100, 100);
    // (300 + 1000) / 4000 = 32 % -> 0.64 -> ceil(2.56) = 3.
    assertEquals(3, p.replicas());
    assertEquals(10, p.utilizationPercent());
  }

  @Test
  @DisplayName("scale down with missing metrics and a target above 100 % uses the target")
  void scaleDownWithMissingMetricsTargetAbove100() {
    ReplicaProposal p = cpu(4, ready(4, 1000), 150, 100, 100, 100);
    // (300 + 1500) / 4000 = 45 % -> 0.3 -> ceil(1.2) = 2.
    assertEquals(2, p.replicas());
  }

  @Test
  @DisplayName("direction flipped by unready pods keeps the count")
  void directionFlippedByUnready() {
    List<PodSample> pods = new ArrayList<>(ready(4, 1000));
    for (int i = 1; i < 4; i++) {
      pods.set(i, neverReady(pods.get(i)));
    }
    ReplicaProposal p = cpu(4, pods, 100, 1500);
    // ready ratio 1.5, with three unready pods at 0: 1500 / 4000 = 0.37 -> flips to scale-down.
    assertEquals(4, p.replicas());
    assertEquals(ReplicaProposal.Reason.DIRECTION_CHANGED, p.reason());
  }

  @Test
  @DisplayName("direction flipped by missing pods keeps the count")
  void directionFlippedByMissing() {
    // Scale-up: ratio 1.5; the missing pod at 0 gives 0.75 -> would scale down instead.
    ReplicaProposal up = cpu(2, ready(2, 1000), 100, 1500);
    assertEquals(2, up.replicas());
    assertEquals(ReplicaProposal.Reason.DIRECTION_CHANGED, up.reason());
    // Scale-down: ratio 0.8; the missing pod at 100 % gives 1.4 -> would scale up instead.
    ReplicaProposal down = cpu(2, ready(2, 1000), 50, 400);
    assertEquals(2, down.replicas());
    assertEquals(ReplicaProposal.Reason.DIRECTION_CHANGED, down.reason());
  }

  @Test
  @DisplayName("more pods than replicas: a scale-down ratio that would add replicas keeps the count")
  void replicaCountAgainstRatio() {
    ReplicaProposal p = cpu(2, ready(4, 1000), 100, 400, 400, 400);
    // 0.4; missing at 100 %: 2200 / 4000 = 0.55 -> ceil(2.2) = 3 > 2 current.
    assertEquals(2, p.replicas());
    assertEquals(ReplicaProposal.Reason.DIRECTION_CHANGED, p.reason());
  }

  @Test
  @DisplayName("pods metric average value scales up; readiness is ignored for non-CPU metrics")
  void podsMetricScaleUp() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(2, neverReady(pods.get(2)));
    Metric m = new Metric.PodAverage("qps", false, 15000, usage(50000, 10000, 30000));
    ReplicaProposal p = hpa.propose(m, input(3, pods));
    assertEquals(6, p.replicas());
    assertEquals(30000, p.usageMilli());
  }

  @Test
  @DisplayName("pods metric within tolerance")
  void podsMetricTolerance() {
    Metric m = new Metric.PodAverage("qps", false, 20000, usage(20000, 21000, 21000));
    ReplicaProposal p = hpa.propose(m, input(3, ready(3, 1000)));
    assertEquals(3, p.replicas());
    assertEquals(20666, p.usageMilli());
  }

  @Test
  @DisplayName("pods metric scale down with missing metrics uses the target")
  void podsMetricMissingScaleDown() {
    Metric m = new Metric.PodAverage("qps", false, 10000, usage(1000, 1000, 1000));
    ReplicaProposal p = hpa.propose(m, input(4, ready(4, 1000)));
    // (3000 + 10000) / 4 = 3250 -> 0.325 * 4 = 1.3 -> 2.
    assertEquals(2, p.replicas());
  }

  @Test
  @DisplayName("resource average value uses CPU readiness")
  void resourceAverageValue() {
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, neverReady(pods.get(0)));
    Metric m = new Metric.PodAverage("cpu", true, 300, usage(300, 500, 700));
    // ready average 600 -> 2.0; unready at 0: 1200 / 3 = 400 -> 1.333 -> ceil(4.0) = 4.
    assertEquals(4, hpa.propose(m, input(3, pods)).replicas());
  }

  @Test
  @DisplayName("object value scales by ready pod count")
  void objectValue() {
    ReplicaProposal p = hpa.propose(new Metric.ObjectValue("queue", 15000, 20000),
        input(3, ready(3, 1000)));
    assertEquals(4, p.replicas());
    List<PodSample> pods = new ArrayList<>(ready(3, 1000));
    pods.set(0, neverReady(pods.get(0)));
    assertEquals(3, hpa.propose(new Metric.ObjectValue("queue", 15000, 20000), input(3, pods))
        .replicas());
  }

  @Test
  @DisplayName("object average value uses the status replica count")
  void objectAverage() {
    ReplicaProposal p = hpa.propose(new Metric.ObjectAverage("queue", 5000, 20000),
        input(3, ready(3, 1000)));
    assertEquals(4, p.replicas());
    assertEquals(6667, p.usageMilli());
    ReplicaProposal q = hpa.propose(new Metric.ObjectAverage("queue", 5000, 15500),
        input(3, ready(3, 1000)));
    assertEquals(3, q.replicas());
  }

  @Test
  @DisplayName("external value sums series and scales by ready pods")
  void externalValue() {
    ReplicaProposal p = hpa.propose(new Metric.ExternalValue("lag", 4400, List.of(8600L)),
        input(1, ready(1, 1000)));
    assertEquals(2, p.replicas());
    assertEquals(8600, p.usageMilli());
    ReplicaProposal q = hpa.propose(
        new Metric.ExternalValue("lag", 4400, List.of(4000L, 4600L)), input(1, ready(1, 1000)));
    assertEquals(2, q.replicas());
  }

  @Test
  @DisplayName("external average value per pod")
  void externalAverage() {
    ReplicaProposal p = hpa.propose(new Metric.ExternalAverage("lag", 2150, List.of(8600L)),
        input(3, ready(3, 1000)));
    assertEquals(4, p.replicas());
    assertEquals(2867, p.usageMilli());
  }

  @Test
  @DisplayName("external value scales from zero")
  void externalScaleFromZero() {
    HorizontalScaler h = HorizontalScaler.builder().minReplicas(0).maxReplicas(10).build();
    ReplicaProposal p = h.propose(new Metric.ExternalValue("lag", 10000, List.of(25000L)),
        input(0, List.of()));
    assertEquals(3, p.replicas());
    assertEquals(ReplicaProposal.Reason.FROM_ZERO, p.reason());
    assertEquals(0, h.propose(new Metric.ExternalValue("lag", 10000, List.of(0L)),
        input(0, List.of())).replicas());
    HorizontalDecision d = h.decide(input(0, List.of(),
        new Metric.ExternalValue("lag", 10000, List.of(25000L))), ScalingHistory.empty());
    assertEquals(3, d.desiredReplicas());
  }

  @Test
  @DisplayName("empty pod list is an invalid metric")
  void emptyPods() {
    ReplicaProposal p = cpu(3, List.of(), 50, 100);
    assertFalse(p.valid());
    assertTrue(p.error().contains("no pods"), p.error());
    assertEquals(-1, p.replicas());
  }

  @Test
  @DisplayName("all pods unready: no metrics for targeted pods")
  void allUnready() {
    List<PodSample> pods = new ArrayList<>();
    for (PodSample p : ready(2, 1000)) {
      pods.add(neverReady(p));
    }
    ReplicaProposal p = cpu(2, pods, 50, 100, 100);
    assertFalse(p.valid());
    assertTrue(p.error().contains("did not receive metrics"), p.error());
  }

  @Test
  @DisplayName("missing request is an invalid metric")
  void missingRequest() {
    List<PodSample> pods = List.of(PodSample.ready("p0", Pods.LONG_AGO, Map.of()));
    ReplicaProposal p = cpu(1, pods, 50, 100);
    assertFalse(p.valid());
    assertTrue(p.error().contains("missing request for cpu"), p.error());
  }

  @Test
  @DisplayName("zero requests: no metrics matched known pods")
  void zeroRequests() {
    ReplicaProposal p = cpu(2, ready(2, 0), 50, 100, 100);
    assertFalse(p.valid());
  }

  @Test
  @DisplayName("values near Long.MAX_VALUE milli-units do not overflow")
  void noOverflow() {
    long big = Long.MAX_VALUE;
    ReplicaProposal p = cpu(3, ready(3, big), 50, big, big, big);
    // 100 % of request against a 50 % target: ratio 2 -> 6.
    assertEquals(100, p.utilizationPercent());
    assertEquals(6, p.replicas());
    assertEquals(big, p.usageMilli());
    ReplicaProposal e = hpa.propose(
        new Metric.ExternalValue("x", 1, List.of(big, big, big)), input(3, ready(3, 1000)));
    assertEquals(Integer.MAX_VALUE, e.replicas());
    assertEquals(Long.MAX_VALUE, e.usageMilli());
    ReplicaProposal a = hpa.propose(
        new Metric.PodAverage("x", false, 1, usage(big, big)), input(2, ready(2, 1)));
    assertEquals(Integer.MAX_VALUE, a.replicas());
    ReplicaProposal m = cpu(4, ready(4, big), 200, 1, 1);
    // missing pods at 200 % of a Long.MAX_VALUE request: saturates, never negative.
    assertTrue(m.replicas() >= 0);
  }
}
