package io.perfkit.bench.balance;

import io.perfkit.balance.Balancer;
import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.TrackingBalancer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * Deterministic, seeded, virtual-time discrete-event simulation of client-side balancing, in the
 * setting of Tower's published balancer benchmark: closed-loop clients each send the next request
 * as soon as the previous one completes; each endpoint serves any number of requests concurrently
 * and a request to an endpoint of latency L takes a uniform random time in [0, L] (Tower's model).
 *
 * <p>Scenarios: {@code tower} (1 ms, 4 x 10 ms, 4 x 100 ms, 1 x 1000 ms), {@code degrade} (ten
 * endpoints of 10 ms; one becomes 10x slower once half the requests were sent), {@code stall} (ten
 * endpoints of 10 ms; one stalls for 2 s once half the requests were sent: requests sent to it
 * during the stall complete only after it). Balancers: round robin, random, least request with a
 * full scan, P2C least request (Tower's "P2C least loaded": pending-request load) and P2C peak EWMA.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.balance.ClusterSimulation
 * [--seed 1] [--requests 50000] [--clients 50]} (the report wires it as {@code simulate}).
 */
public final class ClusterSimulation {
  /** Per-request latency model. */
  public enum LatencyModel {
    /** Uniform in [0, L] (Tower's benchmark). */
    UNIFORM,
    /** Exactly L (closed-form checks). */
    FIXED
  }

  /** A cluster scenario. */
  public record Scenario(
      String name,
      double[] latencyMs,
      int changedEndpoint,
      double degradeFactor,
      double stallMs,
      LatencyModel model) {
    /** Tower's setting. */
    public static Scenario tower() {
      return new Scenario(
          "tower",
          new double[] {1, 10, 10, 10, 10, 100, 100, 100, 100, 1000},
          -1,
          1,
          0,
          LatencyModel.UNIFORM);
    }

    /** One of ten 10 ms endpoints degrades 10x mid-run. */
    public static Scenario degrade() {
      double[] l = new double[10];
      Arrays.fill(l, 10);
      return new Scenario("degrade", l, 3, 10, 0, LatencyModel.UNIFORM);
    }

    /** One of ten 10 ms endpoints stalls for 2 s mid-run. */
    public static Scenario stall() {
      double[] l = new double[10];
      Arrays.fill(l, 10);
      return new Scenario("stall", l, 3, 1, 2000, LatencyModel.UNIFORM);
    }
  }

  /** The balancers compared. */
  public static final List<String> BALANCERS =
      List.of("round-robin", "random", "least-request-full-scan", "p2c-least-request", "p2c-peak-ewma");

  /**
   * One simulation's outcome.
   *
   * @param balancer the balancer name
   * @param p50Ms median latency
   * @param p99Ms 99th percentile
   * @param p999Ms 99.9th percentile
   * @param meanMs mean latency
   * @param maxMs largest latency
   * @param durationS virtual time until the last request completed, in seconds
   * @param overOneSecond requests that took longer than one second
   * @param share fraction of requests per endpoint
   */
  public record Result(
      String balancer,
      double p50Ms,
      double p99Ms,
      double p999Ms,
      double meanMs,
      double maxMs,
      double durationS,
      int overOneSecond,
      double[] share) {}

  private record Event(long timeNanos, long seq, int endpoint, long startNanos, Lease lease)
      implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      int c = Long.compare(timeNanos, o.timeNanos);
      return c != 0 ? c : Long.compare(seq, o.seq);
    }
  }

  private ClusterSimulation() {}

  /**
   * Runs one simulation.
   *
   * @param scenario the scenario
   * @param balancer one of {@link #BALANCERS}
   * @param seed the seed (latencies and the balancer's random choices)
   * @param requests requests to send
   * @param clients concurrent closed-loop clients
   * @return the result
   */
  public static Result run(Scenario scenario, String balancer, long seed, int requests, int clients) {
    long[] now = {0};
    int n = scenario.latencyMs.length;
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      endpoints.add(Endpoint.of("e" + i));
    }
    Balancers builder = Balancers.newBuilder().endpoints(endpoints).ticker(() -> now[0]);
    Balancer plain = null;
    TrackingBalancer tracking = null;
    switch (balancer) {
      case "round-robin" -> plain = builder.roundRobin();
      case "random" -> plain = builder.seed(seed).random();
      case "least-request-full-scan" ->
          tracking = builder.seed(seed).fullScanThreshold(Integer.MAX_VALUE).leastRequest();
      case "p2c-least-request" -> tracking = builder.seed(seed).fullScanThreshold(0).leastRequest();
      case "p2c-peak-ewma" ->
          tracking = builder.seed(seed).decayTime(Duration.ofSeconds(10)).peakEwma();
      default -> throw new IllegalArgumentException("balancer: " + balancer);
    }
    SplittableRandom latencies = new SplittableRandom(seed ^ 0x5DEECE66DL);
    PriorityQueue<Event> events = new PriorityQueue<>();
    long[] results = new long[requests];
    int[] perEndpoint = new int[n];
    int sent = 0;
    int done = 0;
    long seq = 0;
    long changeAt = Long.MAX_VALUE; // virtual time when the mid-run change starts
    for (int c = 0; c < clients && sent < requests; c++) {
      events.add(send(scenario, plain, tracking, latencies, now[0], changeAt, seq++, perEndpoint));
      sent++;
    }
    while (!events.isEmpty()) {
      Event e = events.poll();
      now[0] = e.timeNanos;
      long latency = e.timeNanos - e.startNanos;
      if (e.lease != null) {
        e.lease.complete(latency, true);
      }
      results[done++] = latency;
      if (sent < requests) {
        if (sent == requests / 2 && changeAt == Long.MAX_VALUE) {
          changeAt = now[0];
        }
        events.add(send(scenario, plain, tracking, latencies, now[0], changeAt, seq++, perEndpoint));
        sent++;
      }
    }
    Arrays.sort(results);
    double sum = 0;
    int overOneSecond = 0;
    for (long r : results) {
      sum += r;
      if (r > 1_000_000_000L) {
        overOneSecond++;
      }
    }
    double[] share = new double[n];
    for (int i = 0; i < n; i++) {
      share[i] = perEndpoint[i] / (double) requests;
    }
    return new Result(
        balancer,
        percentile(results, 0.50),
        percentile(results, 0.99),
        percentile(results, 0.999),
        sum / requests / 1e6,
        results[requests - 1] / 1e6,
        now[0] / 1e9,
        overOneSecond,
        share);
  }

  private static Event send(
      Scenario s,
      Balancer plain,
      TrackingBalancer tracking,
      SplittableRandom latencies,
      long now,
      long changeAt,
      long seq,
      int[] perEndpoint) {
    Lease lease = null;
    Endpoint chosen;
    if (plain != null) {
      chosen = plain.pick();
    } else {
      lease = tracking.pick();
      chosen = lease.endpoint();
    }
    int i = Integer.parseInt(chosen.id().substring(1));
    perEndpoint[i]++;
    double latencyMs = s.latencyMs[i];
    boolean changed = i == s.changedEndpoint && now >= changeAt;
    if (changed) {
      latencyMs *= s.degradeFactor;
    }
    long latency =
        s.model == LatencyModel.FIXED
            ? (long) (latencyMs * 1e6)
            : (long) (latencies.nextDouble() * latencyMs * 1e6);
    long start = now;
    long begin = now;
    if (changed && s.stallMs > 0) {
      long stallEnd = changeAt + (long) (s.stallMs * 1e6);
      if (now < stallEnd) {
        begin = stallEnd;
      }
    }
    return new Event(begin + latency, seq, i, start, lease);
  }

  /** Nearest-rank percentile in milliseconds. */
  static double percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)] / 1e6;
  }

  /**
   * Prints the tables for all scenarios and balancers.
   *
   * @param args {@code --seed N --requests N --clients N}
   */
  public static void main(String[] args) {
    long seed = 1;
    int requests = 50_000;
    int clients = 50;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        case "--requests" -> requests = Integer.parseInt(args[i + 1]);
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.US,
        "Cluster simulation: %d requests, %d closed-loop clients, seed %d, virtual time%n%n",
        requests,
        clients,
        seed);
    for (Scenario s : List.of(Scenario.tower(), Scenario.degrade(), Scenario.stall())) {
      System.out.printf(Locale.US, "### %s (latencies ms %s)%n%n", s.name, Arrays.toString(s.latencyMs));
      System.out.println(
          "| balancer | p50 ms | p99 ms | p99.9 ms | mean ms | max ms | > 1 s | virtual s "
              + "| share per endpoint % |");
      System.out.println("|---|---:|---:|---:|---:|---:|---:|---:|---|");
      for (String b : BALANCERS) {
        Result r = run(s, b, seed, requests, clients);
        StringBuilder share = new StringBuilder();
        for (double x : r.share) {
          share.append(share.length() == 0 ? "" : " ").append(String.format(Locale.US, "%.1f", x * 100));
        }
        System.out.printf(
            Locale.US,
            "| %s | %.1f | %.1f | %.1f | %.1f | %.1f | %d | %.2f | %s |%n",
            b,
            r.p50Ms,
            r.p99Ms,
            r.p999Ms,
            r.meanMs,
            r.maxMs,
            r.overOneSecond,
            r.durationS,
            share);
      }
      System.out.println();
    }
  }
}
