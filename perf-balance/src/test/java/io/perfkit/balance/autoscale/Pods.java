package io.perfkit.balance.autoscale;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Test fixtures: pods started long ago (outside the CPU initialisation period) and their metrics. */
final class Pods {
  static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
  static final Instant LONG_AGO = NOW.minus(Duration.ofHours(1));

  private Pods() {}

  /** {@code n} ready pods named p0..p(n-1), each requesting {@code cpuMilli} of CPU. */
  static List<PodSample> ready(int n, long cpuMilli) {
    List<PodSample> pods = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pods.add(PodSample.ready("p" + i, LONG_AGO, Map.of("cpu", cpuMilli, "memory", cpuMilli)));
    }
    return pods;
  }

  /** A pod that started long ago and was never ready. */
  static PodSample neverReady(PodSample p) {
    return p.withReady(ReadyCondition.FALSE, p.startTime());
  }

  /** Metrics p0=v0, p1=v1, ... sampled a minute ago over a one-minute window. */
  static Map<String, PodMetric> usage(long... values) {
    Map<String, PodMetric> m = new LinkedHashMap<>();
    for (int i = 0; i < values.length; i++) {
      m.put("p" + i, new PodMetric(values[i], NOW.minusSeconds(60), Duration.ofMinutes(1)));
    }
    return m;
  }

  static HorizontalInput input(int current, List<PodSample> pods, Metric... metrics) {
    return HorizontalInput.of(current, pods, List.of(metrics), NOW);
  }
}
