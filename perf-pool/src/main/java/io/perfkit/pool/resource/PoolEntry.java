package io.perfkit.pool.resource;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** One pooled resource and its state; the unit the pool's CASes act on. */
final class PoolEntry<R> {
  static final int IDLE = 0;
  static final int IN_USE = 1;
  /** Held by housekeeping (validation, eviction) or being destroyed: not borrowable. */
  static final int RESERVED = 2;
  static final int REMOVED = 3;

  private static final VarHandle STATE;

  static {
    try {
      STATE = MethodHandles.lookup().findVarHandle(PoolEntry.class, "state", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final R resource;
  final long createdNanos;
  /** Ticker time of the last return (or creation); written before the release of IDLE. */
  long lastReturnedNanos;
  /** The lease currently out, for leak detection; written before IN_USE is published. */
  volatile Lease<R> lease;
  @SuppressWarnings("unused") // accessed through STATE
  private volatile int state;

  PoolEntry(R resource, long createdNanos, int initialState) {
    this.resource = resource;
    this.createdNanos = createdNanos;
    this.lastReturnedNanos = createdNanos;
    this.state = initialState;
  }

  int state() {
    return (int) STATE.getVolatile(this); // volatile: participates in the waiter Dekker protocol
  }

  boolean casState(int expect, int update) {
    // CAS: exactly one borrower (or housekeeper) wins an idle entry; full fence orders the
    // borrower's later reads of the resource after the releaser's writes.
    return STATE.compareAndSet(this, expect, update);
  }

  void setState(int newState) {
    // volatile store: publishes the holder's use of the resource before the entry becomes idle,
    // and is the "release" half of the waiter Dekker protocol (store state, then read waiters)
    STATE.setVolatile(this, newState);
  }

  @Override
  public String toString() {
    return "PoolEntry[" + resource + ", state=" + state() + "]";
  }
}
