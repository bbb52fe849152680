package io.perfkit.bench.report;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.BenchmarkList;
import org.openjdk.jmh.runner.BenchmarkListEntry;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.results.format.ResultFormatType;

/**
 * The benchmark report (README command 1): runs every JMH benchmark in this jar (or those matching
 * {@code --include}), one benchmark class at a time, and writes under the output directory
 * ({@code perf-bench/target/report} by default):
 *
 * <ul>
 *   <li>{@code json/<Class>.json} per class and {@code jmh-result.json} with all results (JMH JSON);
 *   <li>{@code report.md}: machine, JDK, settings, each perfkit result's speed-up over each peer that
 *       ran in the same group (benchmarks mark implementations with an {@code impl} param whose
 *       perfkit values start with {@code perfkit}), then every result.
 * </ul>
 *
 * <p>{@code --quick} (the default) runs 1 fork, 1 warm-up iteration of 300 ms and 1 measurement iteration of 500 ms per
 * configuration and stops starting new classes once its budget ({@code --budget-minutes}, default
 * 8.5, which leaves room for the build inside the 10-minute main job) is spent, listing what it skipped: a smoke pass with indicative ratios. {@code --full} keeps each
 * benchmark's own annotations (3 forks for concurrent ones): the numbers for {@code docs/benchmarks.md}.
 */
public final class Report {
  private Report() {}

  public static void main(String[] args) throws IOException, RunnerException {
    boolean quick = true;
    List<String> includes = new ArrayList<>();
    List<String> excludes = new ArrayList<>();
    Path out = Path.of("perf-bench", "target", "report");
    double budgetMinutes = 8.5;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--full" -> quick = false;
        case "--include" -> includes.add(value(args, ++i, "--include"));
        case "--exclude" -> excludes.add(value(args, ++i, "--exclude"));
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        case "--budget-minutes" -> budgetMinutes = Double.parseDouble(value(args, ++i, "--budget-minutes"));
        default -> throw new IllegalArgumentException("unknown report option: " + args[i]
            + " (expected --quick, --full, --include REGEX, --exclude REGEX, --out DIR, --budget-minutes N)");
      }
    }
    if (includes.isEmpty()) {
      includes.add(".*");
    }
    Files.createDirectories(out.resolve("json"));

    TreeSet<String> classes = new TreeSet<>();
    try {
      for (BenchmarkListEntry entry : BenchmarkList.defaultList().find(
          OutputFormatFactory.createFormatInstance(System.out, VerboseMode.SILENT), includes, excludes)) {
        classes.add(entry.getUserClassQName());
      }
    } catch (RuntimeException e) {
      // JMH throws when the jar holds no benchmark list at all: the report then says so.
      System.out.println("report: no benchmark list in this jar (" + e.getMessage() + ")");
    }
    System.out.printf(Locale.US, "report: %d benchmark classes, %s mode%n", classes.size(),
        quick ? "quick" : "full");

    Instant start = Instant.now();
    long budgetNanos = (long) (budgetMinutes * 60e9);
    List<BenchResult> results = new ArrayList<>();
    List<String> skipped = new ArrayList<>();
    List<String> failed = new ArrayList<>();
    StringBuilder allJson = new StringBuilder();
    for (String cls : classes) {
      if (quick && Duration.between(start, Instant.now()).toNanos() > budgetNanos) {
        skipped.add(cls);
        continue;
      }
      Path json = out.resolve("json").resolve(simpleName(cls) + ".json");
      ChainedOptionsBuilder opts = new OptionsBuilder()
          .include("^" + Pattern.quote(cls) + "\\.")
          .resultFormat(ResultFormatType.JSON)
          .result(json.toString())
          .shouldFailOnError(true);
      for (String ex : excludes) {
        opts.exclude(ex);
      }
      if (quick) {
        opts.forks(1).warmupIterations(1).warmupTime(TimeValue.milliseconds(300))
            .measurementIterations(1).measurementTime(TimeValue.milliseconds(500))
            .timeout(TimeValue.seconds(30));
      }
      Collection<RunResult> run;
      try {
        run = new Runner(opts.build()).run();
      } catch (RunnerException e) {
        failed.add(cls + ": " + e.getMessage());
        continue;
      }
      for (RunResult rr : run) {
        results.add(toResult(rr));
      }
      String text = Files.readString(json, StandardCharsets.UTF_8).strip();
      if (text.startsWith("[") && text.endsWith("]") && text.length() > 2) {
        allJson.append(allJson.length() == 0 ? "" : ",\n").append(text, 1, text.length() - 1);
      }
    }
    Files.writeString(out.resolve("jmh-result.json"), "[\n" + allJson + "\n]\n", StandardCharsets.UTF_8);

    Duration took = Duration.between(start, Instant.now());
    StringBuilder md = new StringBuilder();
    md.append("# perfkit benchmark report\n\n");
    md.append(machine());
    md.append(String.format(Locale.US, "- Mode: %s; took %d min %d s%n", quick
        ? "quick (1 fork, 1×300 ms warm-up, 1×500 ms measurement: indicative only; concurrent "
            + "benchmarks need the full run's 3 forks)"
        : "full (each benchmark's own forks and iterations)", took.toMinutes(), took.toSecondsPart()));
    md.append("- Raw results: `jmh-result.json` (JMH JSON) beside this file\n\n");
    if (!skipped.isEmpty()) {
      md.append("Skipped (time budget spent): ").append(String.join(", ", skipped)).append("\n\n");
    }
    if (!failed.isEmpty()) {
      md.append("Failed:\n\n");
      failed.forEach(f -> md.append("- ").append(f).append('\n'));
      md.append('\n');
    }
    md.append(RatioTable.markdown(results));
    Path report = out.resolve("report.md");
    Files.writeString(report, md.toString(), StandardCharsets.UTF_8);
    System.out.println("report: wrote " + report.toAbsolutePath());
    if (!failed.isEmpty()) {
      System.err.println("report: " + failed.size() + " benchmark class(es) failed: " + failed);
      System.exit(1);
    }
  }

  private static BenchResult toResult(RunResult rr) {
    var params = rr.getParams();
    Map<String, String> p = new TreeMap<>();
    for (String key : params.getParamsKeys()) {
      p.put(key, params.getParam(key));
    }
    var primary = rr.getPrimaryResult();
    return new BenchResult(params.getBenchmark(), params.getMode().shortLabel(), params.getThreads(),
        p, primary.getScore(), primary.getScoreError(), primary.getScoreUnit());
  }

  private static String machine() {
    String cpu = "unknown";
    try {
      cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
          .filter(l -> l.startsWith("model name")).findFirst()
          .map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
    } catch (IOException | RuntimeException e) {
      // Not Linux: the CPU model stays unknown.
    }
    return String.format(Locale.US, "- Date: %s%n- CPU: %s, %d cores visible to the JVM%n"
            + "- JDK: %s %s (%s)%n- OS: %s %s%n",
        Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS), cpu,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
        System.getProperty("java.runtime.version"), System.getProperty("java.vendor"),
        System.getProperty("os.name"), System.getProperty("os.version"))
        + "- Benchmark JVM args: " + ManagementFactory.getRuntimeMXBean().getInputArguments() + "\n";
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static String simpleName(String cls) {
    return cls.substring(cls.lastIndexOf('.') + 1);
  }

}
