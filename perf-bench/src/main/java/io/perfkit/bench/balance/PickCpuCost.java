package io.perfkit.bench.balance;

import io.perfkit.balance.Balancer;
import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.TrackingBalancer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;

/**
 * CPU time per {@code pick()} (and completion) measured with each thread's own CPU clock, for runs on
 * a shared, overloaded machine where JMH's wall-clock averages mostly measure how long the threads
 * waited for a core. Threads run batches of 200,000 operations; the report is the median batch's
 * CPU and wall nanoseconds per operation. Caveat: when the machine is overloaded the threads rarely
 * run at the same time, so cross-core contention is under-represented; use JMH on a quiet machine
 * for that.
 *
 * <p>Only public API, so the same class runs against an older build: {@code java -cp
 * perf-bench/target/benchmarks.jar io.perfkit.bench.balance.PickCpuCost peak-ewma 10 2 complete 10}
 * (impl: round-robin, smooth-weighted, least-request, peak-ewma; endpoints; threads; mode: complete
 * = pick + complete(1000, true), cancel = pick + cancel(), pick = pick() with the lease left open
 * (in-flight counts grow, as in TrackingPickBenchmark.pickOnly); seconds).
 */
public final class PickCpuCost {
  private static final int BATCH = 200_000;

  private PickCpuCost() {}

  /**
   * Runs one measurement and prints one line.
   *
   * @param args impl endpoints threads mode seconds
   * @throws Exception if a thread fails
   */
  public static void main(String[] args) throws Exception {
    String impl = args[0];
    int endpoints = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    String mode = args[3];
    int seconds = Integer.parseInt(args[4]);
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      list.add(Endpoint.of("e" + i, 1 + i % 5));
    }
    Balancers b = Balancers.newBuilder().endpoints(list);
    Runnable op;
    switch (impl) {
      case "round-robin" -> op = plain(b.roundRobin());
      case "smooth-weighted" -> op = plain(b.smoothWeightedRoundRobin());
      case "least-request" -> op = tracking(warm(b.leastRequest(), endpoints), mode);
      case "peak-ewma" -> op = tracking(warm(b.peakEwma(), endpoints), mode);
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long warmEnd = System.nanoTime() + Math.max(1, seconds / 3) * 1_000_000_000L;
    List<double[]> samples = new ArrayList<>(); // {cpu ns/op, wall ns/op}
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  List<double[]> mine = new ArrayList<>();
                  while (System.nanoTime() < deadline) {
                    long cpu0 = mx.getCurrentThreadCpuTime();
                    long wall0 = System.nanoTime();
                    for (int i = 0; i < BATCH; i++) {
                      op.run();
                    }
                    long wall1 = System.nanoTime();
                    long cpu1 = mx.getCurrentThreadCpuTime();
                    if (wall0 > warmEnd) {
                      mine.add(new double[] {(cpu1 - cpu0) / (double) BATCH, (wall1 - wall0) / (double) BATCH});
                    }
                  }
                  synchronized (samples) {
                    samples.addAll(mine);
                  }
                } catch (Throwable e) {
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
              },
              "pick-cpu-" + k);
      t.setDaemon(true);
      workers.add(t);
      t.start();
    }
    for (Thread t : workers) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("worker failed", failures.get(0));
    }
    double[] cpu = samples.stream().mapToDouble(s -> s[0]).sorted().toArray();
    double[] wall = samples.stream().mapToDouble(s -> s[1]).sorted().toArray();
    System.out.printf(
        "%s endpoints=%d threads=%d mode=%s batches=%d cpu median %.1f ns/op (p25 %.1f) wall median %.1f%n",
        impl, endpoints, threads, mode, cpu.length, median(cpu), quantile(cpu, 0.25), median(wall));
  }

  private static double median(double[] sorted) {
    return quantile(sorted, 0.5);
  }

  private static double quantile(double[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  /** Gives every estimate samples first, as TrackingPickBenchmark does (peak EWMA). */
  private static TrackingBalancer warm(TrackingBalancer lb, int endpoints) {
    for (int i = 0; i < 20 * endpoints; i++) {
      lb.pick().complete(1_000, true);
    }
    return lb;
  }

  private static Runnable plain(Balancer lb) {
    return lb::pick;
  }

  private static Runnable tracking(TrackingBalancer lb, String mode) {
    boolean complete =
        switch (mode) {
          case "complete" -> true;
          case "cancel" -> false;
          case "pick" -> false;
          default -> throw new IllegalArgumentException("mode: " + mode);
        };
    if (mode.equals("pick")) {
      return lb::pick;
    }
    return () -> {
      Lease lease = lb.pick();
      if (complete) {
        lease.complete(1_000, true);
      } else {
        lease.cancel();
      }
    };
  }
}
