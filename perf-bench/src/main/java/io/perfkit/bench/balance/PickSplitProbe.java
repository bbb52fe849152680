package io.perfkit.bench.balance;

import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.Ticker;
import io.perfkit.balance.TrackingBalancer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.locks.LockSupport;

/**
 * Times a tracking balancer's {@code pick()} apart from its completion, which JMH cannot do per
 * operation: each thread repeatedly picks a small batch of leases (timed), then completes them
 * (timed separately), so the in-flight counts grow by at most one batch per thread and return to
 * zero after every batch (no state leaks into later picks, unlike a pick whose lease stays open).
 * Reports the median over batches of the wall-clock nanoseconds per pick and per completion (the
 * median drops batches in which the thread lost its core), plus the cost of one {@code
 * System.nanoTime} measured the same way. The two clock reads around each phase add {@code 2 x
 * clock / batch} per operation (about 1.6 ns for a 32-lease batch), not subtracted.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.balance.PickSplitProbe
 * peak-ewma 10 2 shared complete 32 6} (impl: least-request, peak-ewma, peak-ewma-coarse (a
 * ticker refreshed every millisecond by a daemon thread: no clock call in the pick, and stamps mostly
 * current, so no stamp CAS), peak-ewma-step (a per-thread counter as ticker: no clock call, stamps
 * still advanced by CAS); endpoints; threads;
 * shared = both threads use one balancer, private = one balancer per thread; completion:
 * complete = {@code complete(1000, true)}, timed = {@code complete(true)}, cancel = {@code
 * cancel()}; batch size; seconds).
 */
public final class PickSplitProbe {
  private PickSplitProbe() {}

  /**
   * Runs one measurement and prints one line.
   *
   * @param args impl endpoints threads shared|private complete|timed|cancel batch seconds
   * @throws Exception if a thread fails
   */
  public static void main(String[] args) throws Exception {
    String impl = args[0];
    int endpoints = Integer.parseInt(args[1]);
    int threads = Integer.parseInt(args[2]);
    boolean shared =
        switch (args[3]) {
          case "shared" -> true;
          case "private" -> false;
          default -> throw new IllegalArgumentException("sharing: " + args[3]);
        };
    String completion = args[4];
    if (!List.of("complete", "timed", "cancel").contains(completion)) {
      throw new IllegalArgumentException("completion: " + completion);
    }
    int batch = Integer.parseInt(args[5]);
    int seconds = Integer.parseInt(args[6]);
    TrackingBalancer common = shared ? create(impl, endpoints) : null;
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    long warmEnd = System.nanoTime() + seconds * 1_000_000_000L / 3; // the first third warms up
    List<double[]> samples = new ArrayList<>(); // {pick ns, completion ns, clock ns} per op
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Thread> workers = new ArrayList<>();
    List<Throwable> failures = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  TrackingBalancer lb = shared ? common : create(impl, endpoints);
                  Lease[] leases = new Lease[batch];
                  List<double[]> mine = new ArrayList<>();
                  long sink = 0;
                  start.await();
                  while (System.nanoTime() < deadline) {
                    long t0 = System.nanoTime();
                    for (int i = 0; i < batch; i++) {
                      leases[i] = lb.pick();
                    }
                    long t1 = System.nanoTime();
                    switch (completion) {
                      case "complete" -> {
                        for (int i = 0; i < batch; i++) {
                          leases[i].complete(1_000, true);
                        }
                      }
                      case "timed" -> {
                        for (int i = 0; i < batch; i++) {
                          leases[i].complete(true);
                        }
                      }
                      default -> {
                        for (int i = 0; i < batch; i++) {
                          leases[i].cancel();
                        }
                      }
                    }
                    long t2 = System.nanoTime();
                    for (int i = 0; i < batch; i++) {
                      sink += System.nanoTime();
                    }
                    long t3 = System.nanoTime();
                    if (t0 > warmEnd) {
                      mine.add(
                          new double[] {
                            (t1 - t0) / (double) batch,
                            (t2 - t1) / (double) batch,
                            (t3 - t2) / (double) batch
                          });
                    }
                  }
                  if (sink == 42) {
                    System.out.print(""); // keeps the clock loop
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
              "pick-split-" + k);
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
    System.out.printf(
        "%s endpoints=%d threads=%d %s %s batch=%d batches=%d: pick %.1f ns, %s %.1f ns, clock %.1f ns"
            + " (medians; p25 %.1f / %.1f / %.1f)%n",
        impl, endpoints, threads, args[3], completion, batch, samples.size(),
        quantile(samples, 0, 0.5), completion, quantile(samples, 1, 0.5), quantile(samples, 2, 0.5),
        quantile(samples, 0, 0.25), quantile(samples, 1, 0.25), quantile(samples, 2, 0.25));
  }

  /**
   * A clock refreshed every millisecond by a daemon thread: a user-supplied ticker under which
   * Finagle's algorithm runs unchanged (Finagle's {@code PeakEwma} takes its clock as a parameter,
   * {@code nanoTime: () => Long}) with 1 ms resolution; a pick then reads a volatile field instead of
   * calling {@code System.nanoTime}, and a candidate's stamp is usually already at that time (no CAS).
   */
  static final class CoarseTicker implements Ticker {
    static final CoarseTicker INSTANCE = new CoarseTicker();
    private volatile long now = System.nanoTime();

    private CoarseTicker() {
      Thread t =
          new Thread(
              () -> {
                while (true) {
                  LockSupport.parkNanos(1_000_000L);
                  now = System.nanoTime(); // volatile write: readers see a recent time
                }
              },
              "coarse-ticker");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public long read() {
      return now; // volatile read
    }
  }

  /** 1 µs more per read on each thread (thread-local, no shared write): no clock call, stamps CASed. */
  static final class StepTicker implements Ticker {
    private final ThreadLocal<long[]> now = ThreadLocal.withInitial(() -> new long[1]);

    @Override
    public long read() {
      return now.get()[0] += 1_000;
    }
  }

  private static double quantile(List<double[]> samples, int column, double q) {
    double[] sorted = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  /**
   * A balancer of {@code endpoints} equal endpoints whose every estimate has samples: {@code
   * least-request}, {@code peak-ewma}, {@code peak-ewma-coarse} or {@code peak-ewma-step}
   * (PickSplitBenchmark passes its impl names without the {@code perfkit-} prefix).
   */
  static TrackingBalancer create(String impl, int endpoints) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < endpoints; i++) {
      list.add(Endpoint.of("e" + i, 1));
    }
    Balancers b = Balancers.newBuilder().endpoints(list);
    TrackingBalancer lb =
        switch (impl) {
          case "least-request" -> b.leastRequest();
          case "peak-ewma" -> b.peakEwma();
          case "peak-ewma-coarse" -> b.ticker(CoarseTicker.INSTANCE).peakEwma();
          case "peak-ewma-step" -> b.ticker(new StepTicker()).peakEwma();
          default -> throw new IllegalArgumentException("impl: " + impl);
        };
    for (int i = 0; i < 20 * endpoints; i++) {
      lb.pick().complete(1_000, true); // every estimate gets samples (peak EWMA)
    }
    return lb;
  }
}
