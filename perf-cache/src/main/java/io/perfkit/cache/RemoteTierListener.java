package io.perfkit.cache;

import java.util.Collection;

/**
 * Told about the remote (Redis) tier's trouble, which the cache never throws into a caller: lost and
 * restored connections, writes that did not reach Redis, and, at close, keys whose Redis copy could not
 * be repaired. Set with {@link RedisTierSpec.Builder#listener(RemoteTierListener)}.
 *
 * <p><b>Threading:</b> {@link #onDisconnected()} and {@link #onReconnected()} run on a Lettuce/Netty I/O
 * thread, {@link #onWriteFailure} on the thread whose cache call (or repair task) made the write,
 * {@link #onUnsyncedAtClose} on the thread calling {@code close()}. Implementations must be thread-safe,
 * quick, and must not call the cache from an I/O-thread callback. An exception a callback throws is
 * caught and counted in {@link io.perfkit.cache.stats.RemoteTierStats#listenerFailureCount()}.
 */
public interface RemoteTierListener {

  /**
   * The connection to Redis was lost. Reads fall through to the loader and writes are remembered for
   * repair until {@link #onReconnected()}; the local tiers have just been cleared (invalidations
   * published meanwhile cannot reach this instance).
   */
  default void onDisconnected() {}

  /**
   * The connection is up again (or up for the first time, after a start without Redis) and the
   * invalidation channel is subscribed; the local tiers have just been cleared again.
   */
  default void onReconnected() {}

  /**
   * A write ({@code "put"}, {@code "fill"} of a loaded value, {@code "invalidate"},
   * {@code "invalidateAll"} or {@code "publish"}) did not reach Redis. The cache call that made it has
   * succeeded locally; the key is remembered and its Redis copy deleted once Redis is reachable (see
   * the guide's "writes while disconnected").
   *
   * @param operation the failed operation
   * @param key the cache key, or {@code null} for {@code invalidateAll} or when the key could not be
   *     deserialised
   * @param cause why (timeout, connection loss, server error)
   */
  default void onWriteFailure(String operation, Object key, Throwable cause) {}

  /**
   * {@code close()} could not reach Redis to repair the keys whose writes failed: their Redis copies
   * (and other instances' local copies) may be stale until their Redis TTL runs out.
   *
   * @param keys the cache keys concerned (empty when {@code wholeNamespace})
   * @param wholeNamespace whether the failures overflowed the bound on remembered keys (or an
   *     {@code invalidateAll} failed), so any key of the cache may be stale in Redis
   */
  default void onUnsyncedAtClose(Collection<?> keys, boolean wholeNamespace) {}
}
