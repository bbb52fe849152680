package io.perfkit.bench.cache;

import io.perfkit.bench.cache.SimPolicies.Lower;
import io.perfkit.bench.cache.SimPolicies.Policy;
import io.perfkit.bench.cache.Workloads.Workload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * Hit-ratio harness (subcommand {@code hit-ratio}): replays real traces and synthetic workloads through
 * LRU, Caffeine and tiered designs at equal total capacity {@code C = S * (1 + k)}, {@code k = 3}, and
 * prints a Markdown table plus each design's worst and average margin.
 *
 * <p>Usage: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.cache.HitRatio
 * [--traces DIR] [--designs all|shipped] [--only a,b] [--workloads w1,w2] [--quick]}. {@code DIR} defaults to
 * {@code ../shared/data/cache-traces}; every {@code *.trace.gz} in it is replayed. The system property
 * {@code sketch.samples} (default 10) sets the models' sketch sample period per entry.
 */
public final class HitRatio {
  private static final int K = 3;

  private HitRatio() {}

  /**
   * Runs the study.
   *
   * @param args see the class documentation
   */
  public static void main(String[] args) throws Exception {
    Path traces = Path.of("../shared/data/cache-traces");
    boolean all = true;
    boolean quick = false;
    java.util.Set<String> only = null;
    java.util.Set<String> workloadNames = null;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--traces" -> traces = Path.of(args[++i]);
        case "--designs" -> all = args[++i].equals("all");
        case "--only" -> only = java.util.Set.of(args[++i].split(","));
        case "--quick" -> quick = true;
        case "--workloads" -> workloadNames = java.util.Set.of(args[++i].split(","));
        default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
      }
    }
    List<Workload> workloads = workloads(traces, quick);
    if (workloadNames != null) {
      java.util.Set<String> keep = workloadNames;
      workloads.removeIf(w -> !keep.contains(w.name()));
    }
    Map<String, IntFunction<Policy>> designs = designs(all);
    if (only != null) {
      java.util.Set<String> keep = only;
      designs.keySet().removeIf(name -> !keep.contains(name) && !name.equals("lru")
          && !name.equals("caffeine"));
    }
    run(workloads, designs);
  }

  static List<Workload> workloads(Path traces, boolean quick) throws Exception {
    List<Workload> list = new ArrayList<>();
    if (Files.isDirectory(traces)) {
      try (var files = Files.list(traces)) {
        for (Path file : files.filter(p -> p.toString().endsWith(".trace.gz")).sorted().toList()) {
          long[] keys = Workloads.readTrace(file);
          String name = file.getFileName().toString().replace(".trace.gz", "");
          list.add(new Workload(name, keys, traceCapacities(keys)));
        }
      }
    } else {
      System.err.println("no trace directory at " + traces + "; synthetic workloads only");
    }
    int n = quick ? 200_000 : 1_000_000;
    int[] sizes = {400, 2_000, 8_000};
    for (double s : new double[] {0.6, 0.8, 1.0, 1.2}) {
      list.add(new Workload("zipf-" + s, Workloads.zipf(n, 100_000, s, 42), sizes));
    }
    list.add(new Workload("scan+hot", Workloads.scanAndHot(n, 20_000, 200, 2_000, 7), sizes));
    list.add(new Workload("loop-5k", Workloads.loop(n / 2, 5_000, 0.0, 3),
        new int[] {1_000, 2_400, 4_000}));
    list.add(new Workload("loop+zipf", Workloads.loop(n / 2, 5_000, 0.3, 5),
        new int[] {1_000, 2_400, 4_000}));
    list.add(new Workload("shifting", Workloads.shifting(n, 20_000, 50_000, 11), sizes));
    return list;
  }

  /** Five total capacities spread over the trace's working set, multiples of 1 + k. */
  private static int[] traceCapacities(long[] keys) {
    long distinct = java.util.Arrays.stream(keys).distinct().count();
    int[] sizes = new int[5];
    double[] fractions = {0.05, 0.1, 0.25, 0.5, 0.75};
    for (int i = 0; i < sizes.length; i++) {
      int c = (int) Math.max(K + 1, Math.round(distinct * fractions[i]));
      sizes[i] = c - c % (K + 1);
    }
    return sizes;
  }

  static Map<String, IntFunction<Policy>> designs(boolean all) {
    Map<String, IntFunction<Policy>> designs = new LinkedHashMap<>();
    designs.put("lru", SimPolicies::lru);
    designs.put("caffeine", SimPolicies::caffeine);
    designs.put("naive", c -> SimPolicies.tiered(c / (K + 1), c - c / (K + 1), Lower.LRU, 1, true));
    if (all) {
      designs.put("tlfu-lru1", c -> tiered(c, Lower.TINYLFU_LRU, 1, true));
      designs.put("tlfu-slru2", c -> tiered(c, Lower.TINYLFU_SLRU, 2, true));
      designs.put("tlfu-slru4", c -> tiered(c, Lower.TINYLFU_SLRU, 4, true));
      designs.put("s3fifo", c -> tiered(c, Lower.S3FIFO, Integer.MAX_VALUE, true));
      designs.put("tlfu-clock", c -> tiered(c, Lower.TINYLFU_CLOCK, Integer.MAX_VALUE, true));
      designs.put("tlfu-slru", c -> tiered(c, Lower.TINYLFU_SLRU, Integer.MAX_VALUE, true));
      designs.put("tlfu-slru-m", c -> tiered(c, Lower.TINYLFU_SLRU, Integer.MAX_VALUE, false));
      designs.put("ghost10", c -> tiered(c, Lower.GHOST10, Integer.MAX_VALUE, false));
      designs.put("ghost50", c -> tiered(c, Lower.GHOST50, Integer.MAX_VALUE, false));
      designs.put("ghost-climb", c -> tiered(c, Lower.GHOST_CLIMB, Integer.MAX_VALUE, false));
      designs.put("adaptive", c -> tiered(c, Lower.ADAPTIVE, Integer.MAX_VALUE, false));
      designs.put("gate-strict", c -> SimPolicies.tieredGated(c / (K + 1), c - c / (K + 1),
          Lower.TINYLFU_SLRU, true, 16));
      designs.put("duel", c -> SimPolicies.tieredGated(c / (K + 1), c - c / (K + 1),
          Lower.DUEL, false, 16));
      designs.put("gate-duel", c -> SimPolicies.tieredGated(c / (K + 1), c - c / (K + 1),
          Lower.DUEL, true, 2));
      designs.put("gate-duel1", c -> SimPolicies.tieredGated(c / (K + 1), c - c / (K + 1),
          Lower.DUEL_WARM, true, 2));
      designs.put("gate", c -> SimPolicies.tieredGated(c / (K + 1), c - c / (K + 1),
          Lower.TINYLFU_SLRU, true, 2));
      designs.put("bypass2", c -> SimPolicies.tieredColdBypass(c / (K + 1), c - c / (K + 1),
          Lower.TINYLFU_SLRU, 2));

    }
    designs.put("perfkit", c -> SimPolicies.perfkit(c / (K + 1), c - c / (K + 1)));
    return designs;
  }

  private static Policy tiered(int c, Lower lower, int promoteAfter, boolean sketchL1Hits) {
    int l1 = c / (K + 1);
    return SimPolicies.tiered(l1, c - l1, lower, promoteAfter, sketchL1Hits);
  }

  static double hitRatio(long[] keys, Policy policy) {
    long hits = 0;
    for (long key : keys) {
      if (policy.access(key)) {
        hits++;
      }
    }
    return 100.0 * hits / keys.length;
  }

  private static void run(List<Workload> workloads, Map<String, IntFunction<Policy>> designs) {
    List<String> names = new ArrayList<>(designs.keySet());
    StringBuilder header = new StringBuilder("| workload | capacity |");
    StringBuilder rule = new StringBuilder("|---|---:|");
    for (String name : names) {
      header.append(' ').append(name).append(" |");
      rule.append("---:|");
    }
    System.out.println(header);
    System.out.println(rule);
    Map<String, double[]> margins = new LinkedHashMap<>();
    for (String name : names) {
      // [0] worst margin vs max(lru, caffeine), [1] sum of margins vs caffeine, [2] rows,
      // [3] rows more than one point below max(lru, caffeine)
      margins.put(name, new double[] {Double.MAX_VALUE, 0, 0, 0});
    }
    for (Workload workload : workloads) {
      for (int capacity : workload.capacities()) {
        Map<String, Double> row = new LinkedHashMap<>();
        for (String name : names) {
          row.put(name, hitRatio(workload.keys(), designs.get(name).apply(capacity)));
        }
        double best = Math.max(row.get("lru"), row.get("caffeine"));
        StringBuilder line = new StringBuilder();
        line.append("| ").append(workload.name()).append(" | ").append(capacity).append(" |");
        for (String name : names) {
          double ratio = row.get(name);
          double[] m = margins.get(name);
          m[0] = Math.min(m[0], ratio - best);
          m[1] += ratio - row.get("caffeine");
          m[2]++;
          if (ratio - best < -1) {
            m[3]++;
          }
          line.append(String.format(Locale.US, " %.2f |", ratio));
        }
        System.out.println(line);
        System.out.flush();
      }
    }
    System.out.println();
    System.out.println("| design | worst margin vs max(LRU, Caffeine) | rows below max(LRU, Caffeine) "
        + "- 1 | mean margin vs Caffeine |");
    System.out.println("|---|---:|---:|---:|");
    margins.forEach((name, m) -> System.out.printf(Locale.US, "| %s | %+.2f | %d of %d | %+.2f |%n",
        name, m[0], (int) m[3], (int) m[2], m[1] / m[2]));
  }
}
