package io.perfkit.bench.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs two sides of a JMH comparison as single forks interleaved A B B A A B B A ..., and reports
 * each side's forks, mean and median, and the ratio of A to B: the way to compare two benchmarks on
 * a machine whose state drifts over minutes.
 *
 * <p>Why: on a noisy 2-core VM a concurrent benchmark settles per fork in one of a few modes, and
 * slow modes come in spells of minutes. A 5-fork run of one side followed by a 5-fork run of the
 * other lets one spell hit one side only, and the ratio then measures the spell. Interleaving single
 * forks gives both sides the same minutes; ABBA order (rather than ABAB) also cancels a linear drift
 * within each round.
 *
 * <pre>
 * java -jar benchmarks.jar interleave REGEX --sides PARAM=A,B [--param NAME=V1[,V2...]]...
 *      [--rounds N] [--wi 3] [--i 5] [--w 1s] [--r 1s] [--jvm-args "ARGS"] [--out DIR]
 * </pre>
 *
 * <ul>
 *   <li>{@code REGEX}: the benchmarks to run (as JMH's include pattern), e.g. {@code
 *       InstrumentedQueueBenchmark}.
 *   <li>{@code --sides impl=perfkit-instrumented,bare}: the param whose two values are compared.
 *   <li>{@code --param kind=spsc}: any other params to fix (repeatable; several values run each in
 *       every fork).
 *   <li>{@code --rounds N} (default 4): N rounds of two forks per side, 4N forks in all.
 *   <li>{@code --wi/--i/--w/--r}: warm-up and measurement iterations and their times (defaults 3, 5,
 *       1s, 1s); {@code --jvm-args} is appended to every fork's JVM arguments.
 *   <li>{@code --out DIR} (default {@code perf-bench/target/interleave}): writes {@code forks.csv}
 *       (one line per fork and result: order, time, load average, side, benchmark, params, score) and
 *       {@code summary.md}.
 * </ul>
 *
 * <p>The ratio is A's speed over B's: for throughput modes A's score over B's, for time-per-operation
 * modes B's over A's, so above 1 always means A is faster. It is given by the means, by the medians,
 * and as the median of the per-round ratios (each round's A forks against the same round's B forks,
 * which ran within a minute or two of each other).
 */
public final class Interleave {
  private Interleave() {}

  /** One fork's result for one benchmark configuration. */
  record ForkScore(int order, String time, String load, String side, String key, String unit,
      boolean higherIsBetter, double score) {}

