package io.perfkit.cache.internal;

/**
 * Callbacks from a {@link RedisTier} to the cache that owns it: remote invalidations to apply to the local
 * tiers, resynchronisation requests when invalidation messages may have been lost, and write failures
 * (which are reported here rather than thrown into the caller).
 *
 * <p>Threading: every callback runs on a Lettuce/Netty I/O thread (or, for {@link #onWriteFailure}, on
 * the thread that issued the write). Implementations must be thread-safe, must not block and must not
 * call back into the {@code RedisTier} synchronously (a blocking Redis call on an I/O thread deadlocks
 * that connection until the command times out). An exception thrown by a callback is caught, counted
 * in {@link RedisTierStats#listenerFailures()} and otherwise ignored.
 */
public interface RedisTierListener {

  /** A listener that ignores every event. */
  RedisTierListener NONE = new RedisTierListener() {};

  /**
   * Another instance invalidated or rewrote {@code key} (the un-prefixed key the caller used): drop it
   * from the local tiers. The array is the listener's to keep.
   *
   * @param key the key, never null
   */
  default void onRemoteInvalidate(byte[] key) {}

  /** Another instance invalidated every key of this cache: clear the local tiers. */
  default void onRemoteInvalidateAll() {}

  /**
   * Invalidation messages may have been missed (the pub/sub connection was lost, or has just been
   * re-established after a loss): the local tiers should be cleared so that they cannot serve a value
   * another instance has since changed. Called once when the loss is detected and once after Lettuce
   * has reconnected and resubscribed.
   */
  default void onResync() {}

  /**
   * The pub/sub connection was lost (called just after the matching {@link #onResync()}): reads now
   * miss and writes fail until it is restored.
   */
  default void onConnectionLost() {}

  /**
   * The connections are up and the subscription is confirmed again, after a loss or after a start
   * without Redis (called just after the matching {@link #onResync()}).
   */
  default void onConnectionRestored() {}

  /**
   * A write ({@code "put"}, {@code "fill"}, {@code "invalidate"}, {@code "invalidateAll"} or {@code "publish"}) did not
   * reach Redis. The tier has counted it; nothing was thrown to the caller.
   *
   * @param operation the operation that failed
   * @param key the key it concerned, or null for {@code invalidateAll}
   * @param cause why it failed (timeout, connection loss, server error)
   */
  default void onWriteFailure(String operation, byte[] key, Throwable cause) {}
}
