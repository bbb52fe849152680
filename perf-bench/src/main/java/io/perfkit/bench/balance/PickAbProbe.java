package io.perfkit.bench.balance;

import io.perfkit.balance.Balancers;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.TrackingBalancer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.IntFunction;

/**
 * Compares builds of a tracking balancer side by side in ONE JVM: each jar given on the command
 * line is loaded by its own class loader (its perf-balance classes first, this class from the
 * running jar when the jar lacks it), so the variants meet the same machine moments, which separate
 * JVMs on a shared machine do not. Two threads (named {@code pick-split-0/1}, to be pinned with
 * {@code taskset -p -c k <tid>}) run batches in lockstep (a spin barrier before each batch: {@code
 * batch} picks timed, then their {@code complete(1000, true)} timed), so every batch is the
 * contended case; the variant changes every 16 batches in ABBA order. Each variant picks from
 * {@code copies} balancers in turn (one per batch): a small set's compact in-flight chunk lands on
 * one cache line or two depending on its address (see {@code CompactCounters}), and averaging over
 * copies keeps that lottery out of the comparison. Prints per variant the median (p25, p75) pick
 * and completion nanoseconds per operation and the in-flight total at the end (0: every lease was
 * completed).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.balance.PickAbProbe
 * least-request 10 8 32 /tmp/old.jar /tmp/new.jar} (impl: least-request, least-request-scan
 * (always the full scan), least-request-p2c (always two random choices) or peak-ewma; endpoints;
 * seconds; copies; two or more variants). A variant is a jar, or {@code impl=jar} to run that
 * variant with its own impl (e.g. {@code least-request-scan=/tmp/a.jar
 * least-request-p2c=/tmp/a.jar}: two modes of one build, each in its own class loader). A jar
 * that holds its own copy of this class runs that copy (and its impls); to give an older build
 * this version's impls, pass a jar with only its {@code io/perfkit/core} and {@code
 * io/perfkit/balance} classes. The first quarter of the time warms up.
 */
public final class PickAbProbe {
  private PickAbProbe() {}

