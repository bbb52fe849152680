package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;
import io.perfkit.core.internal.Checks;

/**
 * The lease of a balancer that tracks only the in-flight count (least request): the endpoint, its
 * {@link Load} and a once-only flag, 24 bytes with compressed references. {@link TrackedLease}
 * (40 bytes) also carries the ticker, the pick time and a completion observer, which least request
 * never uses: it reads no clock and its completion only decrements the count.
 */
public final class CountingLease extends OnceLease {
  /**
   * Creates a lease; the caller has already incremented {@code load}'s in-flight count.
   *
   * @param endpoint the endpoint
   * @param load its load
   */
  public CountingLease(Endpoint endpoint, Load load) {
    super(endpoint, load);
  }

  private void finish() {
    if (!tryFinish()) {
      throw alreadyCompleted();
    }
    load.decrementPending();
  }

  @Override
  public void complete(long latencyNanos, boolean success) {
    Checks.checkNonNegative(latencyNanos, "latencyNanos");
    finish();
  }

  @Override
  public void complete(boolean success) {
    finish(); // no clock: the latency would be recorded as 0 and nothing uses it
  }

  @Override
  public void cancel() {
    finish();
  }

  @Override
  public void close() {
    if (tryFinish()) {
      load.decrementPending();
    }
  }
}
