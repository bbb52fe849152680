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
 * System.nanoTime} measured the same way; then the pick and completion medians over the overlapped
 * batches only: those during which every other thread was running its loop too (no gap over 1 µs
 * between its batches and none of them stretched over 25 µs, i.e. not descheduled). That is the contended case a quiet machine shows,
 * measurable on a loaded one where the threads seldom run at the same moment. The two clock reads
 * around each phase add {@code 2 x clock / batch} per operation (about 1.6 ns for a 32-lease
 * batch), not subtracted.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.balance.PickSplitProbe
 * peak-ewma 10 2 shared complete 32 6} (impl: least-request, least-request-scan (always a full
 * scan), least-request-p2c (always two random choices), peak-ewma, peak-ewma-coarse (a
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
      int self = k;
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
                            (t3 - t2) / (double) batch,
                            t0,
                            t1,
                            t2,
                            self
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
    List<double[]> overlapped = overlapped(samples, threads);
    System.out.printf(
        "%s endpoints=%d threads=%d %s %s batch=%d batches=%d: pick %.1f ns, %s %.1f ns, clock %.1f ns"
            + " (medians; p25 %.1f / %.1f / %.1f); overlapped batches=%d: pick %.1f ns, %s %.1f ns%n",
        impl, endpoints, threads, args[3], completion, batch, samples.size(),
        quantile(samples, 0, 0.5), completion, quantile(samples, 1, 0.5), quantile(samples, 2, 0.5),
        quantile(samples, 0, 0.25), quantile(samples, 1, 0.25), quantile(samples, 2, 0.25),
        overlapped.size(), quantile(overlapped, 0, 0.5), completion, quantile(overlapped, 1, 0.5));
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

  /**
   * The batches (pick and completion phase) during which every other thread was running its loop:
   * its batches leave no gap of over 1 µs in that interval, and none of them took over 25 µs (a
   * thread descheduled inside a batch stretches it by a millisecond or more). In those the threads really ran at the same moment, so picks met the other
   * cores' writes. On a loaded machine the threads rarely overlap and the plain medians mostly time
   * one thread alone; these time the contended case (quiet-machine behaviour) whatever the load.
   */
  private static List<double[]> overlapped(List<double[]> samples, int threads) {
    List<List<double[]>> byThread = new ArrayList<>();
    for (int k = 0; k < threads; k++) {
      byThread.add(new ArrayList<>());
    }
    for (double[] s : samples) {
      byThread.get((int) s[6]).add(s);
    }
    for (List<double[]> list : byThread) {
      list.sort((a, b) -> Double.compare(a[3], b[3]));
    }
    // a batch that took over 25 µs was interrupted (descheduled; a time slice is a millisecond or
    // more): it does not count as running, although it spans the time. Not a multiple of the
    // median: contention itself slows a 32-op batch several-fold (to a few µs), and a relative
    // limit would drop exactly the contended batches this selection is for.
    double limit = 25_000;
    List<double[]> out = new ArrayList<>();
    for (double[] s : samples) {
      boolean all = threads > 1;
      for (int k = 0; k < threads && all; k++) {
        if (k != (int) s[6]) {
          all = covered(byThread.get(k), s[3], s[5], limit);
        }
      }
      if (all) {
        out.add(s);
      }
    }
    return out;
  }

  /**
   * Whether the batches in {@code list} (sorted by start) no longer than {@code limit} leave no gap
   * over 1 µs in [from, to].
   */
  private static boolean covered(List<double[]> list, double from, double to, double limit) {
    int lo = 0;
    int hi = list.size() - 1;
    while (lo < hi) { // the last batch starting at or before `from`
      int mid = (lo + hi + 1) >>> 1;
      if (list.get(mid)[3] <= from) {
        lo = mid;
      } else {
        hi = mid - 1;
      }
    }
    double reached = from;
    for (int i = lo; i < list.size() && list.get(i)[3] <= reached + 1_000; i++) {
      double[] b = list.get(i);
      if (b[5] < from) {
        continue; // ended before the interval
      }
      if (b[5] - b[3] > limit) {
        return false; // that thread lost its core during the interval
      }
      reached = Math.max(reached, b[5]);
      if (reached >= to) {
        return true;
      }
    }
    return false;
  }

  private static double quantile(List<double[]> samples, int column, double q) {
    double[] sorted = samples.stream().mapToDouble(s -> s[column]).sorted().toArray();
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  /**
   * A balancer of {@code endpoints} equal endpoints whose every estimate has samples: {@code
   * least-request}, {@code least-request-scan}, {@code least-request-p2c}, {@code peak-ewma}, {@code peak-ewma-coarse} or {@code peak-ewma-step}
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
          case "least-request-scan" -> b.fullScanThreshold(Integer.MAX_VALUE).leastRequest();
          case "least-request-p2c" -> b.fullScanThreshold(0).leastRequest();
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
