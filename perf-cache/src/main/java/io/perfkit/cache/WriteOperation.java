package io.perfkit.cache;

import io.perfkit.core.internal.Checks;

/**
 * One write a {@link TieredCache} hands to its {@link CacheWriter}: a put of {@code value}, or a
 * delete when {@code value} is {@code null}. Each {@code put} or {@code delete} call makes a new
 * instance, so a writer can tell two writes of equal values apart by identity.
 *
 * @param key the key, never null
 * @param value the new value, or {@code null} for a delete
 * @param <K> the key type
 * @param <V> the value type
 */
public record WriteOperation<K, V>(K key, V value) {
  /**
   * Checks the key.
   *
   * @throws NullPointerException if {@code key} is null
   */
  public WriteOperation {
    Checks.requireNonNull(key, "key");
  }

  /** Returns whether this is a delete. */
  public boolean isDelete() {
    return value == null;
  }

  // Identity, not value, equality: two writes of the same value are two writes.
  @Override
  public boolean equals(Object other) {
    return this == other;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
