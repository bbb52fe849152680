package io.perfkit.bench.metrics;

import io.perfkit.core.metrics.LatencyRecorder;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.HdrHistogram.Recorder;
import org.HdrHistogram.SynchronizedHistogram;

/**
 * Interleaved A/B measurement of the cost of one latency record, for a shared, loaded machine where
 * JMH's one-implementation-after-another runs see different load: each round times every
 * implementation for a short slice in a rotating order, so all of them sample the same load, and the
 * median over rounds is reported with its ratio to perfkit. Each slice is timed in the worker
 * threads' CPU time ({@link ThreadMXBean#getCurrentThreadCpuTime()}), which excludes the time other
 * processes hold the cores but includes cache misses and contention while the workers run; the wall
 * time is printed too. Complements
 * {@link LatencyRecorderBenchmark}; it is not a replacement for it.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.metrics.RecordCostAB
 * [threads=1] [rounds=200] [opsPerSlice=1000000]}
 */
public final class RecordCostAB {
  private static final int VALUES = 1 << 12;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private RecordCostAB() {}

  /**
   * Runs the comparison and prints one line per implementation.
   *
   * @param args {@code [threads [rounds [opsPerSlice]]]}
   * @throws Exception if a worker fails
   */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    // Slices long enough (tens of ms) that concurrent workers really overlap on a busy machine.
    int opsPerSlice = args.length > 2 ? Integer.parseInt(args[2]) : 1_000_000;
    long[] values = new long[VALUES];
    SplittableRandom random = new SplittableRandom(42);
    for (int i = 0; i < VALUES; i++) {
      values[i] = 1_000 + (long) Math.pow(10_000_000, random.nextDouble());
    }
    // One loop class per implementation, so each record call site is monomorphic (and inlined),
    // as in an application; only the per-slice loop call is megamorphic.
    Map<String, Loop> impls = new LinkedHashMap<>();
    LatencyRecorder perfkitRecorder = LatencyRecorder.create();
    impls.put("perfkit", (v, n) -> {
      for (int i = 0; i < n; i++) {
        perfkitRecorder.record(v[i & (VALUES - 1)]);
      }
    });
    Recorder recorder = new Recorder(3);
    impls.put("recorder", (v, n) -> {
      for (int i = 0; i < n; i++) {
        recorder.recordValue(v[i & (VALUES - 1)]);
      }
    });
    SynchronizedHistogram synced = new SynchronizedHistogram(3);
    synced.setAutoResize(true);
    impls.put("synchronized", (v, n) -> {
      for (int i = 0; i < n; i++) {
        synced.recordValue(v[i & (VALUES - 1)]);
      }
    });
    List<String> names = new ArrayList<>(impls.keySet());
    Map<String, double[]> samples = new LinkedHashMap<>();
    Map<String, double[]> wall = new LinkedHashMap<>();
    names.forEach(n -> samples.put(n, new double[rounds]));
    names.forEach(n -> wall.put(n, new double[rounds]));
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      int warmup = rounds / 5;
      for (int round = -warmup; round < rounds; round++) {
        for (int k = 0; k < names.size(); k++) {
          String name = names.get(Math.floorMod(round + k, names.size()));
          double[] ns = slice(pool, threads, impls.get(name), values, opsPerSlice);
          if (round >= 0) {
            samples.get(name)[round] = ns[0];
            wall.get(name)[round] = ns[1];
          }
        }
      }
    } finally {
      pool.shutdownNow();
    }
    double perfkit = median(samples.get("perfkit"));
    System.out.printf(Locale.US, "threads=%d rounds=%d (CPU ns per record per thread; ratio ="
        + " peer/perfkit, > 1 means perfkit is faster)%n", threads, rounds);
    for (String name : names) {
      double[] s = samples.get(name);
      double median = median(s);
      System.out.printf(Locale.US,
          "%-14s median %7.2f ns  p10 %7.2f ns  p90 %7.2f ns  ratio %5.2f   (wall median %7.2f ns)%n",
          name, median, percentile(s, 10), percentile(s, 90), median / perfkit,
          median(wall.get(name)));
    }
  }

  /** Returns {CPU ns, wall ns} per record per thread. */
  /** Records {@code n} values from {@code values} into one implementation. */
  @FunctionalInterface
  interface Loop {
    void run(long[] values, int n);
  }

  private static double[] slice(ExecutorService pool, int threads, Loop loop,
      long[] values, int opsPerSlice) throws Exception {
    CyclicBarrier start = new CyclicBarrier(threads);
    List<Future<long[]>> futures = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      futures.add(pool.submit(() -> {
        start.await();
        long cpu = THREADS.getCurrentThreadCpuTime();
        long begin = System.nanoTime();
        loop.run(values, opsPerSlice);
        return new long[] {THREADS.getCurrentThreadCpuTime() - cpu, System.nanoTime() - begin};
      }));
    }
    long cpuTotal = 0;
    long wallTotal = 0;
    for (Future<long[]> f : futures) {
      long[] r = f.get();
      cpuTotal += r[0];
      wallTotal += r[1];
    }
    double ops = (double) threads * opsPerSlice;
    return new double[] {cpuTotal / ops, wallTotal / ops};
  }

  private static double median(double[] s) {
    return percentile(s, 50);
  }

  private static double percentile(double[] s, double p) {
    double[] sorted = s.clone();
    Arrays.sort(sorted);
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))];
  }
}
