package io.perfkit.bench.pool;

import io.perfkit.core.queue.Queues;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MessagePassingQueue;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Acquire + use + release of a 1 KiB object: perfkit's {@link io.perfkit.core.pool.ObjectPool}
 * (recycler mode {@code perfkit}; {@code perfkit-handle}: the thread's {@code localHandle()} kept
 * per benchmark thread, the thread-bound fast path with its hot slot; bounded mode
 * {@code perfkit-bounded}) against Stormpot 3.2
 * ({@code stormpot}: {@code pool.claim(timeout)}, the thread-safe entry point like our
 * {@code acquire()}; {@code stormpot-tap}: a thread-local tap kept per benchmark thread, Stormpot's
 * fastest path, which needs no thread lookup), Commons Pool2 {@code GenericObjectPool} ({@code commons-pool2}), a
 * {@code ConcurrentLinkedQueue} pool ({@code clq}), a {@code synchronized} {@code ArrayDeque} pool
 * ({@code synchronized}) and plain allocation ({@code new}; run with {@code -prof gc}).
 *
 * <ul>
 *   <li>{@code sameThread1} / {@code sameThread2}: each of 1 / 2 threads acquires and releases.
 *   <li>{@code crossThread}: one thread acquires and hands the object over an SPSC queue to a
 *       second thread, which releases it. The group score counts both sides (one acquisition +
 *       one release = 2 ops); {@code handoffFailures} and {@code emptyPolls} count the operations
 *       that did not hand over or release anything (they should be near zero).
 * </ul>
 *
 * <p>Run: {@code java -jar perf-bench/target/benchmarks.jar ObjectPoolBenchmark -prof gc}
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@State(Scope.Benchmark)
public class ObjectPoolBenchmark {
  /** Bounded spin before an empty poll / full offer is counted as a failure. */
  private static final int SPINS = 1_000;

  @Param({
    "perfkit",
    "perfkit-handle",
    "perfkit-bounded",
    "stormpot",
    "stormpot-tap",
    "commons-pool2",
    "clq",
    "synchronized",
    "new"
  })
  public String impl;

  private PoolAdapter pool;
  private MessagePassingQueue<Object> handoff;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    pool = PoolAdapter.create(impl);
    // Smaller than the bounded pools' size, so the acquiring side never exhausts them.
    handoff = Queues.spsc(16);
    // Warm: fill the pool the way a steady state would.
    Object[] warm = new Object[16];
    for (int i = 0; i < warm.length; i++) {
      warm[i] = pool.acquire();
    }
    for (Object h : warm) {
      pool.release(h);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    Object h;
    while ((h = handoff.poll()) != null) {
      pool.release(h);
    }
    pool.close();
  }

  /** The adapter a benchmark thread uses ({@link PoolAdapter#forThread()}). */
  @State(Scope.Thread)
  public static class Local {
    PoolAdapter pool;

    @Setup(Level.Trial)
    public void setup(ObjectPoolBenchmark bench) {
      pool = bench.pool.forThread();
    }
  }

  /** Per-thread counters of operations that did nothing useful. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Failures {
    public long handoffFailures;
    public long emptyPolls;
  }

  @Benchmark
  @Threads(1)
  public int sameThread1(Local local) throws Exception {
    return acquireUseRelease(local.pool);
  }

  @Benchmark
  @Threads(2)
  public int sameThread2(Local local) throws Exception {
    return acquireUseRelease(local.pool);
  }

  private static int acquireUseRelease(PoolAdapter pool) throws Exception {
    Object h = pool.acquire();
    int r = pool.payload(h).use();
    pool.release(h);
    return r;
  }

  @Benchmark
  @Group("crossThread")
  @GroupThreads(1)
  public int crossThreadAcquire(Local local, Failures failures) throws Exception {
    PoolAdapter pool = local.pool;
    Object h = pool.acquire();
    int r = pool.payload(h).use();
    for (int i = 0; !handoff.offer(h); i++) {
      if (i == SPINS) {
        failures.handoffFailures++;
        pool.release(h); // releaser stalled (e.g. iteration end): give it back ourselves
        return r;
      }
      Thread.onSpinWait();
    }
    return r;
  }

  @Benchmark
  @Group("crossThread")
  @GroupThreads(1)
  public void crossThreadRelease(Local local, Failures failures) throws Exception {
    PoolAdapter pool = local.pool;
    Object h;
    for (int i = 0; (h = handoff.poll()) == null; i++) {
      if (i == SPINS) {
        failures.emptyPolls++;
        return;
      }
      Thread.onSpinWait();
    }
    pool.release(h);
  }
}
