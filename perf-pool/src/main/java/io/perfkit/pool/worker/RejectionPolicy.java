package io.perfkit.pool.worker;

/**
 * What a {@link WorkerPool} does with a task submitted while its bounded queue is full. A pool that
 * is shut down always rejects with {@link java.util.concurrent.RejectedExecutionException}.
 */
public enum RejectionPolicy {
  /** Throw {@link java.util.concurrent.RejectedExecutionException} at once (counted). */
  ABORT,
  /** Run the task on the submitting thread (counted as caller-run). */
  CALLER_RUNS,
  /**
   * Wait up to the builder's {@code offerTimeout} for room, then throw
   * {@link java.util.concurrent.RejectedExecutionException} (counted).
   */
  BLOCK
}
