package io.perfkit.pool.resource;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A borrowed resource. Closing the lease returns the resource to its pool; {@link #invalidate()}
 * destroys it instead (for a resource found broken). Exactly one of the two may be called, once.
 *
 * <p><b>Threading.</b> A lease may be used and returned from any thread, but not concurrently with
 * itself. <b>Ordering.</b> Everything done with the resource before {@code close} happens-before
 * the next borrower obtains it.
 *
 * @param <R> the resource type
 */
public final class Lease<R> implements AutoCloseable {
  private static final VarHandle RETURNED;

  static {
    try {
      RETURNED = MethodHandles.lookup().findVarHandle(Lease.class, "returned", boolean.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final ResourcePool<R> pool;
  final PoolEntry<R> entry;
  final long borrowedNanos;
  final Throwable borrowSite;
  volatile boolean leakReported;
  @SuppressWarnings("unused") // accessed through RETURNED
  private volatile boolean returned;

  Lease(ResourcePool<R> pool, PoolEntry<R> entry, long borrowedNanos, Throwable borrowSite) {
    this.pool = pool;
    this.entry = entry;
    this.borrowedNanos = borrowedNanos;
    this.borrowSite = borrowSite;
  }

  /**
   * Returns the resource.
   *
   * @throws IllegalStateException if the lease was already returned or invalidated
   */
  public R get() {
    if (returned) {
      throw new IllegalStateException("lease of " + entry.resource + " was already returned");
    }
    return entry.resource;
  }

  /**
   * Returns the resource to the pool (or destroys it if it outlived its maximum lifetime, or the pool
   * is closed).
   *
   * @throws IllegalStateException if the lease was already returned or invalidated
   */
  @Override
  public void close() {
    markReturned();
    pool.giveBack(this, false);
  }

  /**
   * Destroys the resource instead of returning it, freeing its slot for a new one.
   *
   * @throws IllegalStateException if the lease was already returned or invalidated
   */
  public void invalidate() {
    markReturned();
    pool.giveBack(this, true);
  }

  /** Returns {@code true} once the lease was closed or invalidated. */
  public boolean isReturned() {
    return returned;
  }

  void markReturned() {
    // CAS: exactly one return wins; a second close/invalidate (or a racing one) is reported
    if (!RETURNED.compareAndSet(this, false, true)) {
      throw new IllegalStateException("lease of " + entry.resource + " was already returned");
    }
  }

  @Override
  public String toString() {
    return "Lease[" + entry.resource + (returned ? ", returned]" : "]");
  }
}
