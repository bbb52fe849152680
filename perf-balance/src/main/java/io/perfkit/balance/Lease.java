package io.perfkit.balance;

/**
 * One request in flight on an endpoint chosen by a {@link TrackingBalancer} (or a bounded-load
 * hash). The endpoint's in-flight count was incremented by the pick; exactly one of {@link
 * #complete(long, boolean)}, {@link #complete(boolean)} or {@link #cancel()} decrements it again.
 *
 * <p><b>Forgotten leases:</b> a lease that is never completed keeps its endpoint's in-flight count
 * one higher for as long as the endpoint stays in the balancer, so least-request and peak-EWMA
 * balancers see that endpoint as busier than it is. Use try-with-resources: {@link #close()}
 * cancels a lease that was not completed and does nothing otherwise.
 *
 * <p><b>Threading:</b> may be completed from any thread (for example a callback thread), exactly
 * once; concurrent completion attempts are safe and all but one throw.
 */
public interface Lease extends AutoCloseable {
  /** Returns the chosen endpoint. */
  Endpoint endpoint();

  /**
   * Completes the request with a measured latency: decrements the in-flight count and feeds the
   * latency to the balancer's estimate (peak EWMA).
   *
   * @param latencyNanos the request's latency in nanoseconds
   * @param success whether it succeeded
   * @throws IllegalArgumentException if {@code latencyNanos} is negative
   * @throws IllegalStateException if the lease was already completed or cancelled
   */
  void complete(long latencyNanos, boolean success);

  /**
   * Completes the request, measuring the latency as the balancer's ticker time since the pick.
   * Balancers that do not use latency (least request, bounded load) read no clock and record 0.
   *
   * @param success whether it succeeded
   * @throws IllegalStateException if the lease was already completed or cancelled
   */
  void complete(boolean success);

  /**
   * Completes the request as failed with the given latency; same as {@code complete(latencyNanos,
   * false)}.
   *
   * @param latencyNanos the request's latency in nanoseconds
   * @throws IllegalArgumentException if {@code latencyNanos} is negative
   * @throws IllegalStateException if the lease was already completed or cancelled
   */
  default void fail(long latencyNanos) {
    complete(latencyNanos, false);
  }

  /**
   * Releases the lease without a latency sample (the request was never sent).
   *
   * @throws IllegalStateException if the lease was already completed or cancelled
   */
  void cancel();

  /**
   * Returns whether the lease was completed or cancelled.
   *
   * @return {@code true} once the lease is done
   */
  boolean isDone();

  /** Cancels the lease if it is still open; does nothing otherwise. Never throws. */
  @Override
  void close();
}
