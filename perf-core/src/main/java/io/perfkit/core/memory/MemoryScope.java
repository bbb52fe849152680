package io.perfkit.core.memory;

/**
 * The shared lifecycle of a buffer or mapped file and every view sliced from it. Closing the scope
 * makes every view throw {@link IllegalStateException}.
 *
 * <p>{@code closed} is a plain field on purpose: accessors read it on every call, and the contract
 * is that {@code close()} happens-before the accesses that must fail. A racing reader that misses
 * the write still touches live memory, because the views keep the underlying buffer reachable.
 */
final class MemoryScope {
  private final String description;
  /** Read directly by the accessors' combined check (a plain read, see above). */
  boolean closed;

  MemoryScope(String description) {
    this.description = description;
  }

  boolean isClosed() {
    return closed;
  }

  /** Marks the scope closed; returns false if it already was. */
  boolean close() {
    if (closed) {
      return false;
    }
    closed = true;
    return true;
  }

  IllegalStateException closedException() {
    return new IllegalStateException(description + " is closed");
  }
}
