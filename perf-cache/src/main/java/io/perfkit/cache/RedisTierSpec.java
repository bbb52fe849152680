package io.perfkit.cache;

import io.perfkit.cache.internal.RedisRemoteTier;
import io.perfkit.cache.internal.RedisTier;
import io.perfkit.cache.internal.StatsCounter;
import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.concurrent.Executor;

/**
 * The settings of a tiered cache's remote tier: a Redis server shared by several cache instances (in
 * one JVM or many), below the local tiers (L1 → L2 → L3 → Redis → loader). Immutable; pass it to
 * {@link TieredCache.Builder#remoteTier(RedisTierSpec)}, which opens the connection when the cache is
 * built and closes it with the cache.
 *
 * <pre>{@code
 * RedisTierSpec redis = RedisTierSpec.newBuilder("redis://cache.internal:6379/0", "users")
 *     .expireAfterWrite(Duration.ofMinutes(30))
 *     .timeout(Duration.ofMillis(200))
 *     .build();
 * }</pre>
 *
 * <p>Instances built with the same server and cache name share the values and each other's
 * invalidations; the cache name is the Redis key prefix ({@code pk:<name>:}) and the invalidation
 * channel ({@code pk:inv:<name>}). See {@code docs/caching-redis.md} for the consistency guarantees.
 *
 * <p><b>Threading:</b> instances are immutable and thread-safe; the builder is not.
 */
public final class RedisTierSpec {
  private final String host;
  private final int port;
  private final String uri;
  private final String cacheName;
  private final Duration expireAfterWrite;
  private final Duration timeout;
  private final Duration reconnectInterval;
  private final int ioThreads;
  private final int maximumUnsyncedKeys;
  private final RemoteTierListener listener;

  private RedisTierSpec(Builder b) {
    this.host = b.host;
    this.port = b.port;
    this.uri = b.uri;
    this.cacheName = b.cacheName;
    this.expireAfterWrite = b.expireAfterWrite == null ? Duration.ofHours(1) : b.expireAfterWrite;
    this.timeout = b.timeout == null ? Duration.ofMillis(500) : b.timeout;
    this.reconnectInterval = b.reconnectInterval == null ? Duration.ofSeconds(1) : b.reconnectInterval;
    this.ioThreads = b.ioThreads == 0 ? 2 : b.ioThreads;
    this.maximumUnsyncedKeys = b.maximumUnsyncedKeys == 0 ? 10_000 : b.maximumUnsyncedKeys;
    this.listener = b.listener == null ? new RemoteTierListener() {} : b.listener;
  }

  /**
   * Returns a builder for the Redis server at {@code host:port} and the cache (namespace)
   * {@code cacheName}.
   *
   * @throws NullPointerException if {@code host} or {@code cacheName} is null
   * @throws IllegalArgumentException if {@code port} is not in {@code [1, 65535]} or {@code cacheName}
   *     is empty
   */
  public static Builder newBuilder(String host, int port, String cacheName) {
    Checks.requireNonNull(host, "host");
    Checks.checkInRange(port, 1, 65_535, "port");
    return new Builder(host, port, null, checkName(cacheName));
  }

  /**
   * Returns a builder for the Redis server named by {@code redisUri} (Lettuce's syntax:
   * {@code redis://[password@]host[:port][/database]}, {@code rediss://} for TLS) and the cache
   * (namespace) {@code cacheName}. A timeout in the URI is replaced by {@link Builder#timeout}.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code redisUri} is not a Redis URI or {@code cacheName} is
   *     empty
   */
  public static Builder newBuilder(String redisUri, String cacheName) {
    Checks.requireNonNull(redisUri, "redisUri");
    String name = checkName(cacheName);
    RedisTier.newBuilder(redisUri, name); // validates the URI now, not at build()
    return new Builder(null, 0, redisUri, name);
  }

  private static String checkName(String cacheName) {
    Checks.requireNonNull(cacheName, "cacheName");
    Checks.requireArgument(!cacheName.isEmpty(), "cacheName: \"\" (expected: non-empty)");
    return cacheName;
  }

  /** Returns the cache name (Redis namespace). */
  public String cacheName() {
    return cacheName;
  }

  /** Returns how long Redis keeps a value after each write of it. */
  public Duration expireAfterWrite() {
    return expireAfterWrite;
  }

  /** Returns the bound on every Redis command and connection attempt. */
  public Duration timeout() {
    return timeout;
  }

