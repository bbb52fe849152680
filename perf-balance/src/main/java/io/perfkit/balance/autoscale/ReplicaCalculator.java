package io.perfkit.balance.autoscale;

import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Port of Kubernetes' replica calculator ({@code pkg/controller/podautoscaler/replica_calculator.go}
 * and {@code metrics/utilization.go}): one metric in, one proposed replica count out.
 *
 * <p>Arithmetic follows Kubernetes step by step: integer utilization {@code (sum * 100) / requests},
 * integer averages {@code sum / n}, then float64 ratios and {@code ceil}. Where Go's int64 sums or
 * int32 conversions would silently wrap (values near {@code Long.MAX_VALUE} milli-units), sums are
 * exact ({@link BigInteger}) and conversions saturate instead, so a result is never negative.
 */
final class ReplicaCalculator {
  private final double toleranceUp;
  private final double toleranceDown;
  private final Duration cpuInitializationPeriod;
  private final Duration initialReadinessDelay;

  ReplicaCalculator(
      double toleranceUp,
      double toleranceDown,
      Duration cpuInitializationPeriod,
      Duration initialReadinessDelay) {
    this.toleranceUp = toleranceUp;
    this.toleranceDown = toleranceDown;
    this.cpuInitializationPeriod = cpuInitializationPeriod;
    this.initialReadinessDelay = initialReadinessDelay;
  }

  /** Inclusive band {@code [1 - down, 1 + up]}; NaN is never within. */
  boolean isWithin(double ratio) {
    return (1.0 - toleranceDown) <= ratio && ratio <= (1.0 + toleranceUp);
  }

  ReplicaProposal propose(Metric metric, HorizontalInput in) {
    try {
      if (metric instanceof Metric.ResourceUtilization m) {
        return resourceUtilization(m, in);
      } else if (metric instanceof Metric.PodAverage m) {
        return plain(m.name(), m.resource() ? m.name() : "", m.targetMilli(), m.values(), in);
      } else if (metric instanceof Metric.ObjectValue m) {
        double ratio = (double) m.valueMilli() / (double) m.targetMilli();
        return usageRatioReplicas(m.name(), m.valueMilli(), ratio, in);
      } else if (metric instanceof Metric.ObjectAverage m) {
        return perPod(m.name(), BigInteger.valueOf(m.valueMilli()), m.targetMilli(), in);
      } else if (metric instanceof Metric.ExternalValue m) {
        BigInteger usage = sum(m.valuesMilli());
        double ratio = usage.doubleValue() / (double) m.targetMilli();
        return usageRatioReplicas(m.name(), saturate(usage), ratio, in);
      } else if (metric instanceof Metric.ExternalAverage m) {
        return perPod(m.name(), sum(m.valuesMilli()), m.targetMilli(), in);
      } else if (metric instanceof Metric.Unavailable m) {
        return ReplicaProposal.invalid(m.name(), m.error());
      }
      throw new AssertionError(metric);
    } catch (InvalidMetric e) {
      return ReplicaProposal.invalid(metric.name(), e.getMessage());
    }
  }

  /* ---------------- pod grouping ---------------- */

  /** Kubernetes' pod groups; package-private for tests. */
  static final class Groups {
    int readyPodCount;
    final Set<String> unready = new TreeSet<>();
    final Set<String> missing = new TreeSet<>();
    final Set<String> ignored = new TreeSet<>();
  }

