package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One metric of a horizontal scaling decision: its target together with the values observed for
 * this decision, in milli-units (Kubernetes' {@code MilliValue()}). The kinds mirror the
 * {@code autoscaling/v2} metric sources:
 *
 * <ul>
 *   <li>{@link ResourceUtilization}: percent of the pods' requests ({@code Resource} or
 *       {@code ContainerResource} with {@code type: Utilization});
 *   <li>{@link PodAverage}: an average value per pod ({@code Resource}/{@code ContainerResource}
 *       with {@code type: AverageValue}, or a {@code Pods} metric);
 *   <li>{@link ObjectValue}, {@link ObjectAverage}: a metric of one other object;
 *   <li>{@link ExternalValue}, {@link ExternalAverage}: a metric from outside the cluster, summed
 *       over its series.
 *   <li>{@link Unavailable}: a metric that could not be fetched (counts as an invalid metric).
 * </ul>
 *
 * <p>Immutable and thread-safe.
 */
public sealed interface Metric {

  /** The metric's name, used in results. */
  String name();

  /**
   * Resource utilization: the pods' usage as a percentage of their requests of {@code resource}.
   * For {@code resource == "cpu"} the CPU readiness rules apply (initialisation period, initial
   * readiness delay).
   *
   * @param resource the resource name ({@code "cpu"}, {@code "memory"}, ...)
   * @param targetPercent the target utilization in percent, {@code > 0}
   * @param usage usage per pod name, in milli-units; pods without an entry are "missing"
   */
  record ResourceUtilization(String resource, int targetPercent, Map<String, PodMetric> usage)
      implements Metric {
    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if {@code targetPercent <= 0}
     * @throws NullPointerException if an argument, key or value is null
     */
    public ResourceUtilization {
      Checks.requireNonNull(resource, "resource");
      Checks.checkPositive(targetPercent, "targetPercent");
      usage = copy(usage, "usage");
    }

    @Override
    public String name() {
      return resource;
    }
  }

  /**
   * Average value per pod: a resource with an {@code AverageValue} target, or a {@code Pods}
   * metric. For {@code name == "cpu"} with {@code resource == true}, the CPU readiness rules apply.
   *
   * @param name the metric or resource name
   * @param resource whether this is a resource metric (CPU readiness rules apply to {@code "cpu"})
   * @param targetMilli the target average value per pod in milli-units, {@code > 0}
   * @param values value per pod name, in milli-units; pods without an entry are "missing"
   */
  record PodAverage(String name, boolean resource, long targetMilli, Map<String, PodMetric> values)
      implements Metric {
    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if {@code targetMilli <= 0}
     * @throws NullPointerException if an argument, key or value is null
     */
    public PodAverage {
      Checks.requireNonNull(name, "name");
      Checks.checkPositive(targetMilli, "targetMilli");
      values = copy(values, "values");
    }
  }

  /**
   * The value of a metric describing one object, against a target value.
   *
   * @param name the metric name
   * @param targetMilli the target value in milli-units, {@code > 0}
   * @param valueMilli the observed value in milli-units, {@code >= 0}
   */
  record ObjectValue(String name, long targetMilli, long valueMilli) implements Metric {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if {@code targetMilli <= 0} or {@code valueMilli < 0}
     * @throws NullPointerException if {@code name} is null
     */
    public ObjectValue {
      Checks.requireNonNull(name, "name");
      Checks.checkPositive(targetMilli, "targetMilli");
      Checks.checkNonNegative(valueMilli, "valueMilli");
    }
  }

  /**
   * The value of a metric describing one object, against a target per pod.
   *
   * @param name the metric name
   * @param targetMilli the target value per pod in milli-units, {@code > 0}
   * @param valueMilli the observed total value in milli-units, {@code >= 0}
   */
  record ObjectAverage(String name, long targetMilli, long valueMilli) implements Metric {
    /**
     * Validates.
     *
     * @throws IllegalArgumentException if {@code targetMilli <= 0} or {@code valueMilli < 0}
     * @throws NullPointerException if {@code name} is null
     */
    public ObjectAverage {
      Checks.requireNonNull(name, "name");
      Checks.checkPositive(targetMilli, "targetMilli");
      Checks.checkNonNegative(valueMilli, "valueMilli");
    }
  }

  /**
   * An external metric (summed over all its series) against a target value. Supports scaling
   * from zero replicas.
   *
   * @param name the metric name
   * @param targetMilli the target value in milli-units, {@code > 0}
   * @param valuesMilli the observed series values in milli-units, each {@code >= 0}
   */
  record ExternalValue(String name, long targetMilli, List<Long> valuesMilli) implements Metric {
    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if {@code targetMilli <= 0} or a value is negative
     * @throws NullPointerException if an argument or value is null
     */
    public ExternalValue {
      Checks.requireNonNull(name, "name");
      Checks.checkPositive(targetMilli, "targetMilli");
      valuesMilli = copyValues(valuesMilli);
    }
  }

  /**
   * An external metric (summed over all its series) against a target per pod.
   *
   * @param name the metric name
   * @param targetMilli the target value per pod in milli-units, {@code > 0}
   * @param valuesMilli the observed series values in milli-units, each {@code >= 0}
   */
  record ExternalAverage(String name, long targetMilli, List<Long> valuesMilli) implements Metric {
    /**
     * Validates and copies.
     *
     * @throws IllegalArgumentException if {@code targetMilli <= 0} or a value is negative
     * @throws NullPointerException if an argument or value is null
     */
    public ExternalAverage {
      Checks.requireNonNull(name, "name");
      Checks.checkPositive(targetMilli, "targetMilli");
      valuesMilli = copyValues(valuesMilli);
    }
  }

  /**
   * A metric that could not be fetched; it makes the metric invalid in the decision, exactly like
   * a metrics-API error in Kubernetes.
   *
   * @param name the metric name
   * @param error why it is unavailable
   */
  record Unavailable(String name, String error) implements Metric {
    /**
     * Validates.
     *
     * @throws NullPointerException if an argument is null
     */
    public Unavailable {
      Checks.requireNonNull(name, "name");
      Checks.requireNonNull(error, "error");
    }
  }

  private static Map<String, PodMetric> copy(Map<String, PodMetric> in, String what) {
    Checks.requireNonNull(in, what);
    TreeMap<String, PodMetric> out = new TreeMap<>();
    for (Map.Entry<String, PodMetric> e : in.entrySet()) {
      out.put(Checks.requireNonNull(e.getKey(), what + " key"),
          Checks.requireNonNull(e.getValue(), what + "[" + e.getKey() + "]"));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  private static List<Long> copyValues(List<Long> in) {
    Checks.requireNonNull(in, "valuesMilli");
    for (int i = 0; i < in.size(); i++) {
      Long v = Checks.requireNonNull(in.get(i), "valuesMilli[" + i + "]");
      Checks.checkNonNegative(v.longValue(), "valuesMilli[" + i + "]");
    }
    return List.copyOf(in);
  }
}