  /** Opens the tier for a cache (called by the cache's constructor). */
  <K, V> RedisRemoteTier<K, V> open(Serializer<K> keySerializer, Serializer<V> valueSerializer,
      Executor executor, StatsCounter stats, RedisRemoteTier.LocalTiers<K> local) {
    RedisTier.Builder tier = uri != null ? RedisTier.newBuilder(uri, cacheName)
        : RedisTier.newBuilder(host, port, cacheName);
    tier.timeout(timeout).reconnectInterval(reconnectInterval).defaultTtl(expireAfterWrite)
        .ioThreads(ioThreads);
    return new RedisRemoteTier<>(tier, keySerializer, valueSerializer, executor, stats, local,
        listener, maximumUnsyncedKeys, reconnectInterval);
  }

  @Override
  public String toString() {
    return "RedisTierSpec[" + (uri != null ? "uri" : host + ":" + port) + ", cacheName=" + cacheName
        + ", expireAfterWrite=" + expireAfterWrite + ", timeout=" + timeout + "]";
  }

  /**
   * Configures a {@link RedisTierSpec}. Every setter may be called at most once.
   *
   * <p>Defaults: values expire from Redis 1 hour after each write; commands and connection attempts
   * time out after 500 ms; a tier that could not connect retries at most once a second; 2 Netty I/O
   * threads; up to 10,000 keys remembered for repair while Redis is unreachable; no listener.
   *
   * <p><b>Threading:</b> not thread-safe; configure from one thread.
   */
  public static final class Builder {
    private final String host;
    private final int port;
    private final String uri;
    private final String cacheName;
    private Duration expireAfterWrite;
    private Duration timeout;
    private Duration reconnectInterval;
    private int ioThreads;
    private int maximumUnsyncedKeys;
    private RemoteTierListener listener;

    private Builder(String host, int port, String uri, String cacheName) {
      this.host = host;
      this.port = port;
      this.uri = uri;
      this.cacheName = cacheName;
    }

    /**
     * Sets how long Redis keeps a value after each write of it ({@code SET ... PX}; default 1 hour).
     * This is also the bound on how long a Redis copy can stay stale when a write could not reach
     * Redis and the cache was closed before it could repair it.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder expireAfterWrite(Duration duration) {
      Checks.requireState(expireAfterWrite == null, "expireAfterWrite was already set");
      expireAfterWrite = positive(duration, "expireAfterWrite");
      return this;
    }

    /**
     * Sets the most a Redis command or connection attempt may take (default 500 ms): a read that takes
     * longer falls through to the loader, a write that takes longer counts as failed.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder timeout(Duration duration) {
      Checks.requireState(timeout == null, "timeout was already set");
      timeout = positive(duration, "timeout");
      return this;
    }

    /**
     * Sets how often a tier that could not connect when the cache was built tries again, and how often
     * failed writes are retried for repair (default 1 s). Once connected, Lettuce's own reconnect
     * restores a lost connection, with an exponential back-off capped at this interval.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder reconnectInterval(Duration duration) {
      Checks.requireState(reconnectInterval == null, "reconnectInterval was already set");
      reconnectInterval = positive(duration, "reconnectInterval");
      return this;
    }

    /**
     * Sets the number of Netty I/O threads (default 2; daemon threads named {@code lettuce-*}).
     *
     * @throws IllegalArgumentException if {@code threads <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder ioThreads(int threads) {
      Checks.requireState(ioThreads == 0, "ioThreads was already set to %s", ioThreads);
      ioThreads = Checks.checkPositive(threads, "ioThreads");
      return this;
    }

    /**
     * Sets how many distinct keys whose Redis write failed are remembered for repair (default 10,000).
     * Past that, the whole namespace is marked: this instance stops reading Redis and, once Redis is
     * reachable, deletes every key of the cache there (as {@code invalidateAll}) instead.
     *
     * @throws IllegalArgumentException if {@code keys <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder maximumUnsyncedKeys(int keys) {
      Checks.requireState(maximumUnsyncedKeys == 0, "maximumUnsyncedKeys was already set to %s",
          maximumUnsyncedKeys);
      maximumUnsyncedKeys = Checks.checkPositive(keys, "maximumUnsyncedKeys");
      return this;
    }

    /**
     * Sets the listener of connection and write trouble (default: none; the counters in
     * {@link io.perfkit.cache.stats.RemoteTierStats} are kept regardless).
     *
     * @throws NullPointerException if {@code listener} is null
     * @throws IllegalStateException if already set
     */
    public Builder listener(RemoteTierListener listener) {
      Checks.requireState(this.listener == null, "listener was already set");
      this.listener = Checks.requireNonNull(listener, "listener");
      return this;
    }

    /** Returns the immutable settings. */
    public RedisTierSpec build() {
      return new RedisTierSpec(this);
    }

    private static Duration positive(Duration duration, String name) {
      Checks.requireNonNull(duration, name);
      Checks.requireArgument(!duration.isNegative() && !duration.isZero(), "%s: %s (expected: > 0)",
          name, duration);
      return duration;
    }
  }
}
