package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Ticker;
import io.perfkit.core.internal.Checks;

/**
 * The lease of a tracking balancer: holds the endpoint's {@link Load}, decrements it exactly once,
 * and hands the latency to an {@link Observer}.
 */
public final class TrackedLease extends OnceLease {
  /** Receives completed requests (for latency estimates and bounded-load totals). */
  public interface Observer {
    /**
     * Called once when the lease completes or is cancelled, before the in-flight decrement.
     *
     * @param load the endpoint's load
     * @param latencyNanos the latency, or -1 when cancelled
     * @param success whether the request succeeded
     * @param nowNanos the ticker time of the completion if the lease already read it (to measure
     *     the latency), else {@link #UNTIMED}
     */
    void onDone(Load load, long latencyNanos, boolean success, long nowNanos);
  }

  /** Start time of a lease whose balancer does not use latency: the pick reads no clock. */
  public static final long UNTIMED = Long.MIN_VALUE;

  private final Ticker ticker;
  private final long startNanos;
  private final Observer observer;

  /**
   * Creates a lease; the caller has already incremented {@code load}'s in-flight count.
   *
   * @param endpoint the endpoint
   * @param load its load
   * @param ticker the balancer's ticker
   * @param startNanos the pick time, or {@link #UNTIMED}
   * @param observer the completion observer
   */
  public TrackedLease(Endpoint endpoint, Load load, Ticker ticker, long startNanos, Observer observer) {
    super(endpoint, load);
    this.ticker = ticker;
    this.startNanos = startNanos;
    this.observer = observer;
  }

  private void finish(long latencyNanos, boolean success, long nowNanos) {
    if (!tryFinish()) {
      throw alreadyCompleted();
    }
    // Finagle's order: the latency sample lands before the in-flight count drops.
    observer.onDone(load, latencyNanos, success, nowNanos);
    load.decrementPending();
  }

  @Override
  public void complete(long latencyNanos, boolean success) {
    Checks.checkNonNegative(latencyNanos, "latencyNanos");
    finish(latencyNanos, success, UNTIMED);
  }

  @Override
  public void complete(boolean success) {
    if (startNanos == UNTIMED) {
      finish(0L, success, UNTIMED);
    } else {
      // One clock read serves as the latency's end and as the observation time.
      long now = ticker.read();
      finish(Math.max(0L, now - startNanos), success, now);
    }
  }

  @Override
  public void cancel() {
    finish(-1, true, UNTIMED);
  }

  @Override
  public void close() {
    if (tryFinish()) {
      observer.onDone(load, -1, true, UNTIMED);
      load.decrementPending();
    }
  }
}