  /**
   * Runs the comparison and prints one line per variant.
   *
   * @param args impl endpoints seconds copies jar...
   * @throws Exception if loading a variant or a worker fails
   */
  public static void main(String[] args) throws Exception {
    String impl = args[0];
    int endpoints = Integer.parseInt(args[1]);
    double seconds = Double.parseDouble(args[2]);
    int copies = Integer.parseInt(args[3]);
    int variants = args.length - 4;
    if (variants < 1) {
      throw new IllegalArgumentException("expected at least one jar");
    }
    int batch = 32;
    int block = 16;
    URL self = PickAbProbe.class.getProtectionDomain().getCodeSource().getLocation();
    List<List<IntFunction<long[]>>> workers = List.of(new ArrayList<>(), new ArrayList<>());
    Object[][] balancers = new Object[variants][];
    Method[] counters = new Method[variants]; // each variant's Worker.inFlight
    String[] impls = new String[variants];
    for (int v = 0; v < variants; v++) {
      String spec = args[4 + v];
      int eq = spec.indexOf('=');
      impls[v] = eq < 0 ? impl : spec.substring(0, eq);
      URL jar = Path.of(spec.substring(eq + 1)).toUri().toURL();
      ClassLoader loader =
          new URLClassLoader(new URL[] {jar, self}, ClassLoader.getPlatformClassLoader());
      Class<?> worker = loader.loadClass(Worker.class.getName());
      balancers[v] = new Object[copies];
      for (int i = 0; i < copies; i++) {
        balancers[v][i] =
            worker.getMethod("create", String.class, int.class).invoke(null, impls[v], endpoints);
      }
      counters[v] = worker.getMethod("inFlight", Object.class, int.class);
      Constructor<?> ctor = worker.getConstructor(Object[].class, int.class);
      for (int t = 0; t < 2; t++) {
        @SuppressWarnings("unchecked")
        IntFunction<long[]> f = (IntFunction<long[]>) ctor.newInstance(balancers[v], batch);
        workers.get(t).add(f);
      }
    }
    // slots 0 and 16: the round each thread reached; slot 32: the round both stop at (0: running)
    AtomicLongArray rounds = new AtomicLongArray(48);
    long start = System.nanoTime();
    long warm = start + (long) (seconds * 1e9 / 4);
    long end = start + (long) (seconds * 1e9);
    List<List<double[]>> results = new ArrayList<>();
    for (int v = 0; v < variants; v++) {
      results.add(new ArrayList<>());
    }
    List<Throwable> failures = new ArrayList<>();
    Thread[] threads = new Thread[2];
    for (int t = 0; t < 2; t++) {
      int me = t;
      threads[t] =
          new Thread(
              () -> {
                List<double[]> mine = new ArrayList<>();
                List<IntFunction<long[]>> own = workers.get(me);
                try {
                  for (long r = 0; ; r++) {
                    long b = r / block;
                    int v = (int) (b % variants);
                    if (((b / variants) & 1) == 1) {
                      v = variants - 1 - v; // ABBA
                    }
                    rounds.set(me * 16, r + 1);
                    while (rounds.get(16 - me * 16) < r + 1) {
                      Thread.onSpinWait(); // both threads start each batch together
                    }
                    long[] ns = own.get(v).apply((int) (r % copies));
                    long now = System.nanoTime();
                    if (now > warm) {
                      mine.add(new double[] {v, ns[0] / (double) batch, ns[1] / (double) batch});
                    }
                    long stop = rounds.get(32);
                    if (stop != 0 && r + 1 >= stop) {
                      break;
                    }
                    if (me == 0 && now > end && stop == 0) {
                      rounds.set(32, r + 3); // both threads finish round r + 2, then stop
                    }
                  }
                } catch (Throwable e) {
                  rounds.set(32, 1); // let the other thread stop too
                  synchronized (failures) {
                    failures.add(e);
                  }
                }
                synchronized (results) {
                  for (double[] d : mine) {
                    results.get((int) d[0]).add(d);
                  }
                }
              },
              "pick-split-" + t);
      threads[t].setDaemon(true);
      threads[t].start();
    }
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("worker failed", failures.get(0));
    }
    for (int v = 0; v < variants; v++) {
      double[] picks = results.get(v).stream().mapToDouble(d -> d[1]).sorted().toArray();
      double[] completions = results.get(v).stream().mapToDouble(d -> d[2]).sorted().toArray();
      int open = 0;
      for (Object lb : balancers[v]) {
        open += (Integer) counters[v].invoke(null, lb, endpoints);
      }
      System.out.printf(
          "%s endpoints=%d copies=%d %s: pick %.1f ns (p25 %.1f, p75 %.1f), complete %.1f ns,"
              + " batches=%d, in flight at end=%d%n",
          impls[v], endpoints, copies, args[4 + v], quantile(picks, 0.5), quantile(picks, 0.25),
          quantile(picks, 0.75), quantile(completions, 0.5), picks.length, open);
    }
  }

  private static double quantile(double[] sorted, double q) {
    return sorted.length == 0
        ? Double.NaN
        : sorted[(int) Math.min(sorted.length - 1, q * sorted.length)];
  }

  /**
   * One thread's side of one variant, loaded by that variant's class loader: picks a batch from
   * the round's balancer, then completes it. Public for the reflective construction only.
   */
  public static final class Worker implements IntFunction<long[]> {
    private final TrackingBalancer[] balancers;
    private final int batch;
    private final Lease[] leases;
    private final long[] out = new long[2];

    /**
     * Creates a worker over shared balancers.
     *
     * @param balancers the variant's balancers (created by {@link #create})
     * @param batch picks per batch
     */
    public Worker(Object[] balancers, int batch) {
      this.balancers =
          Arrays.stream(balancers).map(b -> (TrackingBalancer) b).toArray(TrackingBalancer[]::new);
      this.batch = batch;
      this.leases = new Lease[batch];
    }

    /**
     * Creates a balancer of {@code endpoints} equal endpoints, every estimate sampled.
     *
     * @param impl least-request, least-request-scan (always the full scan), least-request-p2c
     *     (always two random choices) or peak-ewma
     * @param endpoints the endpoint count
     * @return the balancer
     */
    public static Object create(String impl, int endpoints) {
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
            default -> throw new IllegalArgumentException("impl: " + impl);
          };
      for (int i = 0; i < 20 * endpoints; i++) {
        lb.pick().complete(1_000, true);
      }
      return lb;
    }

    /**
     * Returns the sum of a balancer's in-flight counts.
     *
     * @param balancer a balancer from {@link #create}
     * @param endpoints its endpoint count (ids e0 .. e(n-1))
     * @return the sum
     */
    public static int inFlight(Object balancer, int endpoints) {
      TrackingBalancer lb = (TrackingBalancer) balancer;
      int sum = 0;
      for (int i = 0; i < endpoints; i++) {
        sum += lb.inFlight("e" + i);
      }
      return sum;
    }

    @Override
    public long[] apply(int copy) {
      TrackingBalancer lb = balancers[copy];
      long t0 = System.nanoTime();
      for (int i = 0; i < batch; i++) {
        leases[i] = lb.pick();
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < batch; i++) {
        leases[i].complete(1_000, true);
      }
      long t2 = System.nanoTime();
      out[0] = t1 - t0;
      out[1] = t2 - t1;
      return out;
    }
  }
}
