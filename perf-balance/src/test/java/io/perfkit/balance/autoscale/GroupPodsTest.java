package io.perfkit.balance.autoscale;

import static io.perfkit.balance.autoscale.Pods.NOW;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Pod grouping cases from Kubernetes' {@code TestGroupPods}, with its testing settings (CPU
 * initialisation period 2 min, initial readiness delay 10 s).
 */
final class GroupPodsTest {
  private final ReplicaCalculator calc = HorizontalScaler.builder().maxReplicas(10)
      .cpuInitializationPeriod(Duration.ofMinutes(2))
      .initialReadinessDelay(Duration.ofSeconds(10)).build().calculator();

  private static PodSample pod(String name, PodPhase phase, Instant start, ReadyCondition ready,
      Instant transition) {
    return new PodSample(name, phase, ready, transition, start, false, Map.of());
  }

  private ReplicaCalculator.Groups group(String resource, Map<String, PodMetric> metrics,
      PodSample... pods) {
    return calc.group(List.of(pods), metrics, resource, NOW);
  }

  private static void check(ReplicaCalculator.Groups g, int ready, Set<String> unready,
      Set<String> missing, Set<String> ignored) {
    assertEquals(ready, g.readyPodCount);
    assertEquals(unready, g.unready);
    assertEquals(missing, g.missing);
    assertEquals(ignored, g.ignored);
  }

  @Test
  @DisplayName("memory counts a pod without conditions as ready")
  void readyMemory() {
    check(group("memory", Map.of("a", PodMetric.of(1)),
        pod("a", PodPhase.SUCCEEDED, null, ReadyCondition.ABSENT, null)), 1, Set.of(), Set.of(),
        Set.of());
  }

  @Test
  @DisplayName("CPU: no ready condition is unready")
  void noCondition() {
    check(group("cpu", Map.of("a", PodMetric.of(1)),
        pod("a", PodPhase.SUCCEEDED, NOW, ReadyCondition.ABSENT, null)), 0, Set.of("a"), Set.of(),
        Set.of());
  }

  @Test
  @DisplayName("CPU: ready with a fresh full window during initialisation counts")
  void freshDuringInit() {
    check(group("cpu", Map.of("a", new PodMetric(1, NOW, Duration.ofSeconds(30))),
        pod("a", PodPhase.SUCCEEDED, NOW.minusSeconds(60), ReadyCondition.TRUE,
            NOW.minusSeconds(30))), 1, Set.of(), Set.of(), Set.of());
  }

  @Test
  @DisplayName("CPU: ready without a full window since readiness during initialisation is unready")
  void staleDuringInit() {
    check(group("cpu", Map.of("a", new PodMetric(1, NOW, Duration.ofSeconds(60))),
        pod("a", PodPhase.SUCCEEDED, NOW.minusSeconds(60), ReadyCondition.TRUE,
            NOW.minusSeconds(30))), 0, Set.of("a"), Set.of(), Set.of());
  }

  @Test
  @DisplayName("CPU: unready during initialisation is unready")
  void unreadyDuringInit() {
    check(group("cpu", Map.of("a", PodMetric.of(1)),
        pod("a", PodPhase.SUCCEEDED, NOW.minusSeconds(600), ReadyCondition.FALSE,
            NOW.minusSeconds(594))), 0, Set.of("a"), Set.of(), Set.of());
  }

  @Test
  @DisplayName("CPU: ready after initialisation counts even with an old sample")
  void readyAfterInit() {
    check(group("cpu", Map.of("a", new PodMetric(1, NOW.minusSeconds(120), Duration.ofMinutes(1))),
        pod("a", PodPhase.SUCCEEDED, NOW.minusSeconds(180), ReadyCondition.TRUE,
            NOW.minusSeconds(180))), 1, Set.of(), Set.of(), Set.of());
  }

