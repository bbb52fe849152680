package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The lease of a balancer that tracks only the in-flight count (least request): the endpoint, its
 * {@link Load} and a once-only flag, 24 bytes with compressed references. {@link TrackedLease}
 * (40 bytes) also carries the ticker, the pick time and a completion observer, which least request
 * never uses: it reads no clock and its completion only decrements the count.
 */
public final class CountingLease implements Lease {
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(CountingLease.class, "done", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Endpoint endpoint;
  private final Load load;
  @SuppressWarnings("unused") // accessed through DONE
  private volatile int done;

  /**
   * Creates a lease; the caller has already incremented {@code load}'s in-flight count.
   *
   * @param endpoint the endpoint
   * @param load its load
   */
  public CountingLease(Endpoint endpoint, Load load) {
    this.endpoint = endpoint;
    this.load = load;
  }

  @Override
  public Endpoint endpoint() {
    return endpoint;
  }

  private boolean tryFinish() {
    // CAS 0 -> 1: exactly one completion wins, so the in-flight count is decremented once.
    return DONE.compareAndSet(this, 0, 1);
  }

  private void finish() {
    if (!tryFinish()) {
      throw new IllegalStateException("lease already completed: endpoint " + endpoint.id());
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
  public boolean isDone() {
    return done != 0; // volatile read: sees a completion made by any thread
  }

  @Override
  public void close() {
    if (tryFinish()) {
      load.decrementPending();
    }
  }

  @Override
  public String toString() {
    return "Lease[" + endpoint + (isDone() ? ", done]" : ", open]");
  }
}
