package io.perfkit.pool.worker;

import io.perfkit.core.metrics.LatencyRecorder;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RunnableFuture;

/**
 * A submitted task and its result: completing, failing and cancelling go through the one
 * {@link CompletableFuture}. {@code cancel(true)} interrupts the worker running the task, never a
 * later task on the same worker.
 */
final class TaskFuture<V> extends CompletableFuture<V> implements RunnableFuture<V> {
  private final Callable<V> callable;
  private final LatencyRecorder latency;
  private final long submitNanos;
  private Thread runner; // guarded by this

  /** {@code latency}: where to record submit-to-completion nanoseconds, or null. */
  TaskFuture(Callable<V> callable, LatencyRecorder latency) {
    this.callable = callable;
    this.latency = latency;
    this.submitNanos = latency == null ? 0 : System.nanoTime();
  }

  private void recordLatency() {
    if (latency != null) {
      latency.record(System.nanoTime() - submitNanos); // before completion: callers see it counted
    }
  }

  @Override
  public void run() {
    if (isDone()) {
      return; // cancelled (or completed by someone else) before it ran: honour it
    }
    synchronized (this) {
      runner = Thread.currentThread();
    }
    try {
      V value = callable.call();
      recordLatency();
      complete(value);
    } catch (Throwable t) {
      recordLatency();
      completeExceptionally(t);
    } finally {
      synchronized (this) {
        runner = null; // after this, cancel(true) can no longer interrupt this thread
      }
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled && mayInterruptIfRunning) {
      synchronized (this) {
        if (runner != null) {
          runner.interrupt();
        }
      }
    }
    return cancelled;
  }

  @Override
  public String toString() {
    return "TaskFuture[" + callable + ", " + super.toString() + "]";
  }
}
