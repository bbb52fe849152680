package io.perfkit.bench.autoscale;

import io.perfkit.balance.autoscale.HorizontalDecision;
import io.perfkit.balance.autoscale.HorizontalInput;
import io.perfkit.balance.autoscale.HorizontalScaler;
import io.perfkit.balance.autoscale.HoltWinters;
import io.perfkit.balance.autoscale.LatencyObjective;
import io.perfkit.balance.autoscale.Metric;
import io.perfkit.balance.autoscale.PredictiveDecision;
import io.perfkit.balance.autoscale.PredictiveScaler;
import io.perfkit.balance.autoscale.QueueingScaler;
import io.perfkit.balance.autoscale.ScalingHistory;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Replays load traces (CSV {@code timestamp,value}) through the reactive (Kubernetes HPA),
 * predictive and queueing scalers and scores each: under-provisioned intervals (load above
 * running capacity), replica-intervals (cost), scaling actions and peak shortfall.
 *
 * <p>Model: the scaler decides at the end of each interval, having seen that interval's load.
 * Removing replicas takes effect in the next interval; added replicas serve from {@code delay}
 * intervals later (provisioning delay, default 2), so the running count in interval {@code s} is
 * the minimum of the desired counts decided at {@code s-1-delay .. s-1}. One replica serves
 * {@code capacity} load units per interval (default: the trace's mean / 5, so the mean load needs
 * five replicas at full utilization); every scaler provisions for a utilization target of 0.8.
 *
 * <p>Usage: {@code Backtest [--delay N] [--capacity X] [--target U] [--markdown FILE]
 * [csv-file-or-directory ...]}; without paths it reads {@code ../shared/data/load-traces/}.
 */
public final class Backtest {
  private Backtest() {}

  /** Options of one run. */
  record Options(int delay, double capacity, double target) {}

