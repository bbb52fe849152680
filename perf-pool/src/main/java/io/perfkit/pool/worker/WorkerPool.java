package io.perfkit.pool.worker;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.metrics.LatencySnapshot;
import io.perfkit.core.queue.Queues;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RunnableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.MessagePassingQueue;

/**
 * A fixed set of named worker threads consuming one bounded lock-free MPMC queue: a drop-in
 * {@link java.util.concurrent.ExecutorService} for short tasks.
 *
 * <pre>{@code
 * WorkerPool pool = WorkerPool.newBuilder()
 *     .threads(4).queueCapacity(8192).rejectionPolicy(RejectionPolicy.CALLER_RUNS)
 *     .name("io").build();
 * CompletableFuture<Integer> f = pool.submit(() -> compute());
 * }</pre>
 *
 * <p><b>Threading.</b> All methods are thread-safe. <b>Ordering.</b> Actions before submitting a
 * task happen-before the task runs; a task's actions happen-before its future completes (as for
 * {@link java.util.concurrent.ExecutorService}). Tasks start in queue (FIFO) order but run
 * concurrently on {@code threads} workers.
 *
 * <p><b>Progress.</b> Submitting is lock-free unless the queue is full under
 * {@link RejectionPolicy#BLOCK}. Workers spin briefly, then park, when the queue is empty.
 *
 * <p><b>Failures.</b> A task's exception never kills its worker: a {@code submit}ted task's
 * exception completes its future; an {@code execute}d task's exception goes to the worker thread's
 * {@link Thread.UncaughtExceptionHandler} and the worker carries on.
 *
 * <p><b>Shutdown.</b> {@link #shutdown} rejects new tasks and lets the workers drain the queue;
 * {@link #shutdownNow} also removes and returns the queued tasks and interrupts running ones. A task
 * whose submission raced with {@code shutdown} (accepted, but enqueued after the workers left) is
 * run by the submitting thread, so no accepted task is lost.
 *
 * <p><b>Allocation.</b> {@code execute} allocates nothing; {@code submit} allocates one future.
 */
public final class WorkerPool extends AbstractExecutorService implements AutoCloseable {
  /*
   * Design.
   *
   * One shared JCTools MPMC array queue (perf-core Queues.mpmc). Per-worker queues with stealing were
   * not built: with short tasks on few cores the shared queue's single CAS per offer/poll is already
   * cheaper than ThreadPoolExecutor's locked LinkedBlockingQueue (see docs/benchmarks/pooling.md),
   * and stealing adds a second queue operation on every miss.
   *
   * Parking: an idle worker sets its parked flag and increments idleWorkers (both volatile/CAS),
   * then re-reads the queue (volatile index loads) before parking; a submitter CASes the queue's
   * producer index, then reads idleWorkers. By sequential consistency of those accesses, either the
   * worker sees the task or the submitter sees the idle worker and unparks it (Dekker). The same
   * argument makes shutdown safe: a submitter that read RUNNING after its offer is ordered before the
   * shutdown write, so a worker that later reads SHUTDOWN still sees the task in the queue. A
   * submitter that reads a later state helps by polling and running what is queued itself.
   */

  static final int RUNNING = 0;
  static final int SHUTDOWN = 1;
  static final int STOP = 2;

  private static final int SPINS = 64;
  private static final long MAX_BLOCK_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final String name;
  private final MessagePassingQueue<Runnable> queue;
  private final RejectionPolicy rejectionPolicy;
  private final long offerTimeoutNanos;
  private final LatencyRecorder latency;
  private final Worker[] workers;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final AtomicInteger idleWorkers = new AtomicInteger();
  private final AtomicInteger liveWorkers;
  private final CountDownLatch terminated;
  private final LongAdder rejected = new LongAdder();
  private final LongAdder callerRuns = new LongAdder();
  private final LongAdder callerCompleted = new LongAdder();

  /** One worker thread and its counters (written by the worker only). */
  private final class Worker implements Runnable {
    final AtomicBoolean parked = new AtomicBoolean();
    final AtomicLong completed = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    volatile boolean active;
    Thread thread;

    @Override
    public void run() {
      try {
        work();
      } finally {
        if (liveWorkers.decrementAndGet() == 0) {
          terminated.countDown();
        }
      }
    }

