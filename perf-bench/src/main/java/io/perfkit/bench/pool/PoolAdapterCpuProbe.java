package io.perfkit.bench.pool;

import io.perfkit.core.pool.BufferPool;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A loaded-machine A/B probe shaped like the JMH benchmarks: per-thread <em>CPU time</em> per
 * operation of one implementation per JVM, called exactly as {@code ObjectPoolBenchmark} and
 * {@code BufferPoolBenchmark} call it (through {@link PoolAdapter} held in a per-thread state
 * object, the buffer pool and size read from a state object), with a volatile read per operation
 * standing for JMH's loop check. {@link PoolCpuProbe} calls the pools from tight loops with
 * everything in registers; there plain {@code acquire()/release()} measured at parity with
 * Stormpot's {@code pool.claim} while JMH put it at 0.77x; this probe reproduces JMH's ordering.
 * Thread CPU time leaves out the time a thread waits for a core; interference from the other
 * hardware thread of the core still shows, so compare the minimum over rounds (the least
 * disturbed round) of runs interleaved between builds.
 *
 * <p>Run: {@code java -Xms1g -Xmx1g -cp perf-bench/target/benchmarks.jar
 * io.perfkit.bench.pool.PoolAdapterCpuProbe <impl> [threads=1] [rounds=40] [opsPerRound=1000000]}
 * where {@code impl} is an {@code ObjectPoolBenchmark} implementation ({@code perfkit},
 * {@code perfkit-handle}, {@code stormpot}, {@code stormpot-tap}, ...), {@code buffer} (perfkit's
 * {@code BufferPool}, 4 KiB direct) or {@code buffer-floor} (the same buffer operation on one
 * fixed direct buffer without a pool: the JDK's share of {@code buffer}).
 */
public final class PoolAdapterCpuProbe {
  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
  private static final int BUFFER_SIZE = 4096;
  private static final int WARM_UP_ROUNDS = 3;
  private static volatile boolean done;
  private static volatile int sink;

  private PoolAdapterCpuProbe() {}

  /** One thread's view, like the benchmark's {@code @State(Scope.Thread)}. */
  private static final class Local {
    PoolAdapter pool;
  }

  /** The buffer benchmark's state. */
  private static final class BufferState {
    BufferPool pool;
    ByteBuffer fixed;
    int size = BUFFER_SIZE;
  }

  /**
   * Runs the probe.
   *
   * @param args implementation, threads, rounds, operations per round
   * @throws Exception if a thread fails
   */
  public static void main(String[] args) throws Exception {
    String impl = args[0];
    int threads = args.length > 1 ? Integer.parseInt(args[1]) : 1;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 40;
    int ops = args.length > 3 ? Integer.parseInt(args[3]) : 1_000_000;
    if (rounds <= WARM_UP_ROUNDS) {
      throw new IllegalArgumentException("rounds: " + rounds + " (expected: > 3)");
    }
    boolean buffer = impl.equals("buffer");
    boolean floor = impl.equals("buffer-floor");
    PoolAdapter shared = buffer || floor ? null : PoolAdapter.create(impl);
    BufferState state = new BufferState();
    if (buffer) {
      state.pool = BufferPool.newBuilder().direct(true).build();
      state.pool.release(state.pool.acquire(BUFFER_SIZE));
    } else if (floor) {
      state.fixed = ByteBuffer.allocateDirect(BUFFER_SIZE);
    } else {
      Object[] warm = new Object[16]; // as ObjectPoolBenchmark.setup() warms the pool
      for (int i = 0; i < warm.length; i++) {
        warm[i] = shared.acquire();
      }
      for (Object h : warm) {
        shared.release(h);
      }
    }
    double[][] nsPerOp = new double[threads][rounds];
    CyclicBarrier barrier = new CyclicBarrier(threads);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      double[] out = nsPerOp[t];
      workers[t] =
          new Thread(
              () -> {
                try {
                  Local local = new Local();
                  if (shared != null) {
                    local.pool = shared.forThread(); // on the thread that uses it, as JMH does
                  }
                  long id = Thread.currentThread().getId();
                  for (int r = 0; r < rounds; r++) {
                    barrier.await();
                    long start = MX.getThreadCpuTime(id);
                    int x =
                        shared != null
                            ? poolLoop(local, ops)
                            : floor ? floorLoop(state, ops) : bufferLoop(state, ops);
                    out[r] = (double) (MX.getThreadCpuTime(id) - start) / ops;
                    sink += x;
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "probe-" + t);
      workers[t].start();
    }
    for (Thread w : workers) {
      w.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException(failure.get());
    }
    double[] all = new double[threads * (rounds - WARM_UP_ROUNDS)];
    int k = 0;
    for (double[] perThread : nsPerOp) {
      for (int r = WARM_UP_ROUNDS; r < rounds; r++) {
        all[k++] = perThread[r];
      }
    }
    Arrays.sort(all);
    System.out.printf(
        "%s threads %d: min %.2f median %.2f (q1 %.2f, q3 %.2f) ns/op CPU, %d rounds x %d ops"
            + " after %d warm-up rounds%n",
        impl, threads, all[0], all[all.length / 2], all[all.length / 4],
        all[3 * all.length / 4], rounds - WARM_UP_ROUNDS, ops, WARM_UP_ROUNDS);
    if (shared != null) {
      shared.close();
    } else if (state.pool != null) {
      state.pool.close();
    }
  }

  private static int poolLoop(Local local, int n) throws Exception {
    int acc = 0;
    for (int i = 0; i < n && !done; i++) {
      PoolAdapter pool = local.pool;
      Object h = pool.acquire();
      int r = pool.payload(h).use();
      pool.release(h);
      acc ^= r;
    }
    return acc;
  }

  private static int bufferLoop(BufferState state, int n) {
    int acc = 0;
    for (int i = 0; i < n && !done; i++) {
      BufferPool pool = state.pool;
      int size = state.size;
      ByteBuffer b = pool.acquire(size);
      b.put(0, (byte) 1);
      b.put(size - 1, (byte) 2);
      acc ^= b.get(size / 2);
      pool.release(b);
    }
    return acc;
  }

  private static int floorLoop(BufferState state, int n) {
    int acc = 0;
    for (int i = 0; i < n && !done; i++) {
      int size = state.size;
      ByteBuffer b = state.fixed;
      b.clear();
      b.limit(size);
      b.put(0, (byte) 1);
      b.put(size - 1, (byte) 2);
      acc ^= b.get(size / 2);
    }
    return acc;
  }
}