  /** Kubernetes' {@code groupPods}. */
  Groups group(List<PodSample> pods, Map<String, PodMetric> metrics, String resource,
      Instant now) {
    Groups g = new Groups();
    for (PodSample pod : pods) {
      if (pod.deleting() || pod.phase() == PodPhase.FAILED) {
        g.ignored.add(pod.name());
        continue;
      }
      if (pod.phase() == PodPhase.PENDING) {
        g.unready.add(pod.name());
        continue;
      }
      PodMetric metric = metrics.get(pod.name());
      if (metric == null) {
        g.missing.add(pod.name());
        continue;
      }
      if ("cpu".equals(resource)) {
        boolean unready;
        if (pod.ready() == ReadyCondition.ABSENT || pod.startTime() == null) {
          unready = true;
        } else {
          // Go's zero time stands in for a condition without a transition time.
          Instant transition = pod.readyTransition() != null ? pod.readyTransition() : Instant.MIN;
          if (pod.startTime().plus(cpuInitializationPeriod).isAfter(now)) {
            // Inside the initialisation period: unready, or no full metric window since the
            // last readiness transition.
            unready = pod.ready() == ReadyCondition.FALSE
                || metric.timestamp().isBefore(plusSaturating(transition, metric.window()));
          } else {
            // After it: ignore only pods that are unready and never became ready.
            unready = pod.ready() == ReadyCondition.FALSE
                && pod.startTime().plus(initialReadinessDelay).isAfter(transition);
          }
        }
        if (unready) {
          g.unready.add(pod.name());
          continue;
        }
      }
      g.readyPodCount++;
    }
    return g;
  }

  private static Instant plusSaturating(Instant t, Duration d) {
    try {
      return t.plus(d);
    } catch (java.time.DateTimeException | ArithmeticException e) {
      return Instant.MAX;
    }
  }

  /* ---------------- resource utilization ---------------- */

