package io.perfkit.core.pool;

/**
 * Thrown by a bounded {@link ObjectPool} when no object became available within the configured
 * maximum wait, or when the waiting thread was interrupted (its interrupt status is then set
 * again). Carries the pool's counts at the moment of failure.
 */
public final class PoolExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int maxTotal;
  private final long outstanding;
  private final long waitedNanos;

  PoolExhaustedException(String message, int maxTotal, long outstanding, long waitedNanos) {
    super(message);
    this.maxTotal = maxTotal;
    this.outstanding = outstanding;
    this.waitedNanos = waitedNanos;
  }

  /**
   * The pool's maximum number of live objects.
   *
   * @return the {@code maxTotal} the pool was built with
   */
  public int maxTotal() {
    return maxTotal;
  }

  /**
   * The number of objects held by callers when the wait gave up.
   *
   * @return objects acquired and not yet released
   */
  public long outstanding() {
    return outstanding;
  }

  /**
   * How long the caller waited before this exception was thrown.
   *
   * @return the wait in nanoseconds
   */
  public long waitedNanos() {
    return waitedNanos;
  }
}