  @Test
  @DisplayName("CPU: unready after having been ready counts")
  void wasReady() {
    check(group("cpu", Map.of("a", PodMetric.of(1)),
        pod("a", PodPhase.SUCCEEDED, NOW.minusSeconds(600), ReadyCondition.FALSE,
            NOW.minusSeconds(540))), 1, Set.of(), Set.of(), Set.of());
  }

  @Test
  @DisplayName("CPU: transition exactly at start + delay counts (strictly-after rule)")
  void boundaryOfDelay() {
    check(group("cpu", Map.of("a", PodMetric.of(1)),
        pod("a", PodPhase.SUCCEEDED, NOW.minusSeconds(600), ReadyCondition.FALSE,
            NOW.minusSeconds(590))), 1, Set.of(), Set.of(), Set.of());
  }

  @Test
  @DisplayName("several pods: unready, ready, missing")
  void severalPods() {
    check(group("cpu", Map.of("l", PodMetric.of(1), "n", PodMetric.of(1)),
        pod("l", PodPhase.SUCCEEDED, NOW, ReadyCondition.ABSENT, null),
        pod("n", PodPhase.SUCCEEDED, NOW.minusSeconds(180), ReadyCondition.TRUE,
            NOW.minusSeconds(180)),
        pod("e", PodPhase.SUCCEEDED, NOW.minusSeconds(180), ReadyCondition.ABSENT, null)),
        1, Set.of("l"), Set.of("e"), Set.of());
  }

  @Test
  @DisplayName("pending is unready; deleting and failed are ignored")
  void pendingDeletingFailed() {
    check(group("cpu", Map.of(), pod("u", PodPhase.PENDING, null, ReadyCondition.ABSENT, null)),
        0, Set.of("u"), Set.of(), Set.of());
    check(group("cpu", Map.of("d", PodMetric.of(1)),
        pod("d", PodPhase.PENDING, null, ReadyCondition.ABSENT, null).deleted()),
        0, Set.of(), Set.of(), Set.of("d"));
    check(group("cpu", Map.of("f", PodMetric.of(1)),
        pod("f", PodPhase.FAILED, null, ReadyCondition.ABSENT, null)),
        0, Set.of(), Set.of(), Set.of("f"));
  }

  @Test
  @DisplayName("computed tolerance: just outside the band scales 10 -> 9, just inside keeps 10")
  void computedTolerance() {
    // Kubernetes' TestReplicaCalcComputedToleranceAlgImplementation: 10 pods using 150 m each,
    // requesting 3000 m in total with jitter.
    long[] jitter = {100, -100, 10, -10, 2, -2, 1, -1, 0, 0};
    List<PodSample> pods = new java.util.ArrayList<>();
    long[] usage = new long[10];
    for (int i = 0; i < 10; i++) {
      pods.add(PodSample.ready("p" + i, Pods.LONG_AGO, Map.of("cpu", 300 + jitter[i])));
      usage[i] = 150;
    }
    HorizontalScaler hpa = HorizontalScaler.builder().maxReplicas(100).build();
    ReplicaProposal out = hpa.propose(
        new Metric.ResourceUtilization("cpu", 56, Pods.usage(usage)), Pods.input(10, pods));
    assertEquals(9, out.replicas());
    assertEquals(50, out.utilizationPercent());
    ReplicaProposal in = hpa.propose(
        new Metric.ResourceUtilization("cpu", 55, Pods.usage(usage)), Pods.input(10, pods));
    assertEquals(10, in.replicas());
  }

  @Test
  @DisplayName("rolling update with max surge: a pods metric keeps the count")
  void rollingUpdateMaxSurgePodsMetric() {
    HorizontalScaler hpa = HorizontalScaler.builder().maxReplicas(100).build();
    ReplicaProposal p = hpa.propose(
        new Metric.PodAverage("qps", false, 17000, Pods.usage(10000, 10000)),
        Pods.input(2, Pods.ready(3, 1000)));
    assertEquals(2, p.replicas());
    assertEquals(10000, p.usageMilli());
  }
}
