package io.perfkit.balance;

/**
 * A source of monotonic nanosecond time. Balancers, slow start, outlier ejection and health checks
 * read time only through a {@code Ticker}, so tests and simulations can run on virtual time.
 *
 * <p><b>Threading:</b> implementations must be safe to call from any thread.
 */
@FunctionalInterface
public interface Ticker {
  /**
   * Returns the current time in nanoseconds from an arbitrary origin. Only differences are
   * meaningful; they are compared with overflow-safe subtraction.
   *
   * @return the current time in nanoseconds
   */
  long read();

  /**
   * Returns the system ticker ({@link System#nanoTime()}).
   *
   * @return the system ticker
   */
  static Ticker system() {
    return System::nanoTime;
  }
}
