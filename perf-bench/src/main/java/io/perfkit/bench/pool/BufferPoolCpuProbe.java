package io.perfkit.bench.pool;

import io.perfkit.core.pool.BufferPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A loaded-machine A/B probe for {@link BufferPool}'s fast path: the calling thread's CPU time per
 * acquire + write first/last byte + read + release of a 4 KiB direct buffer (the
 * {@code BufferPoolBenchmark} operation), round after round. Thread CPU time leaves out the time
 * the thread waits for a core, so two builds can be compared on a busy machine by running this
 * against each (same JVM flags, alternately). It leaves out GC threads' time, so it is no way to
 * measure {@code allocateDirect}: the ratio to the JDK comes from {@code BufferPoolBenchmark}.
 *
 * <p>Run: {@code java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -cp perf-bench/target/benchmarks.jar
 * io.perfkit.bench.pool.BufferPoolCpuProbe [rounds=12] [opsPerRound=10000000]}.
 */
public final class BufferPoolCpuProbe {
  private static final int SIZE = 4096;
  private static volatile long sink;

  private BufferPoolCpuProbe() {}

  /**
   * Runs the probe.
   *
   * @param args rounds, operations per round (both optional)
   */
  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 12;
    int ops = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long id = Thread.currentThread().getId();
    try (BufferPool pool = BufferPool.newBuilder().direct(true).build()) {
      pool.release(pool.acquire(SIZE));
      int warm = Math.min(3, rounds / 3);
      double[] ns = new double[rounds - warm];
      for (int r = 0; r < rounds; r++) {
        long start = mx.getThreadCpuTime(id);
        sink += loop(pool, ops);
        double perOp = (double) (mx.getThreadCpuTime(id) - start) / ops;
        if (r >= warm) {
          ns[r - warm] = perOp;
        }
      }
      Arrays.sort(ns);
      System.out.printf("perfkit direct 4 KiB: median %.2f ns/op CPU (q1 %.2f, q3 %.2f), %d rounds"
          + " x %d ops after %d warm-up rounds%n",
          ns[ns.length / 2], ns[ns.length / 4], ns[3 * ns.length / 4], ns.length, ops, warm);
    }
  }

  private static long loop(BufferPool pool, int n) {
    long sum = 0;
    for (int i = 0; i < n; i++) {
      ByteBuffer b = pool.acquire(SIZE);
      b.put(0, (byte) 1);
      b.put(SIZE - 1, (byte) 2);
      sum += b.get(SIZE / 2);
      pool.release(b);
    }
    return sum;
  }
}