  private ReplicaProposal resourceUtilization(Metric.ResourceUtilization m, HorizontalInput in) {
    List<PodSample> pods = in.pods();
    if (pods.isEmpty()) {
      throw new InvalidMetric("no pods returned by selector while calculating replica count");
    }
    Map<String, Long> values = new TreeMap<>();
    m.usage().forEach((k, v) -> values.put(k, v.valueMilli()));
    Groups g = group(pods, m.usage(), m.resource(), in.now());
    values.keySet().removeAll(g.ignored);
    values.keySet().removeAll(g.unready);
    if (values.isEmpty()) {
      throw new InvalidMetric("did not receive metrics for targeted pods (pods might be unready)");
    }
    Map<String, Long> requests = new TreeMap<>();
    for (PodSample pod : pods) {
      Long request = pod.requestsMilli().get(m.resource());
      if (request == null) {
        throw new InvalidMetric(
            "missing request for " + m.resource() + " in pod " + pod.name());
      }
      requests.put(pod.name(), request);
    }
    Utilization u = utilization(values, requests, m.targetPercent());
    int current = in.currentReplicas();
    boolean scaleUpWithUnready = !g.unready.isEmpty() && u.ratio > 1.0;
    if (!scaleUpWithUnready && g.missing.isEmpty()) {
      if (isWithin(u.ratio)) {
        return proposal(m.name(), current, u, ReplicaProposal.Reason.WITHIN_TOLERANCE);
      }
      return proposal(m.name(), ceilToInt(u.ratio * g.readyPodCount), u,
          ReplicaProposal.Reason.PROPORTIONAL);
    }
    if (!g.missing.isEmpty()) {
      if (u.ratio < 1.0) {
        // Scale-down: missing pods use 100 % of their request, or the target if above 100 %.
        long fallback = Math.max(100, m.targetPercent());
        for (String pod : g.missing) {
          values.put(pod, mulDiv(requests.get(pod), fallback, 100));
        }
      } else if (u.ratio > 1.0) {
        for (String pod : g.missing) {
          values.put(pod, 0L);
        }
      }
    }
    if (scaleUpWithUnready) {
      for (String pod : g.unready) {
        values.put(pod, 0L);
      }
    }
    Utilization rebalanced = utilization(values, requests, m.targetPercent());
    double newRatio = rebalanced.ratio;
    if (isWithin(newRatio)) {
      return proposal(m.name(), current, u, ReplicaProposal.Reason.WITHIN_TOLERANCE);
    }
    if ((u.ratio > 1.0 && newRatio < 1.0) || (u.ratio < 1.0 && newRatio > 1.0)) {
      return proposal(m.name(), current, u, ReplicaProposal.Reason.DIRECTION_CHANGED);
    }
    int replicas = ceilToInt(newRatio * values.size());
    if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current)) {
      return proposal(m.name(), current, u, ReplicaProposal.Reason.DIRECTION_CHANGED);
    }
    return proposal(m.name(), replicas, u, ReplicaProposal.Reason.PROPORTIONAL);
  }

  private record Utilization(double ratio, int percent, long rawAverage) {}

  private static ReplicaProposal proposal(String name, int replicas, Utilization u,
      ReplicaProposal.Reason reason) {
    return new ReplicaProposal(name, replicas, u.rawAverage, u.percent, u.ratio, reason, null);
  }

  /** Kubernetes' {@code GetResourceUtilizationRatio}, exact where Go would overflow. */
  private static Utilization utilization(Map<String, Long> metrics, Map<String, Long> requests,
      int targetPercent) {
    BigInteger metricsTotal = BigInteger.ZERO;
    BigInteger requestsTotal = BigInteger.ZERO;
    int entries = 0;
    for (Map.Entry<String, Long> e : metrics.entrySet()) {
      Long request = requests.get(e.getKey());
      if (request == null) {
        continue;
      }
      metricsTotal = metricsTotal.add(BigInteger.valueOf(e.getValue()));
      requestsTotal = requestsTotal.add(BigInteger.valueOf(request));
      entries++;
    }
    if (requestsTotal.signum() == 0) {
      throw new InvalidMetric("no metrics returned matched known pods");
    }
    BigInteger percent = metricsTotal.multiply(BigInteger.valueOf(100)).divide(requestsTotal);
    int current = percent.bitLength() < 32 ? percent.intValue() : Integer.MAX_VALUE;
    long rawAverage = metricsTotal.divide(BigInteger.valueOf(entries)).longValue();
    return new Utilization((double) current / (double) targetPercent, current, rawAverage);
  }

  /* ---------------- plain (average value) metrics ---------------- */

  private ReplicaProposal plain(String name, String resource, long target,
      Map<String, PodMetric> podMetrics, HorizontalInput in) {
    if (in.pods().isEmpty()) {
      throw new InvalidMetric("no pods returned by selector while calculating replica count");
    }
    Map<String, Long> values = new TreeMap<>();
    podMetrics.forEach((k, v) -> values.put(k, v.valueMilli()));
    Groups g = group(in.pods(), podMetrics, resource, in.now());
    values.keySet().removeAll(g.ignored);
    values.keySet().removeAll(g.unready);
    if (values.isEmpty()) {
      throw new InvalidMetric("did not receive metrics for targeted pods (pods might be unready)");
    }
    long usage = average(values);
    double ratio = (double) usage / (double) target;
    int current = in.currentReplicas();
    boolean scaleUpWithUnready = !g.unready.isEmpty() && ratio > 1.0;
    if (!scaleUpWithUnready && g.missing.isEmpty()) {
      if (isWithin(ratio)) {
        return plainProposal(name, current, usage, ratio, ReplicaProposal.Reason.WITHIN_TOLERANCE);
      }
      return plainProposal(name, ceilToInt(ratio * g.readyPodCount), usage, ratio,
          ReplicaProposal.Reason.PROPORTIONAL);
    }
    if (!g.missing.isEmpty()) {
      // Scale-down: missing pods at the target; otherwise at zero.
      long fallback = ratio < 1.0 ? target : 0L;
      for (String pod : g.missing) {
        values.put(pod, fallback);
      }
    }
    if (scaleUpWithUnready) {
      for (String pod : g.unready) {
        values.put(pod, 0L);
      }
    }
    double newRatio = (double) average(values) / (double) target;
    if (isWithin(newRatio)) {
      return plainProposal(name, current, usage, ratio, ReplicaProposal.Reason.WITHIN_TOLERANCE);
    }
    if ((ratio > 1.0 && newRatio < 1.0) || (ratio < 1.0 && newRatio > 1.0)) {
      return plainProposal(name, current, usage, ratio, ReplicaProposal.Reason.DIRECTION_CHANGED);
    }
    int replicas = ceilToInt(newRatio * values.size());
    if ((newRatio < 1.0 && replicas > current) || (newRatio > 1.0 && replicas < current)) {
      return plainProposal(name, current, usage, ratio, ReplicaProposal.Reason.DIRECTION_CHANGED);
    }
    return plainProposal(name, replicas, usage, ratio, ReplicaProposal.Reason.PROPORTIONAL);
  }

  private static ReplicaProposal plainProposal(String name, int replicas, long usage, double ratio,
      ReplicaProposal.Reason reason) {
    return new ReplicaProposal(name, replicas, usage, -1, ratio, reason, null);
  }

  /* ---------------- object and external metrics ---------------- */

  /** Kubernetes' {@code getUsageRatioReplicaCount}. */
  private ReplicaProposal usageRatioReplicas(String name, long usage, double ratio,
      HorizontalInput in) {
    int current = in.currentReplicas();
    if (current != 0) {
      if (isWithin(ratio)) {
        return plainProposal(name, current, usage, ratio, ReplicaProposal.Reason.WITHIN_TOLERANCE);
      }
      if (in.pods().isEmpty()) {
        throw new InvalidMetric("unable to calculate ready pods: "
            + "no pods returned by selector while calculating replica count");
      }
      long ready = 0;
      for (PodSample pod : in.pods()) {
        if (pod.phase() == PodPhase.RUNNING && pod.ready() == ReadyCondition.TRUE) {
          ready++;
        }
      }
      return plainProposal(name, ceilToInt(ratio * (double) ready), usage, ratio,
          ReplicaProposal.Reason.PROPORTIONAL);
    }
    return plainProposal(name, ceilToInt(ratio), usage, ratio, ReplicaProposal.Reason.FROM_ZERO);
  }

  /** Kubernetes' {@code GetObjectPerPodMetricReplicas} and {@code GetExternalPerPodMetricReplicas}. */
  private ReplicaProposal perPod(String name, BigInteger usage, long target, HorizontalInput in) {
    int status = in.statusReplicas();
    double usageD = usage.doubleValue();
    double ratio = usageD / ((double) target * (double) status);
    int replicas = status;
    ReplicaProposal.Reason reason = ReplicaProposal.Reason.WITHIN_TOLERANCE;
    if (!isWithin(ratio)) {
      replicas = ceilToInt(usageD / (double) target);
      reason = ReplicaProposal.Reason.PROPORTIONAL;
    }
    // Per-replica usage; with no replicas (Go divides by zero) the total is reported.
    long perReplica = status == 0 ? saturate(usage) : ceilToLong(usageD / (double) status);
    return new ReplicaProposal(name, replicas, perReplica, -1, ratio, reason, null);
  }

  /* ---------------- arithmetic ---------------- */

  private static long average(Map<String, Long> values) {
    BigInteger total = BigInteger.ZERO;
    for (long v : values.values()) {
      total = total.add(BigInteger.valueOf(v));
    }
    return total.divide(BigInteger.valueOf(values.size())).longValue();
  }

  private static BigInteger sum(List<Long> values) {
    BigInteger total = BigInteger.ZERO;
    for (long v : values) {
      total = total.add(BigInteger.valueOf(v));
    }
    return total;
  }

  private static long saturate(BigInteger v) {
    return v.bitLength() < 64 ? v.longValue() : (v.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE);
  }

  /** {@code floor(a * b / c)} for non-negative operands, saturating at {@code Long.MAX_VALUE}. */
  static long mulDiv(long a, long b, long c) {
    long hi = Math.multiplyHigh(a, b);
    long lo = a * b;
    if (hi == 0 && lo >= 0) {
      return lo / c;
    }
    return saturate(BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)));
  }

  /** {@code int32(math.Ceil(x))} for {@code x >= 0}, saturating instead of wrapping. */
  static int ceilToInt(double x) {
    return (int) Math.ceil(x); // Java's narrowing saturates; NaN becomes 0
  }

  private static long ceilToLong(double x) {
    return (long) Math.ceil(x);
  }

  /** A metric that cannot be evaluated (Kubernetes returns an error for it). */
  static final class InvalidMetric extends RuntimeException {
    private static final long serialVersionUID = 1L;

    InvalidMetric(String message) {
      super(message, null, false, false);
    }
  }
}