  /**
   * Runs the backtest and prints the table.
   *
   * @param args options and paths (see the class comment)
   * @throws IOException if a trace cannot be read
   */
  public static void main(String[] args) throws IOException {
    int delay = 2;
    double capacity = Double.NaN;
    double target = 0.8;
    Path markdown = null;
    List<Path> paths = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--delay" -> delay = Integer.parseInt(args[++i]);
        case "--capacity" -> capacity = Double.parseDouble(args[++i]);
        case "--target" -> target = Double.parseDouble(args[++i]);
        case "--markdown" -> markdown = Path.of(args[++i]);
        case "-h", "--help" -> {
          System.out.println("usage: backtest [--delay N] [--capacity X] [--target U] "
              + "[--markdown FILE] [csv-file-or-directory ...]");
          return;
        }
        default -> paths.add(Path.of(args[i]));
      }
    }
    if (delay < 0) {
      throw new IllegalArgumentException("delay: " + delay + " (expected: >= 0)");
    }
    if (paths.isEmpty()) {
      paths.add(Path.of("../shared/data/load-traces/"));
    }
    List<Path> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        System.err.println("backtest: " + p.toAbsolutePath() + " does not exist (pass a trace "
            + "CSV or a directory of them; the default is ../shared/data/load-traces/ from the "
            + "repository root)");
        System.exit(2);
      }
      if (Files.isDirectory(p)) {
        try (Stream<Path> s = Files.list(p)) {
          s.filter(f -> f.toString().endsWith(".csv")).sorted().forEach(files::add);
        }
      } else {
        files.add(p);
      }
    }
    List<BacktestResult> results = new ArrayList<>();
    for (Path f : files) {
      Trace trace = Trace.read(f);
      results.addAll(run(trace, new Options(delay, capacity, target)));
    }
    String table = table(results, delay);
    System.out.print(table);
    if (markdown != null) {
      Files.writeString(markdown, table, StandardCharsets.UTF_8);
    }
  }

  /** Runs the three scalers on one trace. */
  static List<BacktestResult> run(Trace trace, Options o) {
    double[] y = trace.history().regular();
    long interval = trace.history().intervalSeconds();
    double capacity = o.capacity() > 0 ? o.capacity() : defaultCapacity(y);
    List<BacktestResult> out = new ArrayList<>();
    out.add(simulate(trace.name(), "reactive (HPA)", y, interval, capacity, o,
        new Reactive(capacity, o.target())));
    out.add(simulate(trace.name(), "predictive", y, interval, capacity, o,
        new Predictive(capacity, o.target(), interval, o.delay(), y.length)));
    out.add(simulate(trace.name(), "queueing", y, interval, capacity, o,
        new Queueing(capacity, o.target(), interval)));
    return out;
  }

  static double defaultCapacity(double[] y) {
    double mean = Arrays.stream(y).average().orElse(0);
    return mean > 0 ? mean / 5 : 1;
  }

  /** A scaler under test: decides the desired count after seeing {@code y[t]}. */
  interface Policy {
    int decide(double[] y, int t, Instant now, int desired, int running);

    default boolean forecastRaised() {
      return false;
    }
  }

  static BacktestResult simulate(String trace, String name, double[] y, long interval,
      double capacity, Options o, Policy policy) {
    int d = o.delay();
    int initial = Math.max(1, (int) Math.ceil(y[0] / (capacity * o.target())));
    int[] desired = new int[y.length];
    long under = 0;
    long replicaIntervals = 0;
    long actions = 0;
    long raised = 0;
    double peak = 0;
    int last = initial;
    for (int t = 0; t < y.length; t++) {
      int running = Integer.MAX_VALUE;
      for (int j = t - 1 - d; j <= t - 1; j++) {
        running = Math.min(running, j < 0 ? initial : desired[j]);
      }
      double cap = running * capacity;
      if (y[t] > cap) {
        under++;
        peak = Math.max(peak, y[t] - cap);
      }
      replicaIntervals += running;
      Instant now = Instant.ofEpochSecond((t + 1) * interval);
      int next = policy.decide(y, t, now, last, running);
      if (policy.forecastRaised()) {
        raised++;
      }
      if (next != last) {
        actions++;
      }
      desired[t] = next;
      last = next;
    }
    return new BacktestResult(trace, name, y.length, under, replicaIntervals, actions, peak,
        peak / capacity, (double) raised / y.length);
  }

  /** Kubernetes' HPA (legacy defaults) on the load per running replica. */
  static final class Reactive implements Policy {
    private final HorizontalScaler hpa = HorizontalScaler.builder().minReplicas(1)
        .maxReplicas(100_000).build();
    private final long targetMilli;
    private ScalingHistory history = ScalingHistory.empty();

    Reactive(double capacity, double target) {
      this.targetMilli = Math.max(1, Math.round(capacity * target * 1000));
    }

    @Override
    public int decide(double[] y, int t, Instant now, int desired, int running) {
      long value = Math.round(y[t] * 1000);
      HorizontalInput in = new HorizontalInput(desired, running, List.of(),
          List.of(new Metric.ObjectAverage("load", targetMilli, value)), now);
      HorizontalDecision dec = hpa.decide(in, history);
      history = dec.history();
      return dec.desiredReplicas();
    }
  }

  /** The HPA's recommendation, raised ahead of forecast load when the forecast is skilled. */
  static final class Predictive implements Policy {
    private final Reactive reactive;
    private final PredictiveScaler base;
    private final int refit;
    private final int window;
    private PredictiveScaler scaler;
    private boolean raised;

    Predictive(double capacity, double target, long interval, int delay, int length) {
      this.reactive = new Reactive(capacity, target);
      int day = (int) Math.max(1, Math.round(86_400.0 / interval));
      List<Integer> periods = new ArrayList<>();
      for (int p : new int[] {day, 7 * day}) {
        if (p >= 2 && 2 * p < length) {
          periods.add(p);
        }
      }
      if (periods.isEmpty()) {
        periods.add(Math.max(2, Math.min(day, length / 4)));
      }
      int[] ps = periods.stream().mapToInt(Integer::intValue).toArray();
      this.base = PredictiveScaler.builder().capacityPerReplica(capacity).targetUtilization(target)
          .lead(delay + 1).periods(ps).minReplicas(1).maxReplicas(100_000).build();
      this.refit = day;
      this.window = 3 * Arrays.stream(ps).max().orElse(day);
    }

    @Override
    public int decide(double[] y, int t, Instant now, int desired, int running) {
      int r = reactive.decide(y, t, now, desired, running);
      double[] tail = Arrays.copyOfRange(y, Math.max(0, t + 1 - window), t + 1);
      if (scaler == null || (t + 1) % refit == 0) {
        List<HoltWinters> models = base.fitModels(tail);
        scaler = base.withModels(models);
      }
      PredictiveDecision dec = scaler.decide(tail, r);
      raised = dec.reason() == PredictiveDecision.Reason.FORECAST;
      return dec.replicas();
    }

    @Override
    public boolean forecastRaised() {
      return raised;
    }
  }

  /** M/M/c sizing on the current arrival rate: p99 wait at most one service time. */
  static final class Queueing implements Policy {
    private final QueueingScaler scaler;
    private final long interval;

    Queueing(double capacity, double target, long interval) {
      double service = interval / capacity; // seconds per load unit on one replica
      this.scaler = QueueingScaler.builder()
          .serviceTime(Duration.ofNanos(Math.max(1, Math.round(service * 1e9))))
          .objective(LatencyObjective.waitPercentile(0.99,
              Duration.ofNanos(Math.max(1, Math.round(service * 1e9)))))
          .utilizationCap(target).minReplicas(1).maxReplicas(100_000).build();
      this.interval = interval;
    }

    @Override
    public int decide(double[] y, int t, Instant now, int desired, int running) {
      return scaler.decide(y[t] / interval).replicas();
    }
  }

  static String table(List<BacktestResult> results, int delay) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "Provisioning delay: %d intervals. Capacity per replica: "
        + "trace mean / 5 unless --capacity. Target utilization 0.8.%n%n", delay));
    sb.append("| trace | scaler | intervals | under-provisioned | vs reactive | replica-intervals "
        + "| vs reactive | scaling actions | peak shortfall (replicas) | forecast raised |\n");
    sb.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    BacktestResult reactive = null;
    for (BacktestResult r : results) {
      if (r.scaler().startsWith("reactive")) {
        reactive = r;
      }
      String underVs = reactive == null || r == reactive ? "" : pct(r.underProvisioned(),
          reactive.underProvisioned());
      String costVs = reactive == null || r == reactive ? "" : pct(r.replicaIntervals(),
          reactive.replicaIntervals());
      String raised = r.scaler().equals("predictive")
          ? String.format(Locale.ROOT, "%.1f %%", 100 * r.forecastShare()) : "";
      sb.append(String.format(Locale.ROOT, "| %s | %s | %d | %d | %s | %d | %s | %d | %.1f | %s |%n",
          r.trace(), r.scaler(), r.intervals(), r.underProvisioned(), underVs,
          r.replicaIntervals(), costVs, r.actions(), r.peakShortfallReplicas(), raised));
    }
    return sb.toString();
  }

  private static String pct(long value, long base) {
    if (base == 0) {
      return value == 0 ? "±0 %" : "+∞";
    }
    return String.format(Locale.ROOT, "%+.1f %%", 100.0 * (value - base) / base);
  }
}