  public static void main(String[] args) throws IOException, RunnerException {
    if (args.length == 0 || args[0].startsWith("--")) {
      usage("missing the benchmark pattern");
      return;
    }
    String include = args[0];
    String sideParam = null;
    String[] sides = null;
    Map<String, String[]> params = new LinkedHashMap<>();
    int rounds = 4;
    int warmups = 3;
    int iterations = 5;
    TimeValue warmupTime = TimeValue.seconds(1);
    TimeValue measurementTime = TimeValue.seconds(1);
    String jvmArgs = null;
    Path out = Path.of("perf-bench", "target", "interleave");
    for (int i = 1; i < args.length; i++) {
      switch (args[i]) {
        case "--sides" -> {
          String[] kv = keyValue(value(args, ++i, "--sides"), "--sides");
          sideParam = kv[0];
          sides = kv[1].split(",", -1);
          if (sides.length != 2 || sides[0].isEmpty() || sides[1].isEmpty()) {
            throw new IllegalArgumentException(
                "--sides: " + args[i] + " (expected: PARAM=A,B with two values)");
          }
        }
        case "--param" -> {
          String[] kv = keyValue(value(args, ++i, "--param"), "--param");
          params.put(kv[0], kv[1].split(","));
        }
        case "--rounds" -> rounds = positive(value(args, ++i, "--rounds"), "--rounds");
        case "--wi" -> warmups = nonNegative(value(args, ++i, "--wi"), "--wi");
        case "--i" -> iterations = positive(value(args, ++i, "--i"), "--i");
        case "--w" -> warmupTime = TimeValue.fromString(value(args, ++i, "--w"));
        case "--r" -> measurementTime = TimeValue.fromString(value(args, ++i, "--r"));
        case "--jvm-args" -> jvmArgs = value(args, ++i, "--jvm-args");
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        default -> throw new IllegalArgumentException("unknown option: " + args[i]);
      }
    }
    if (sideParam == null) {
      usage("missing --sides PARAM=A,B");
      return;
    }
    Files.createDirectories(out);
    List<ForkScore> scores = new ArrayList<>();
    int order = 0;
    for (int round = 0; round < rounds; round++) {
      // A B B A: each round's two A forks straddle its two B forks
      String[] sequence = {sides[0], sides[1], sides[1], sides[0]};
      for (String side : sequence) {
        order++;
        String time = LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss"));
        String load = loadAverage();
        System.out.printf(Locale.ROOT, "== fork %d/%d  %s=%s  %s  load %s%n",
            order, 4 * rounds, sideParam, side, time, load);
        ChainedOptionsBuilder options = new OptionsBuilder()
            .include(include)
            .forks(1)
            .warmupIterations(warmups)
            .warmupTime(warmupTime)
            .measurementIterations(iterations)
            .measurementTime(measurementTime)
            .param(sideParam, side)
            .verbosity(VerboseMode.SILENT);
        for (Map.Entry<String, String[]> p : params.entrySet()) {
          options.param(p.getKey(), p.getValue());
        }
        if (jvmArgs != null) {
          options.jvmArgsAppend(jvmArgs.trim().split("\\s+"));
        }
        Collection<RunResult> results = new Runner(options.build()).run();
        for (RunResult r : results) {
          String key = key(r, sideParam);
          var primary = r.getPrimaryResult();
          boolean higher = r.getParams().getMode().shortLabel().equals("thrpt");
          scores.add(new ForkScore(order, time, load, side, key, primary.getScoreUnit(), higher,
              primary.getScore()));
          System.out.printf(Locale.ROOT, "   %-60s %12.3f %s%n", key, primary.getScore(),
              primary.getScoreUnit());
        }
      }
    }
    String summary = summary(scores, sideParam, sides, rounds);
    System.out.println();
    System.out.print(summary);
    writeCsv(out.resolve("forks.csv"), scores, sideParam);
    Files.writeString(out.resolve("summary.md"), summary, StandardCharsets.UTF_8);
    System.out.println("wrote " + out.resolve("forks.csv") + " and " + out.resolve("summary.md"));
  }

  /** Benchmark method and every param but the side, e.g. {@code Bench.method [kind=spsc]}. */
  static String key(RunResult r, String sideParam) {
    var p = r.getParams();
    String name = p.getBenchmark();
    name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
    StringBuilder sb = new StringBuilder(name);
    List<String> others = new ArrayList<>();
    for (String k : p.getParamsKeys()) {
      if (!k.equals(sideParam)) {
        others.add(k + "=" + p.getParam(k));
      }
    }
    if (!others.isEmpty()) {
      sb.append(' ').append(others);
    }
    if (p.getThreads() > 1) {
      sb.append(" threads=").append(p.getThreads());
    }
    return sb.toString();
  }