    private void work() {
      int idle = 0;
      while (true) {
        Runnable task = queue.poll();
        if (task != null) {
          idle = 0;
          active = true;
          runTask(task, this);
          active = false;
          continue;
        }
        int s = state.get();
        if (s >= STOP || (s == SHUTDOWN && queue.isEmpty())) {
          return;
        }
        if (idle < SPINS) {
          idle++;
          Thread.onSpinWait();
          continue;
        }
        // volatile write + CAS, then the queue's volatile index reads: pairs with submit (Dekker)
        parked.set(true);
        idleWorkers.incrementAndGet();
        if (queue.isEmpty() && state.get() == RUNNING) {
          Thread.interrupted(); // a stale interrupt must not turn parking into spinning
          LockSupport.park(WorkerPool.this);
        }
        idleWorkers.decrementAndGet();
        parked.set(false);
        idle = 0;
      }
    }
  }

  WorkerPool(WorkerPoolBuilder b) {
    this.name = b.name;
    this.queue = Queues.mpmc(b.queueCapacity);
    this.rejectionPolicy = b.rejectionPolicy;
    this.offerTimeoutNanos = b.offerTimeoutNanos;
    this.latency = b.recordLatency ? LatencyRecorder.create() : null;
    this.workers = new Worker[b.threads];
    this.liveWorkers = new AtomicInteger(b.threads);
    this.terminated = new CountDownLatch(1);
    for (int i = 0; i < workers.length; i++) {
      Worker w = new Worker();
      w.thread = new Thread(w, "perfkit-worker-" + name + "-" + i);
      w.thread.setDaemon(b.daemon);
      workers[i] = w;
    }
    for (Worker w : workers) {
      w.thread.start();
    }
  }

  /** Returns a builder of worker pools. */
  public static WorkerPoolBuilder newBuilder() {
    return new WorkerPoolBuilder();
  }

  // ---------------------------------------------------------------- submission

  /**
   * Queues {@code task} to run on a worker.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws RejectedExecutionException if the pool is shut down, or the queue is full and the
   *     rejection policy rejects
   */
  @Override
  public void execute(Runnable task) {
    Checks.requireNonNull(task, "task");
    if (state.get() != RUNNING) {
      rejected.increment();
      throw new RejectedExecutionException("worker pool '" + name + "' is shut down");
    }
    if (!queue.offer(task) && !offerSlowPath(task)) {
      return; // ran on the caller
    }
    // Dekker read after the offer's CAS: see the class comment.
    if (idleWorkers.get() > 0) {
      wakeOne();
    }
    if (state.get() != RUNNING) {
      helpAfterShutdown();
    }
  }

  /** Returns true if queued, false if it ran on the caller; throws if rejected. */
  private boolean offerSlowPath(Runnable task) {
    switch (rejectionPolicy) {
      case CALLER_RUNS:
        callerRuns.increment();
        runTask(task, null);
        return false;
      case BLOCK:
        long deadline = System.nanoTime() + offerTimeoutNanos;
        long park = 1_000;
        while (state.get() == RUNNING) {
          if (queue.offer(task)) {
            return true;
          }
          if (System.nanoTime() - deadline >= 0) {
            break;
          }
          wakeOne();
          LockSupport.parkNanos(this, park);
          park = Math.min(park * 2, MAX_BLOCK_PARK_NANOS);
        }
        rejected.increment();
        throw new RejectedExecutionException("worker pool '" + name + "' is full (capacity "
            + queue.capacity() + ") after waiting " + offerTimeoutNanos + " ns");
      case ABORT:
      default:
        rejected.increment();
        throw new RejectedExecutionException(
            "worker pool '" + name + "' is full (capacity " + queue.capacity() + ")");
    }
  }

  private void wakeOne() {
    for (Worker w : workers) {
      if (w.parked.get() && w.parked.compareAndSet(true, false)) {
        LockSupport.unpark(w.thread);
        return;
      }
    }
  }

  private void wakeAll() {
    for (Worker w : workers) {
      w.parked.set(false);
      LockSupport.unpark(w.thread);
    }
  }

  /**
   * Our offer raced shutdown: the workers may already have left, so this thread helps run what is
   * queued (the MPMC queue allows any thread to poll; each task is polled, and run, exactly once).
   */
  private void helpAfterShutdown() {
    wakeAll();
    Runnable task;
    while ((task = queue.poll()) != null) {
      runTask(task, null);
    }
  }

