package io.perfkit.cache;

import java.util.List;

/**
 * A {@link CacheWriter} failed: thrown by write-through operations whose writer threw a checked
 * exception (the cause), and by {@link TieredCache#close()} when write-behind writes could not be
 * stored and no dead-letter handler took them ({@link #unwritten()}).
 */
public final class CacheWriterException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Not serialised with the exception: the writes hold user objects. */
  private final transient List<WriteOperation<?, ?>> unwritten;

  /**
   * Creates an exception.
   *
   * @param message what failed
   * @param cause the writer's exception, or {@code null}
   * @param unwritten writes that were accepted but not stored (copied)
   */
  public CacheWriterException(String message, Throwable cause,
      List<? extends WriteOperation<?, ?>> unwritten) {
    super(message, cause);
    this.unwritten = List.copyOf(unwritten);
  }

  /** Returns the accepted writes that never reached the store (empty for write-through). */
  public List<WriteOperation<?, ?>> unwritten() {
    return unwritten == null ? List.of() : unwritten;
  }
}