  /** The summary table: per benchmark configuration, both sides' forks and the ratios. */
  static String summary(List<ForkScore> scores, String sideParam, String[] sides, int rounds) {
    Map<String, List<ForkScore>> byKey = new TreeMap<>();
    for (ForkScore s : scores) {
      byKey.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
    }
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT,
        "Interleaved single forks (A B B A x %d): A = %s=%s, B = %s=%s; ratio = A's speed / B's%n%n",
        rounds, sideParam, sides[0], sideParam, sides[1]));
    sb.append("| benchmark | unit | A forks | B forks | A mean | B mean | ratio (means) |"
        + " ratio (medians) | median per-round ratio |\n");
    sb.append("|---|---|---|---|---:|---:|---:|---:|---:|\n");
    for (Map.Entry<String, List<ForkScore>> e : byKey.entrySet()) {
      List<ForkScore> list = e.getValue();
      double[] a = side(list, sides[0]);
      double[] b = side(list, sides[1]);
      if (a.length == 0 || b.length == 0) {
        continue;
      }
      boolean higher = list.get(0).higherIsBetter();
      double[] perRound = new double[rounds];
      int n = 0;
      for (int round = 0; round < rounds; round++) {
        int first = 4 * round + 1;
        double[] ra = sideInRange(list, sides[0], first, first + 3);
        double[] rb = sideInRange(list, sides[1], first, first + 3);
        if (ra.length > 0 && rb.length > 0) {
          perRound[n++] = ratio(mean(ra), mean(rb), higher);
        }
      }
      sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n",
          e.getKey(), list.get(0).unit(), join(a), join(b), mean(a), mean(b),
          ratio(mean(a), mean(b), higher), ratio(median(a), median(b), higher),
          median(Arrays.copyOf(perRound, n))));
    }
    return sb.toString();
  }

  static double ratio(double a, double b, boolean higherIsBetter) {
    return higherIsBetter ? a / b : b / a;
  }

  private static double[] side(List<ForkScore> list, String side) {
    return list.stream().filter(s -> s.side().equals(side)).mapToDouble(ForkScore::score).toArray();
  }

  private static double[] sideInRange(List<ForkScore> list, String side, int from, int to) {
    return list.stream()
        .filter(s -> s.side().equals(side) && s.order() >= from && s.order() <= to)
        .mapToDouble(ForkScore::score)
        .toArray();
  }

  static double mean(double[] v) {
    double sum = 0;
    for (double x : v) {
      sum += x;
    }
    return sum / v.length;
  }

  static double median(double[] v) {
    if (v.length == 0) {
      return Double.NaN;
    }
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  private static String join(double[] v) {
    StringBuilder sb = new StringBuilder();
    for (double x : v) {
      if (sb.length() > 0) {
        sb.append(", ");
      }
      sb.append(String.format(Locale.ROOT, x >= 100 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x));
    }
    return sb.toString();
  }

  private static void writeCsv(Path file, List<ForkScore> scores, String sideParam)
      throws IOException {
    StringBuilder sb = new StringBuilder("order,time,load," + sideParam + ",benchmark,unit,score\n");
    for (ForkScore s : scores) {
      sb.append(s.order()).append(',').append(s.time()).append(',').append(s.load()).append(',')
          .append(s.side()).append(",\"").append(s.key().replace("\"", "'")).append("\",")
          .append(s.unit()).append(',').append(s.score()).append('\n');
    }
    Files.writeString(file, sb.toString(), StandardCharsets.UTF_8);
  }

  private static String loadAverage() {
    try {
      String s = Files.readString(Path.of("/proc/loadavg"), StandardCharsets.US_ASCII);
      return s.substring(0, s.indexOf(' '));
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + ": missing value");
    }
    return args[i];
  }

  private static String[] keyValue(String s, String option) {
    int eq = s.indexOf('=');
    if (eq <= 0 || eq == s.length() - 1) {
      throw new IllegalArgumentException(option + ": " + s + " (expected: NAME=VALUE)");
    }
    return new String[] {s.substring(0, eq), s.substring(eq + 1)};
  }

  private static int positive(String s, String option) {
    int v = Integer.parseInt(s);
    if (v < 1) {
      throw new IllegalArgumentException(option + ": " + v + " (expected: > 0)");
    }
    return v;
  }

  private static int nonNegative(String s, String option) {
    int v = Integer.parseInt(s);
    if (v < 0) {
      throw new IllegalArgumentException(option + ": " + v + " (expected: >= 0)");
    }
    return v;
  }

  private static void usage(String problem) {
    System.err.println("interleave: " + problem);
    System.err.println("usage: interleave REGEX --sides PARAM=A,B [--param NAME=V1[,V2]]... "
        + "[--rounds N] [--wi 3] [--i 5] [--w 1s] [--r 1s] [--jvm-args \"ARGS\"] [--out DIR]");
    System.exit(2);
  }
}
