package io.perfkit.balance.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Mutable per-endpoint load: requests in flight and the peak-EWMA latency estimate. One instance per
 * endpoint id lives as long as the endpoint stays in the membership, across snapshots and
 * reweighting, so leases and estimates survive membership changes.
 *
 * <p>Thread-safe: the in-flight count is updated with atomic read-modify-writes, the estimate with
 * a compare-and-set of an immutable {@link Ewma} value.
 */
public final class Load {
  private static final VarHandle PENDING;
  private static final VarHandle EWMA;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PENDING = lookup.findVarHandle(Load.class, "pending", int.class);
      EWMA = lookup.findVarHandle(Load.class, "ewma", Ewma.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Immutable peak-EWMA state: the time of the last update and the cost (nanoseconds). */
  public record Ewma(long stampNanos, double cost) {}

  private volatile int pending;
  private volatile Ewma ewma;

  /**
   * Creates the load of a new endpoint.
   *
   * @param nowNanos the ticker time, the EWMA's first stamp (Finagle's epoch)
   */
  public Load(long nowNanos) {
    // Plain initialisation: the Load is published through the snapshot's volatile write.
    this.ewma = new Ewma(nowNanos, 0.0);
  }

  /** Returns the in-flight count. */
  public int pending() {
    // Volatile read: a pick must see increments of other threads' picks as soon as possible;
    // any interleaving is benign (it only skews a heuristic).
    return pending;
  }

  /** Increments the in-flight count and returns the new value. */
  public int incrementPending() {
    // Atomic add: concurrent picks and completions must not lose updates (counts return to zero).
    return (int) PENDING.getAndAdd(this, 1) + 1;
  }

  /** Decrements the in-flight count and returns the new value. */
  public int decrementPending() {
    // Atomic add, as for the increment: completions racing picks must not lose updates.
    return (int) PENDING.getAndAdd(this, -1) - 1;
  }

  /**
   * Tries to increment the in-flight count while it is below {@code cap}.
   *
   * @param cap the exclusive upper bound
   * @return {@code true} if incremented
   */
  public boolean tryIncrementBelow(int cap) {
    int current;
    do {
      current = pending; // volatile read; a stale value only makes the CAS below fail and retry
      if (current >= cap) {
        return false;
      }
      // CAS: the cap check and the increment must be one atomic step (bounded load's guarantee).
    } while (!PENDING.compareAndSet(this, current, current + 1));
    return true;
  }

  /**
   * Applies Finagle's peak-EWMA update with observation {@code rtt} at {@code nowNanos} and returns
   * the new cost: the cost jumps to a larger observation at once and otherwise decays toward it
   * with weight {@code exp(-elapsed / tau)}.
   *
   * @param rtt the observation in nanoseconds (0 when only decaying on read)
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return the cost after the update
   */
  public double observe(double rtt, long nowNanos, double tauNanos) {
    while (true) {
      Ewma current = ewma; // volatile read of an immutable value: stamp and cost are consistent
      long elapsed = Math.max(nowNanos - current.stampNanos(), 0L);
      double w = Math.exp(-elapsed / tauNanos);
      double cost = rtt > current.cost() ? rtt : current.cost() * w + rtt * (1.0 - w);
      // CAS of an immutable value: stamp and cost change together, as under Finagle's lock.
      if (EWMA.compareAndSet(this, current, new Ewma(Math.max(nowNanos, current.stampNanos()), cost))) {
        return cost;
      }
    }
  }

  /** Returns the current EWMA state without updating it. */
  public Ewma ewma() {
    return ewma; // volatile read of an immutable value: stamp and cost are consistent
  }
}
