package io.perfkit.core.metrics;

/**
 * Receives the alerts a {@link PerformanceMonitor} raises.
 *
 * <p><b>Threading:</b> called on the thread that takes the snapshot ({@link PerformanceMonitor#snapshot()}
 * or the reporting task), one alert at a time, while the monitor's snapshot lock is held: keep it
 * short and do not call back into {@code snapshot()} from another thread and wait for it.
 */
@FunctionalInterface
public interface AlertListener {
  /**
   * Handles an alert.
   *
   * @param alert the alert, never null
   */
  void onAlert(Alert alert);
}
