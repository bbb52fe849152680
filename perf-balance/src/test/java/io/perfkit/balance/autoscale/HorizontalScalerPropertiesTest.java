package io.perfkit.balance.autoscale;

import static io.perfkit.balance.autoscale.Pods.NOW;
import static io.perfkit.balance.autoscale.Pods.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

/** Properties of the horizontal scaler that hold for every input. */
final class HorizontalScalerPropertiesTest {

  private static List<Metric> cpu(int pods, long[] usage, int target) {
    long[] u = new long[pods];
    for (int i = 0; i < pods; i++) {
      u[i] = usage[i % usage.length];
    }
    return List.of(new Metric.ResourceUtilization("cpu", target, Pods.usage(u)));
  }

  @Property(tries = 300)
  void resultWithinMinMax(
      @ForAll @IntRange(min = 0, max = 5) int min,
      @ForAll @IntRange(min = 0, max = 30) int span,
      @ForAll @IntRange(min = 1, max = 40) int current,
      @ForAll @Size(min = 1, max = 5) List<@LongRange(min = 0, max = 5000) Long> usage,
      @ForAll @IntRange(min = 1, max = 200) int target,
      @ForAll boolean withBehavior) {
    int max = Math.max(1, min + span);
    HorizontalScaler.Builder b = HorizontalScaler.builder().minReplicas(Math.min(min, max))
        .maxReplicas(max);
    if (withBehavior) {
      b.behavior(ScalingBehavior.defaults());
    }
    HorizontalScaler h = b.build();
    long[] u = usage.stream().mapToLong(Long::longValue).toArray();
    HorizontalDecision d = h.decide(
        HorizontalInput.of(current, ready(current, 1000), cpu(current, u, target), NOW),
        ScalingHistory.empty());
    assertTrue(d.desiredReplicas() >= h.minReplicas() && d.desiredReplicas() <= h.maxReplicas(),
        () -> d.toString());
  }

  @Property(tries = 300)
  void ratioWithinToleranceKeepsCount(
      @ForAll @IntRange(min = 1, max = 50) int current,
      @ForAll @LongRange(min = 1, max = 1_000_000) long target,
      @ForAll @DoubleRange(min = 0.9, max = 1.1) double ratio) {
    long value = (long) Math.floor(target * ratio);
    double actual = (double) value / target;
    if (actual < 0.9 || actual > 1.1) {
      return; // rounding pushed the value out of the band
    }
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(1000).build();
    ReplicaProposal p = h.propose(new Metric.ObjectValue("m", target, value),
        HorizontalInput.of(current, ready(current, 1000), List.of(), NOW));
    assertEquals(current, p.replicas());
    HorizontalDecision d = h.decide(HorizontalInput.of(current, ready(current, 1000),
        List.of(new Metric.ObjectValue("m", target, value)), NOW), ScalingHistory.empty());
    assertEquals(current, d.desiredReplicas());
  }

  @Property(tries = 300)
  void monotoneInTheMetric(
      @ForAll @IntRange(min = 1, max = 20) int current,
      @ForAll @IntRange(min = 1, max = 200) int target,
      @ForAll @LongRange(min = 0, max = 5000) long a,
      @ForAll @LongRange(min = 0, max = 5000) long b) {
    long lo = Math.min(a, b);
    long hi = Math.max(a, b);
    HorizontalScaler h = HorizontalScaler.builder().maxReplicas(1000).build();
    int rLo = h.propose(cpu(current, new long[] {lo}, target).get(0),
        HorizontalInput.of(current, ready(current, 1000), List.of(), NOW)).replicas();
    int rHi = h.propose(cpu(current, new long[] {hi}, target).get(0),
        HorizontalInput.of(current, ready(current, 1000), List.of(), NOW)).replicas();
    assertTrue(rLo <= rHi, () -> lo + "->" + rLo + " " + hi + "->" + rHi);
  }

  @Property(tries = 150)
  void stabilisedScaleDownNeverBelowWindowMaximum(
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 1, max = 40) Integer> wanted,
      @ForAll @Size(min = 2, max = 30) List<@IntRange(min = 5, max = 200) Integer> gaps,
      @ForAll boolean withBehavior) {
    HorizontalScaler.Builder builder = HorizontalScaler.builder().maxReplicas(50);
    if (withBehavior) {
      builder.behavior(ScalingBehavior.defaults());
    }
    HorizontalScaler h = builder.build();
    Duration window = Duration.ofMinutes(5);
    ScalingHistory hist = ScalingHistory.empty();
    List<Integer> recs = new ArrayList<>();
    List<Instant> times = new ArrayList<>();
    int current = 10;
    Instant now = NOW;
    for (int i = 0; i < wanted.size(); i++) {
      now = now.plusSeconds(gaps.get(i % gaps.size()));
      int want = wanted.get(i);
      Metric m = new Metric.ObjectValue("m", 1000L * current, 1000L * want);
      HorizontalDecision d = h.decide(
          HorizontalInput.of(current, ready(current, 1000), List.of(m), now), hist);
      recs.add(d.metricReplicas());
      times.add(now);
      if (d.desiredReplicas() < current) {
        int highest = 0;
        for (int j = 0; j < recs.size(); j++) {
          if (times.get(j).isAfter(now.minus(window))) {
            highest = Math.max(highest, recs.get(j));
          }
        }
        int bound = Math.min(highest, current);
        assertTrue(d.desiredReplicas() >= bound,
            "scale-down to " + d.desiredReplicas() + " below window maximum " + highest);
      }
      hist = d.history();
      current = d.desiredReplicas();
    }
  }
}
