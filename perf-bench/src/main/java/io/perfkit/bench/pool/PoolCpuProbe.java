package io.perfkit.bench.pool;

import io.perfkit.core.pool.LocalHandle;
import io.perfkit.core.pool.ObjectPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import stormpot.Expiration;
import stormpot.Pool;
import stormpot.PoolTap;
import stormpot.Pooled;
import stormpot.Timeout;

/**
 * A loaded-machine A/B probe for object-pool fast paths: per-thread <em>CPU time</em> per
 * acquire + use + release, with perfkit and Stormpot interleaved in one JVM, round after round.
 * Thread CPU time leaves out the time a thread waits for a core, so on a shared machine it
 * separates "which is cheaper" much better than JMH's wall-clock throughput (which then mostly
 * measures the thread's share of the CPU). Each implementation has its own loop method, so each
 * call site stays monomorphic. It does not replace {@code ObjectPoolBenchmark}: use it to decide
 * between two builds or two implementations while the machine is busy, and report JMH.
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp perf-bench/target/benchmarks.jar
 * io.perfkit.bench.pool.PoolCpuProbe [threads=1] [rounds=15] [opsPerRound=20000000]}. Prints the
 * median and the quartiles of the per-round CPU ns per operation, and the median ratios.
 */
public final class PoolCpuProbe {
  private static final String[] IMPLS = {
    "perfkit-handle", "perfkit", "stormpot-tap", "stormpot"
  };
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static volatile long sink;

  private PoolCpuProbe() {}

  /**
   * Runs the probe.
   *
   * @param args threads, rounds, operations per round (all optional)
   * @throws Exception if a thread fails
   */
  public static void main(String[] args) throws Exception {
    int threads = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 15;
    int ops = args.length > 2 ? Integer.parseInt(args[2]) : 20_000_000;
    ObjectPool<Payload> ours = ObjectPool.newBuilder(Payload::new).build();
    Pool<Pooled<Payload>> stormpot =
        Pool.from(new stormpot.Allocator<Pooled<Payload>>() {
              @Override
              public Pooled<Payload> allocate(stormpot.Slot slot) {
                return new Pooled<>(slot, new Payload());
              }

              @Override
              public void deallocate(Pooled<Payload> poolable) {}
            })
            .setSize(PoolAdapter.SIZE)
            .setExpiration(Expiration.never())
            .setBackgroundExpirationEnabled(false)
            .setPreciseLeakDetectionEnabled(false)
            .build();
    double[][][] nsPerOp = new double[threads][IMPLS.length][rounds];
    CyclicBarrier barrier = new CyclicBarrier(threads);
    Thread[] workers = new Thread[threads];
    Throwable[] failure = new Throwable[1];
    for (int t = 0; t < threads; t++) {
      int me = t;
      workers[t] =
          new Thread(
              () -> {
                try {
                  run(ours, stormpot, rounds, ops, barrier, nsPerOp[me]);
                } catch (Throwable e) {
                  failure[0] = e;
                }
              },
              "probe-" + t);
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    if (failure[0] != null) {
      throw new IllegalStateException(failure[0]);
    }
    double[] median = new double[IMPLS.length];
    System.out.printf("threads %d, rounds %d x %d ops (first %d rounds dropped as warm-up)%n",
        threads, rounds, ops, warmupRounds(rounds));
    for (int i = 0; i < IMPLS.length; i++) {
      double[] all = new double[threads * (rounds - warmupRounds(rounds))];
      int k = 0;
      for (int t = 0; t < threads; t++) {
        for (int r = warmupRounds(rounds); r < rounds; r++) {
          all[k++] = nsPerOp[t][i][r];
        }
      }
      Arrays.sort(all);
      median[i] = all[all.length / 2];
      System.out.printf("%-16s median %6.2f ns/op CPU  (q1 %6.2f, q3 %6.2f)%n",
          IMPLS[i], median[i], all[all.length / 4], all[3 * all.length / 4]);
    }
    for (int i = 2; i < IMPLS.length; i++) {
      System.out.printf("perfkit-handle / %s: %.2fx   perfkit / %s: %.2fx%n",
          IMPLS[i], median[i] / median[0], IMPLS[i], median[i] / median[1]);
    }
    ours.close();
    stormpot.shutdown().await(new Timeout(10, TimeUnit.SECONDS));
  }

  private static int warmupRounds(int rounds) {
    return Math.min(3, rounds / 3);
  }

  private static void run(
      ObjectPool<Payload> ours,
      Pool<Pooled<Payload>> stormpot,
      int rounds,
      int ops,
      CyclicBarrier barrier,
      double[][] out)
      throws Exception {
    LocalHandle<Payload> handle = ours.localHandle();
    PoolTap<Pooled<Payload>> tap = stormpot.getThreadLocalTap();
    Timeout timeout = new Timeout(1, TimeUnit.SECONDS);
    long id = Thread.currentThread().getId();
    for (int r = 0; r < rounds; r++) {
      for (int i = 0; i < IMPLS.length; i++) {
        // Rotate the order per round, so no implementation always runs right after another.
        int impl = (i + r) % IMPLS.length;
        barrier.await();
        long start = MX.getThreadCpuTime(id);
        long s =
            switch (impl) {
              case 0 -> loopHandle(handle, ops);
              case 1 -> loopPool(ours, ops);
              case 2 -> loopStormpot(tap, timeout, ops);
              default -> loopStormpot2(stormpot, timeout, ops);
            };
        long cpu = MX.getThreadCpuTime(id) - start;
        sink += s;
        out[impl][r] = (double) cpu / ops;
      }
    }
  }

  private static long loopHandle(LocalHandle<Payload> h, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Payload p = h.acquire();
      sum += p.use();
      h.release(p);
    }
    return sum;
  }

  private static long loopPool(ObjectPool<Payload> pool, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Payload p = pool.acquire();
      sum += p.use();
      pool.release(p);
    }
    return sum;
  }

  /** The per-thread tap. */
  private static long loopStormpot(PoolTap<Pooled<Payload>> tap, Timeout timeout, int n)
      throws InterruptedException {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Pooled<Payload> p = tap.claim(timeout);
      sum += p.object.use();
      p.release();
    }
    return sum;
  }

  /** {@code pool.claim}: a separate method so that its call site sees only the pool's class. */
  private static long loopStormpot2(Pool<Pooled<Payload>> pool, Timeout timeout, int n)
      throws InterruptedException {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      Pooled<Payload> p = pool.claim(timeout);
      sum += p.object.use();
      p.release();
    }
    return sum;
  }
}
