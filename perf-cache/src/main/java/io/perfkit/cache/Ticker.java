package io.perfkit.cache;

/**
 * A source of nanosecond time for expiry and load timing; tests inject a fake one.
 *
 * <p><b>Threading:</b> implementations must be thread-safe; {@link #read()} is called concurrently.
 */
@FunctionalInterface
public interface Ticker {
  /** Returns the current time in nanoseconds from an arbitrary fixed origin (monotonic). */
  long read();

  /** Returns the ticker backed by {@link System#nanoTime()}. */
  static Ticker systemTicker() {
    return System::nanoTime;
  }
}
