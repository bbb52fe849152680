package io.perfkit.bench.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns benchmark results into markdown: for every group of comparable results (same method, mode,
 * threads and params other than {@code impl}), each perfkit result with its speed-up over each peer,
 * then every result in full.
 */
final class RatioTable {
  private RatioTable() {}

  /** One perfkit result against one peer in the same group. */
  record Ratio(BenchResult ours, BenchResult peer, double speedup) {}

  /** Every (perfkit result, peer result) pair that ran side by side, in input order. */
  static List<Ratio> ratios(List<BenchResult> results) {
    Map<String, List<BenchResult>> groups = new LinkedHashMap<>();
    for (BenchResult r : results) {
      if (r.impl() != null) {
        groups.computeIfAbsent(r.groupKey(), k -> new ArrayList<>()).add(r);
      }
    }
    List<Ratio> ratios = new ArrayList<>();
    for (List<BenchResult> group : groups.values()) {
      for (BenchResult ours : group) {
        if (!ours.isOurs()) {
          continue;
        }
        for (BenchResult peer : group) {
          if (!peer.isOurs() && peer.score() > 0 && ours.score() > 0) {
            ratios.add(new Ratio(ours, peer, ours.speedupOver(peer)));
          }
        }
      }
    }
    return ratios;
  }

  /** The whole markdown body: the ratio table, then all results. */
  static String markdown(List<BenchResult> results) {
    StringBuilder md = new StringBuilder();
    List<Ratio> ratios = ratios(results);
    md.append("## perfkit vs peers\n\n");
    if (ratios.isEmpty()) {
      md.append("No benchmark with an `impl` parameter ran.\n\n");
    } else {
      md.append("Speed-up = how many times faster perfkit is than the peer in the same run "
          + "(> 1: perfkit faster; for time modes it is peer time / perfkit time).\n\n");
      md.append("| benchmark | params | threads | perfkit impl | peer | perfkit | peer score | speed-up |\n");
      md.append("|---|---|---:|---|---|---:|---:|---:|\n");
      for (Ratio r : ratios) {
        md.append("| ").append(shortName(r.ours().benchmark()))
            .append(" | ").append(r.ours().otherParams())
            .append(" | ").append(r.ours().threads())
            .append(" | ").append(r.ours().impl())
            .append(" | ").append(r.peer().impl())
            .append(" | ").append(score(r.ours()))
            .append(" | ").append(score(r.peer()))
            .append(" | ").append(String.format(Locale.US, "%.2f×", r.speedup()))
            .append(" |\n");
      }
      md.append('\n');
    }
    md.append("## All results\n\n");
    md.append("| benchmark | mode | threads | params | score | ± error | unit |\n");
    md.append("|---|---|---:|---|---:|---:|---|\n");
    for (BenchResult r : results) {
      md.append("| ").append(shortName(r.benchmark()))
          .append(" | ").append(r.mode())
          .append(" | ").append(r.threads())
          .append(" | ").append(paramsOf(r))
          .append(" | ").append(number(r.score()))
          .append(" | ").append(Double.isNaN(r.error()) ? "" : number(r.error()))
          .append(" | ").append(r.unit())
          .append(" |\n");
    }
    return md.toString();
  }

  private static String paramsOf(BenchResult r) {
    String others = r.otherParams();
    String impl = r.impl();
    if (impl == null) {
      return others;
    }
    return others.isEmpty() ? "impl=" + impl : "impl=" + impl + ", " + others;
  }

  private static String score(BenchResult r) {
    return number(r.score()) + " " + r.unit();
  }

  /** Drops the common package prefix: {@code io.perfkit.bench.queue.SpscBenchmark.run}. */
  static String shortName(String benchmark) {
    String prefix = "io.perfkit.bench.";
    return benchmark.startsWith(prefix) ? benchmark.substring(prefix.length()) : benchmark;
  }

  static String number(double v) {
    double a = Math.abs(v);
    if (a >= 100) {
      return String.format(Locale.US, "%,.0f", v);
    } else if (a >= 1) {
      return String.format(Locale.US, "%.2f", v);
    } else {
      return String.format(Locale.US, "%.4g", v);
    }
  }
}
