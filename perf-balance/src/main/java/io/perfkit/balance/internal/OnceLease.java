package io.perfkit.balance.internal;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * What every tracking lease has: the endpoint, its {@link Load} (whose in-flight count the pick
 * incremented) and a once-only completion flag. Subclasses decide what a completion does besides
 * the one decrement ({@link CountingLease}: nothing; {@link TrackedLease}: a latency sample).
 *
 * <p>Thread-safe: {@link #tryFinish()} lets exactly one completion win, from any thread.
 */
public abstract class OnceLease implements Lease {
  private static final VarHandle DONE;

  static {
    try {
      DONE = MethodHandles.lookup().findVarHandle(OnceLease.class, "done", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The picked endpoint. */
  final Endpoint endpoint;
  /** Its load, decremented once by the winning completion. */
  final Load load;
  @SuppressWarnings("unused") // accessed through DONE
  private volatile int done;

  OnceLease(Endpoint endpoint, Load load) {
    this.endpoint = endpoint;
    this.load = load;
  }

  @Override
  public final Endpoint endpoint() {
    return endpoint;
  }

  /** Marks the lease done; true for exactly one caller. */
  final boolean tryFinish() {
    // CAS 0 -> 1: exactly one completion wins, so the in-flight count is decremented once.
    return DONE.compareAndSet(this, 0, 1);
  }

  /** The exception for a second completion. */
  final IllegalStateException alreadyCompleted() {
    return new IllegalStateException("lease already completed: endpoint " + endpoint.id());
  }

  @Override
  public final boolean isDone() {
    return done != 0; // volatile read: sees a completion made by any thread
  }

  @Override
  public final String toString() {
    return "Lease[" + endpoint + (isDone() ? ", done]" : ", open]");
  }
}