  private void runTask(Runnable task, Worker worker) {
    try {
      task.run();
    } catch (Throwable t) {
      if (worker != null) {
        worker.failed.incrementAndGet();
      }
      Thread current = Thread.currentThread();
      try {
        current.getUncaughtExceptionHandler().uncaughtException(current, t);
      } catch (Throwable ignored) {
        // a failing handler must not kill the worker either
      }
    } finally {
      if (worker != null) {
        worker.completed.incrementAndGet(); // single writer: the worker
        Thread.interrupted(); // an interrupt aimed at this task must not reach the next one
      } else {
        callerCompleted.increment();
      }
    }
  }

  @Override
  protected <V> RunnableFuture<V> newTaskFor(Callable<V> callable) {
    return new TaskFuture<>(callable, latency);
  }

  @Override
  protected <V> RunnableFuture<V> newTaskFor(Runnable runnable, V value) {
    return newTaskFor(Executors.callable(runnable, value));
  }

  /**
   * Submits {@code task}; the future completes with its result or exception.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws RejectedExecutionException as for {@link #execute}
   */
  @Override
  public <V> CompletableFuture<V> submit(Callable<V> task) {
    Checks.requireNonNull(task, "task");
    TaskFuture<V> f = new TaskFuture<>(task, latency);
    execute(f);
    return f;
  }

  /**
   * Submits {@code task}; the future completes with {@code null} or the task's exception.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws RejectedExecutionException as for {@link #execute}
   */
  @Override
  public CompletableFuture<?> submit(Runnable task) {
    return submit(task, null);
  }

  /**
   * Submits {@code task}; the future completes with {@code result} or the task's exception.
   *
   * @throws NullPointerException if {@code task} is null
   * @throws RejectedExecutionException as for {@link #execute}
   */
  @Override
  public <V> CompletableFuture<V> submit(Runnable task, V result) {
    Checks.requireNonNull(task, "task");
    return submit(Executors.callable(task, result));
  }

  // ---------------------------------------------------------------- lifecycle

  /** Rejects new tasks; queued tasks still run. Does not wait (see {@link #awaitTermination}). */
  @Override
  public void shutdown() {
    state.compareAndSet(RUNNING, SHUTDOWN);
    wakeAll();
  }

  /**
   * Rejects new tasks, removes and returns the queued ones (their futures, for submitted tasks, are
   * left incomplete: cancel them if callers wait), and interrupts the running ones.
   */
  @Override
  public List<Runnable> shutdownNow() {
    state.set(STOP);
    List<Runnable> pending = new ArrayList<>();
    Runnable task;
    while ((task = queue.poll()) != null) {
      pending.add(task);
    }
    for (Worker w : workers) {
      if (w.active) {
        w.thread.interrupt();
      }
    }
    wakeAll();
    return pending;
  }

  /** Returns {@code true} once {@link #shutdown} or {@link #shutdownNow} was called. */
  @Override
  public boolean isShutdown() {
    return state.get() != RUNNING;
  }

  /** Returns {@code true} once the pool is shut down and every worker has exited. */
  @Override
  public boolean isTerminated() {
    return terminated.getCount() == 0;
  }

  /**
   * Waits until every worker has exited after a shutdown.
   *
   * @throws NullPointerException if {@code unit} is null
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
    return terminated.await(timeout, unit);
  }

  /** {@link #shutdown()}, then waits (up to a day) for the workers to finish the queue. */
  @Override
  public void close() {
    shutdown();
    boolean interrupted = false;
    while (!isTerminated()) {
      try {
        awaitTermination(1, TimeUnit.DAYS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns a snapshot of the pool's counters. Thread-safe. */
  public WorkerPoolStats stats() {
    int active = 0;
    long completed = callerCompleted.sum();
    long failed = 0;
    for (Worker w : workers) {
      active += w.active ? 1 : 0;
      completed += w.completed.get();
      failed += w.failed.get();
    }
    LatencySnapshot snapshot = latency == null ? LatencySnapshot.empty() : latency.snapshot();
    return new WorkerPoolStats(workers.length, active, queue.size(), completed, failed,
        rejected.sum(), callerRuns.sum(), snapshot);
  }

  @Override
  public String toString() {
    return "WorkerPool[" + name + ", threads=" + workers.length + ", state=" + state.get() + "]";
  }

  static long nanos(Duration d, String name) {
    Checks.requireNonNull(d, name);
    Checks.requireArgument(!d.isNegative(), "%s: %s (expected: >= 0)", name, d);
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }
}
