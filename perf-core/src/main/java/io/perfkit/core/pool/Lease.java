package io.perfkit.core.pool;

/**
 * One acquisition of a pooled object, for try-with-resources: {@link #close()} releases the object
 * back to its pool.
 *
 * <pre>{@code
 * try (Lease<Encoder> lease = pool.lease()) {
 *   lease.get().encode(message, out);
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> A lease belongs to one holder. It may be handed to another thread (with the
 * usual happens-before hand-off) and closed there, but not used by two threads at once.
 *
 * <p><b>Misuse detection.</b> Exact and always on: {@link #get()} after {@link #close()}, and a
 * second {@code close()}, throw {@link IllegalStateException}. (Two threads closing the same lease
 * at the same time is a data race on the lease and is not guaranteed to be detected.)
 *
 * <p><b>Allocation.</b> One small object per {@link ObjectPool#lease()} call, usually removed by
 * escape analysis when the try-with-resources block is compiled as a whole.
 *
 * @param <T> the type of the pooled object
 */
public final class Lease<T> implements AutoCloseable {
  private final ObjectPool<T> pool;
  private T object;

  Lease(ObjectPool<T> pool, T object) {
    this.pool = pool;
    this.object = object;
  }

  /**
   * The leased object.
   *
   * @return the object, never null
   * @throws IllegalStateException if this lease was closed
   */
  public T get() {
    T o = object;
    if (o == null) {
      throw new IllegalStateException("lease already closed");
    }
    return o;
  }

  /**
   * Releases the object to its pool, as {@link ObjectPool#release(Object)} does.
   *
   * @throws IllegalStateException if this lease was already closed
   * @throws RuntimeException whatever the pool's reset hook, validator or disposer throws (the
   *     object is then discarded, and the lease is closed regardless)
   */
  @Override
  public void close() {
    T o = object;
    if (o == null) {
      throw new IllegalStateException("lease already closed");
    }
    object = null;
    pool.release(o);
  }

  @Override
  public String toString() {
    T o = object;
    return o == null ? "Lease[closed]" : "Lease[" + o + "]";
  }
}
