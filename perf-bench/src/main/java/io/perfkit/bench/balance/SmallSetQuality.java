package io.perfkit.bench.balance;

import io.perfkit.bench.balance.ClusterSimulation.LatencyModel;
import io.perfkit.bench.balance.ClusterSimulation.Result;
import io.perfkit.bench.balance.ClusterSimulation.Scenario;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Least request's full scan against its two random choices on small sets: the cost of the
 * approximation, in {@link ClusterSimulation}'s closed-loop model (deterministic, seeded, virtual
 * time), for 2, 3, 4, 6 and 8 endpoints. Scenarios: {@code mixed} (one 1 ms endpoint, one 100 ms
 * endpoint, the rest 10 ms; with 2 endpoints 1 and 10 ms) and {@code degrade} (every endpoint 10
 * ms, one 10x slower once half the requests were sent). Endpoints of equal latency are left out:
 * in this model an endpoint serves any number of requests at once, so a request's latency does
 * not depend on the endpoint's load and every balancer gives the same latencies there.
 * Prints p50 / p99 / p99.9 / mean latency per mode and the P2C / scan ratios, averaged over seeds.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar
 * io.perfkit.bench.balance.SmallSetQuality [--seeds 8] [--requests 50000] [--clients 50]}.
 */
public final class SmallSetQuality {
  private SmallSetQuality() {}

  /** The endpoint counts compared. */
  static final int[] SIZES = {2, 3, 4, 6, 8};

  /**
   * The scenario {@code name} with {@code n} endpoints.
   *
   * @param name mixed or degrade
   * @param n the endpoint count (at least 2)
   * @return the scenario
   */
  static Scenario scenario(String name, int n) {
    double[] l = new double[n];
    Arrays.fill(l, 10);
    return switch (name) {
      case "mixed" -> {
        l[0] = 1;
        if (n > 2) {
          l[n - 1] = 100;
        }
        yield new Scenario("mixed", l, -1, 1, 0, LatencyModel.UNIFORM);
      }
      case "degrade" -> new Scenario("degrade", l, 0, 10, 0, LatencyModel.UNIFORM);
      default -> throw new IllegalArgumentException("scenario: " + name);
    };
  }

  /**
   * Prints one table per scenario.
   *
   * @param args {@code --seeds N --requests N --clients N}
   */
  public static void main(String[] args) {
    int seeds = 8;
    int requests = 50_000;
    int clients = 50;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seeds" -> seeds = Integer.parseInt(args[i + 1]);
        case "--requests" -> requests = Integer.parseInt(args[i + 1]);
        case "--clients" -> clients = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    System.out.printf(
        Locale.US,
        "Least request, full scan vs two random choices: %d requests, %d clients, mean of %d"
            + " seeds (ms)%n%n",
        requests, clients, seeds);
    for (String name : List.of("mixed", "degrade")) {
      System.out.printf(Locale.US, "### %s%n%n", name);
      System.out.println(
          "| endpoints | scan p50 / p99 / p99.9 / mean | P2C p50 / p99 / p99.9 / mean"
              + " | P2C / scan p99 | P2C / scan p99.9 | P2C / scan mean |");
      System.out.println("|---:|---|---|---:|---:|---:|");
      for (int n : SIZES) {
        Scenario s = scenario(name, n);
        double[] scan = mean(s, "least-request-full-scan", seeds, requests, clients);
        double[] p2c = mean(s, "p2c-least-request", seeds, requests, clients);
        System.out.printf(
            Locale.US,
            "| %d | %.1f / %.1f / %.1f / %.2f | %.1f / %.1f / %.1f / %.2f | %.2f | %.2f | %.2f |%n",
            n, scan[0], scan[1], scan[2], scan[3], p2c[0], p2c[1], p2c[2], p2c[3],
            p2c[1] / scan[1], p2c[2] / scan[2], p2c[3] / scan[3]);
      }
      System.out.println();
    }
  }

  /** {p50, p99, p99.9, mean} in ms, each the mean over seeds 1..seeds. */
  static double[] mean(Scenario s, String balancer, int seeds, int requests, int clients) {
    double[] sum = new double[4];
    for (long seed = 1; seed <= seeds; seed++) {
      Result r = ClusterSimulation.run(s, balancer, seed, requests, clients);
      sum[0] += r.p50Ms();
      sum[1] += r.p99Ms();
      sum[2] += r.p999Ms();
      sum[3] += r.meanMs();
    }
    for (int i = 0; i < 4; i++) {
      sum[i] /= seeds;
    }
    return sum;
  }
}
