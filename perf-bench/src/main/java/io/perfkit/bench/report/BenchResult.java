package io.perfkit.bench.report;

import java.util.Map;
import java.util.TreeMap;

/**
 * One benchmark result as the report needs it: decoupled from JMH's classes so the ratio logic can be
 * tested on its own.
 *
 * @param benchmark fully qualified benchmark method ({@code pkg.Class.method})
 * @param mode JMH mode short label ({@code thrpt}, {@code avgt}, {@code sample}, {@code ss})
 * @param threads threads the benchmark ran with
 * @param params every {@code @Param} of the benchmark, including {@code impl} when present
 * @param score primary score
 * @param error score error (99.9 % half-width), NaN when JMH could not compute it
 * @param unit score unit
 */
record BenchResult(
    String benchmark, String mode, int threads, Map<String, String> params, double score,
    double error, String unit) {

  /** The parameter naming the implementation: ours start with {@code perfkit}. */
  static final String IMPL = "impl";

  BenchResult {
    params = new TreeMap<>(params);
  }

  /** The implementation name, or {@code null} if the benchmark has no {@code impl} param. */
  String impl() {
    return params.get(IMPL);
  }

  boolean isOurs() {
    String impl = impl();
    return impl != null && impl.startsWith("perfkit");
  }

  /** True when a higher score is better (throughput); false for time-per-operation modes. */
  boolean higherIsBetter() {
    return mode.equals("thrpt");
  }

  /** Identifies results that are comparable: same method, mode, threads and params except impl. */
  String groupKey() {
    Map<String, String> others = new TreeMap<>(params);
    others.remove(IMPL);
    return benchmark + '|' + mode + '|' + threads + '|' + others;
  }

  /** The params other than {@code impl}, as {@code k=v, k=v}. */
  String otherParams() {
    StringBuilder sb = new StringBuilder();
    params.forEach((k, v) -> {
      if (!k.equals(IMPL)) {
        sb.append(sb.length() == 0 ? "" : ", ").append(k).append('=').append(v);
      }
    });
    return sb.toString();
  }

  /**
   * How many times faster this result is than {@code peer}: {@code > 1} means this one is faster,
   * whatever the mode.
   */
  double speedupOver(BenchResult peer) {
    return higherIsBetter() ? score / peer.score : peer.score / score;
  }
}
