package io.perfkit.cache;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A running scheduled refresh of a key set, started by {@link TieredCache#scheduleRefresh}: every
 * period, the scheduler the caller supplied reloads the keys with the bulk loader and stores the
 * results (keys the loader leaves out are invalidated). The cache starts no thread: the runs are tasks
 * of the caller's {@link ScheduledExecutorService}, with a fixed delay between the end of one run and
 * the start of the next, so runs never overlap.
 *
 * <p><b>Failures</b> are never silent and never stop the schedule: a run whose loader (or store)
 * throws is counted in {@link #failedRuns()}, its exception kept in {@link #lastFailure()}, and the
 * batches stored before it stay; the next run starts on time. A run that finds the cache closed ends
 * the schedule.
 *
 * <p><b>Threading:</b> thread-safe. The counters are read with volatile semantics: a run counted by
 * {@link #completedRuns()} happens-before the read that sees it.
 */
public final class ScheduledRefresh implements AutoCloseable {
  private final LongSupplier run;
  private final BooleanSupplier cacheClosed;
  private final AtomicLong completedRuns = new AtomicLong();
  private final AtomicLong failedRuns = new AtomicLong();
  private final AtomicLong storedEntries = new AtomicLong();
  private final AtomicReference<RuntimeException> lastFailure = new AtomicReference<>();
  private volatile ScheduledFuture<?> future;
  private volatile boolean closed;

  private ScheduledRefresh(LongSupplier run, BooleanSupplier cacheClosed) {
    this.run = run;
    this.cacheClosed = cacheClosed;
  }

  /** Schedules {@code run} (one refresh of the key set, returning the entries stored). */
  static ScheduledRefresh start(LongSupplier run, BooleanSupplier cacheClosed,
      ScheduledExecutorService scheduler, Duration period) {
    ScheduledRefresh refresh = new ScheduledRefresh(run, cacheClosed);
    long nanos = period.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
        ? Long.MAX_VALUE : period.toNanos();
    refresh.future = scheduler.scheduleWithFixedDelay(refresh::runOnce, nanos, nanos,
        TimeUnit.NANOSECONDS);
    if (refresh.closed) {
      refresh.future.cancel(false); // a first run raced with this assignment and closed it
    }
    return refresh;
  }

  private void runOnce() {
    if (closed) {
      return;
    }
    if (cacheClosed.getAsBoolean()) {
      close();
      return;
    }
    try {
      storedEntries.addAndGet(run.getAsLong());
      completedRuns.incrementAndGet();
    } catch (RuntimeException e) {
      if (cacheClosed.getAsBoolean()) {
        close(); // the cache closed during (or before) this run: the schedule ends with it
      } else {
        fail(e);
      }
    }
  }

  private void fail(RuntimeException e) {
    lastFailure.set(e);
    failedRuns.incrementAndGet();
  }

  /** Returns the number of runs that reloaded every key. */
  public long completedRuns() {
    return completedRuns.get();
  }

  /** Returns the number of runs ended by an exception (see {@link #lastFailure()}). */
  public long failedRuns() {
    return failedRuns.get();
  }

  /** Returns the number of entries the completed runs stored. */
  public long storedEntries() {
    return storedEntries.get();
  }

  /** Returns the exception of the latest failed run, or {@code null} if none failed. */
  public RuntimeException lastFailure() {
    return lastFailure.get();
  }

  /** Returns whether the schedule was stopped (by {@link #close()} or because the cache closed). */
  public boolean isClosed() {
    return closed;
  }

  /**
   * Stops the schedule: no run starts after this returns (a run in progress finishes). Idempotent;
   * does not shut the scheduler down.
   */
  @Override
  public void close() {
    closed = true;
    ScheduledFuture<?> scheduled = future;
    if (scheduled != null) {
      scheduled.cancel(false);
    }
  }

  @Override
  public String toString() {
    return "ScheduledRefresh{completedRuns=" + completedRuns() + ", failedRuns=" + failedRuns()
        + ", closed=" + closed + '}';
  }
}
