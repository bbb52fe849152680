package io.perfkit.pool.resource;

/**
 * Thrown when {@code borrow} times out: every resource is in use and the pool is at its maximum
 * size (or the factory kept failing). The message and accessors give the pool's counts at the time.
 */
public final class PoolExhaustedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int active;
  private final int idle;
  private final int waiting;
  private final int maxSize;

  PoolExhaustedException(
      String pool, long waitedNanos, int active, int idle, int waiting, int maxSize,
      Throwable lastCreateFailure) {
    super("resource pool '" + pool + "' exhausted after waiting " + waitedNanos / 1_000_000
        + " ms (active=" + active + ", idle=" + idle + ", waiting=" + waiting + ", max=" + maxSize
        + ")" + (lastCreateFailure == null ? "" : "; last create failed: " + lastCreateFailure),
        lastCreateFailure);
    this.active = active;
    this.idle = idle;
    this.waiting = waiting;
    this.maxSize = maxSize;
  }

  /** Resources lent out when the borrow gave up. */
  public int active() {
    return active;
  }

  /** Idle resources when the borrow gave up (normally 0). */
  public int idle() {
    return idle;
  }

  /** Borrowers waiting, including this one, when it gave up. */
  public int waiting() {
    return waiting;
  }

  /** The pool's maximum size. */
  public int maxSize() {
    return maxSize;
  }
}
