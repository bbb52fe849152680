package io.perfkit.cache.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.perfkit.core.internal.Checks;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * The remote tier: byte[] keys and values in a shared Redis, namespaced by cache name, with cross-instance
 * invalidation over Redis pub/sub. Built with {@link #newBuilder(String, int, String)}.
 *
 * <p>Keys are stored as {@code "pk:" + cacheName + ":" + key}, so several caches (and other data) can share
 * one Redis database; {@link #invalidateAll()} deletes only this cache's keys (SCAN + UNLINK, never FLUSHALL
 * or FLUSHDB).
 *
 * <p>Failure model: Redis is a cache, not the source of truth, so a failed read is answered as a miss (and
 * counted in {@link RedisTierStats#readFailures()}), a failed write is counted and reported to
 * {@link RedisTierListener#onWriteFailure} instead of thrown. While the connection is down, commands are
 * rejected at once (Lettuce's {@code REJECT_COMMANDS}) rather than queued, so a dead server costs a caller
 * no time; a slow server costs at most the command timeout. Lettuce reconnects in the background; if Redis
 * is unreachable when the tier is built, the tier starts degraded and retries the connection on use, at
 * most once per reconnect interval, without blocking the caller.
 *
 * <p>Thread-safety: all methods may be called from any thread. Lettuce pipelines the commands of all
 * callers over one connection; commands one thread issues reach Redis in issue order.
 *
 * <p>Instances own Netty I/O threads (named by Lettuce {@code lettuce-*}) and two connections; call
 * {@link #close()}.
 */
public final class RedisTier implements AutoCloseable {

  /*
   * Cross-instance invalidation. Every instance subscribes to the channel "pk:inv:<cacheName>". A put or an
   * invalidate first runs the data command, then PUBLISHes [16-byte instance id][op][key] on the same
   * connection, so when another instance receives the message the new state is already in Redis and its
   * next read (after dropping its local copy) sees it. A receiver ignores messages that carry its own id.
   *
   * Pub/sub is at-most-once: a message published while a subscriber is disconnected is lost. Hence the
   * staleness bound: while the subscription is up, another instance's local copy is stale for at most the
   * publish-to-delivery latency (well under a millisecond on loopback); when the subscription drops, the
   * listener is told to resync (clear its local tiers) at once, and again when Lettuce has reconnected and
   * the SUBSCRIBE is confirmed, because entries loaded during the outage may have missed invalidations.
   * This is the rule Redis documents for client-side caching when the invalidation connection is lost.
   * Between the loss and its detection (TCP notices a dead peer only on the next write or keepalive), the
   * bound is the local tiers' own TTL.
   */

  private static final byte OP_INVALIDATE = 'I';
  private static final byte OP_WRITE = 'W';
  private static final byte OP_INVALIDATE_ALL = 'A';
  private static final int ID_BYTES = 16;
  private static final int SCAN_BATCH = 512;

  private final String cacheName;
  private final byte[] prefix;
  private final byte[] channel;
  private final byte[] instanceId;
  private final long defaultTtlMillis;
  private final Duration timeout;
  private final long reconnectIntervalNanos;
  private final RedisTierListener listener;
  private final ClientResources resources;
  private final RedisClient client;
  private final RedisURI uri;

  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder readFailures = new LongAdder();
  private final LongAdder writes = new LongAdder();
  private final LongAdder writeFailures = new LongAdder();
  private final LongAdder published = new LongAdder();
  private final LongAdder received = new LongAdder();
  private final LongAdder resyncs = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();

  /** Set once both connections are up and subscribed; null while (re)connecting for the first time. */
  private volatile Connections connections;
  /** Whether an initial connection attempt is running; guards against parallel attempts. */
  private final AtomicBoolean connecting = new AtomicBoolean();
  /** The earliest System.nanoTime() at which the next initial connection attempt may start. */
  private volatile long nextAttemptNanos;
  /** Set when invalidations may have been missed; cleared (with a resync) when the subscription is confirmed. */
  private final AtomicBoolean resyncPending = new AtomicBoolean();
  private volatile boolean closed;

  private record Connections(
      StatefulRedisConnection<byte[], byte[]> data,
      RedisCommands<byte[], byte[]> sync,
      StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {}

  private RedisTier(Builder b) {
    this.cacheName = b.cacheName;
    this.prefix = ("pk:" + b.cacheName + ":").getBytes(StandardCharsets.UTF_8);
    this.channel = ("pk:inv:" + b.cacheName).getBytes(StandardCharsets.UTF_8);
    UUID id = UUID.randomUUID();
    this.instanceId = ByteBuffer.allocate(ID_BYTES)
        .putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    this.defaultTtlMillis = b.defaultTtl == null ? 0 : toMillis(b.defaultTtl);
    this.timeout = b.timeout;
    this.reconnectIntervalNanos = b.reconnectInterval.toNanos();
    this.listener = b.listener;
    this.resources = DefaultClientResources.builder()
        .ioThreadPoolSize(b.ioThreads)
        .computationThreadPoolSize(2)
        // Lettuce's default back-off grows to 30 s: a cache would then serve without Redis for up to
        // 30 s after the server is back. Cap it at the reconnect interval.
        .reconnectDelay(Delay.exponential(Duration.ZERO, b.reconnectInterval, 2, TimeUnit.MILLISECONDS))
        .build();
    this.uri = b.uri != null ? b.uri
        : RedisURI.builder().withHost(b.host).withPort(b.port).build();
    uri.setTimeout(b.timeout);
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // Fail fast while disconnected: a cache read must not wait for a reconnect.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        // No TimeoutOptions: they arm a timer per command (measurable on the GET path); the sync API's
        // connection timeout (set on connect) and our bounded Future.get bound every call instead.
        .socketOptions(SocketOptions.builder().connectTimeout(b.timeout).keepAlive(true).build())
        .build());
    client.addListener(new StateListener());
  }

  /**
   * Returns a builder for a tier on the Redis server at {@code host:port} storing the cache {@code cacheName}.
   *
   * @param host the Redis host name or address
   * @param port the Redis port
   * @param cacheName the namespace (key prefix and invalidation channel); instances sharing it share data
   * @return a new builder
   * @throws NullPointerException if {@code host} or {@code cacheName} is null
   * @throws IllegalArgumentException if {@code port} is not in 1..65535 or {@code cacheName} is empty
   */
  public static Builder newBuilder(String host, int port, String cacheName) {
    return new Builder(host, port, cacheName);
  }

  /**
   * Returns a builder for a tier on the Redis server named by {@code redisUri} (Lettuce's URI syntax, e.g.
   * {@code redis://[password@]host[:port][/database]}, {@code rediss://} for TLS) storing {@code cacheName}.
   * The builder's {@link Builder#timeout} replaces any timeout given in the URI.
   *
   * @param redisUri the server's URI
   * @param cacheName the namespace (key prefix and invalidation channel); instances sharing it share data
   * @return a new builder
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code redisUri} is not a valid Redis URI or {@code cacheName} is
   *     empty
   */
  public static Builder newBuilder(String redisUri, String cacheName) {
    Checks.requireNonNull(redisUri, "redisUri");
    RedisURI uri;
    try {
      uri = RedisURI.create(redisUri);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("redisUri: not a Redis URI (" + e.getMessage() + ")", e);
    }
    return new Builder(uri, cacheName);
  }

  // --------------------------------------------------------------------------------------- data path

  /**
   * Reads {@code key}. Never throws for Redis trouble: a timeout, a lost connection or a server error
   * is counted as a read failure and answered as a miss.
   *
   * @param key the key
   * @return the value, or null on a miss or a failure
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the tier is closed
   */
  public byte[] get(byte[] key) {
    Checks.requireNonNull(key, "key");
    Connections c = live();
    if (c == null) {
      readFailures.increment();
      return null;
    }
    byte[] value;
    try {
      value = c.sync.get(prefixed(key));
    } catch (RuntimeException e) {
      readFailures.increment();
      return null;
    }
    (value == null ? misses : hits).increment();
    return value;
  }

  /**
   * Writes {@code key} with the builder's default TTL (none unless set) and tells the other instances
   * to drop their local copies.
   *
   * @param key the key
   * @param value the value
   * @return true if Redis acknowledged the write; false if it failed (counted and reported)
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalStateException if the tier is closed
   */
  public boolean put(byte[] key, byte[] value) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    return doPut(key, value, defaultTtlMillis);
  }

  /**
   * Writes {@code key} to expire {@code ttl} after this write and tells the other instances to drop their
   * local copies.
   *
   * @param key the key
   * @param value the value
   * @param ttl time to live, positive; rounded up to whole milliseconds
   * @return true if Redis acknowledged the write; false if it failed (counted and reported)
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code ttl} is zero or negative
   * @throws IllegalStateException if the tier is closed
   */
  public boolean put(byte[] key, byte[] value, Duration ttl) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    Checks.requireNonNull(ttl, "ttl");
    return doPut(key, value, toMillis(ttl));
  }

  /**
   * Stores {@code key} only if Redis has no value for it ({@code SET NX}, with the default TTL), and
   * publishes nothing: for values a cache loaded from the source of truth, which must not overwrite a
   * value another instance wrote meanwhile and need not invalidate anyone.
   *
   * @param key the key
   * @param value the value
   * @return true if Redis answered (stored, or kept the value it had); false if the command failed
   *     (counted and reported)
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalStateException if the tier is closed
   */
  public boolean fill(byte[] key, byte[] value) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    Connections c = live();
    if (c == null) {
      return writeFailed("fill", key, new IllegalStateException("not connected to Redis at " + uri));
    }
    SetArgs nx = defaultTtlMillis > 0 ? SetArgs.Builder.nx().px(defaultTtlMillis) : SetArgs.Builder.nx();
    return awaitWrite("fill", key, c.data.async().set(prefixed(key), value, nx));
  }

  private boolean doPut(byte[] key, byte[] value, long ttlMillis) {
    Connections c = live();
    if (c == null) {
      return writeFailed("put", key, new IllegalStateException("not connected to Redis at " + uri));
    }
    byte[] k = prefixed(key);
    RedisFuture<String> set = ttlMillis > 0
        ? c.data.async().set(k, value, SetArgs.Builder.px(ttlMillis))
        : c.data.async().set(k, value);
    // Same connection, issued after the SET: it reaches Redis (and the subscribers) after the new value.
    RedisFuture<Long> pub = c.data.async().publish(channel, message(OP_WRITE, key));
    return awaitWrite("put", key, set) && awaitPublish(key, pub);
  }

  /**
   * Deletes {@code key} and tells the other instances to drop their local copies.
   *
   * @param key the key
   * @return true if Redis acknowledged the delete; false if it failed (counted and reported)
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the tier is closed
   */
  public boolean invalidate(byte[] key) {
    Checks.requireNonNull(key, "key");
    Connections c = live();
    if (c == null) {
      return writeFailed("invalidate", key, new IllegalStateException("not connected to Redis at " + uri));
    }
    RedisFuture<Long> del = c.data.async().unlink(prefixed(key));
    RedisFuture<Long> pub = c.data.async().publish(channel, message(OP_INVALIDATE, key));
    return awaitWrite("invalidate", key, del) && awaitPublish(key, pub);
  }

  /**
   * Deletes every key of this cache (this namespace only: SCAN with the cache's prefix, UNLINK in batches)
   * and tells the other instances to clear their local tiers. Not atomic: a key written concurrently may
   * survive; it is not FLUSHDB.
   *
   * @return true if every batch was acknowledged; false if one failed (counted and reported)
   * @throws IllegalStateException if the tier is closed
   */
  public boolean invalidateAll() {
    Connections c = live();
    if (c == null) {
      return writeFailed("invalidateAll", null, new IllegalStateException("not connected to Redis at " + uri));
    }
    try {
      ScanArgs args = ScanArgs.Builder.matches(globPrefix()).limit(SCAN_BATCH);
      ScanCursor cursor = ScanCursor.INITIAL;
      do {
        KeyScanCursor<byte[]> page = c.sync.scan(cursor, args);
        List<byte[]> keys = page.getKeys();
        if (!keys.isEmpty()) {
          c.sync.unlink(keys.toArray(new byte[0][]));
        }
        cursor = page;
      } while (!cursor.isFinished());
    } catch (RuntimeException e) {
      return writeFailed("invalidateAll", null, e);
    }
    writes.increment();
    return awaitPublish(null, c.data.async().publish(channel, message(OP_INVALIDATE_ALL, new byte[0])));
  }

  /**
   * Returns a snapshot of the counters.
   *
   * @return the counters now
   */
  public RedisTierStats stats() {
    return new RedisTierStats(hits.sum(), misses.sum(), readFailures.sum(), writes.sum(), writeFailures.sum(),
        published.sum(), received.sum(), resyncs.sum(), listenerFailures.sum());
  }

  /**
   * Whether the data and pub/sub connections are currently up.
   *
   * @return true if both connections are open
   */
  public boolean isConnected() {
    Connections c = connections;
    return c != null && c.data.isOpen() && c.pubSub.isOpen();
  }

  /**
   * Starts a background connection attempt if the tier has never connected and the reconnect interval
   * has passed since the last attempt; for owners that skip Redis reads (and so would not trigger one)
   * while they wait for a connection. Never blocks. No-op once closed.
   */
  public void connectIfDue() {
    if (!closed && connections == null && System.nanoTime() - nextAttemptNanos >= 0) {
      startConnect();
    }
  }

  /**
   * The cache name (namespace) this tier was built with.
   *
   * @return the cache name
   */
  public String cacheName() {
    return cacheName;
  }

  /**
   * Closes both connections and shuts down the I/O threads. Idempotent; afterwards every data method throws
   * {@link IllegalStateException}. Writes already acknowledged are in Redis; nothing is buffered locally.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Connections c = connections;
    if (c != null) {
      c.pubSub.close();
      c.data.close();
    }
    client.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
    resources.shutdown(0, timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  // ----------------------------------------------------------------------------------- connections

  /** Connects (bounded by the timeout) during build; on failure the tier starts degraded. */
  private void connectInitially() {
    CompletableFuture<Connections> attempt = startConnect();
    if (attempt != null) {
      try {
        attempt.get(timeout.toMillis() * 3, TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        // Degraded start: counted on use, retried in the background by later calls.
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
      }
    }
  }

  /** The live connections, or null (after kicking off a background attempt if one is due). */
  private Connections live() {
    if (closed) {
      throw new IllegalStateException("RedisTier '" + cacheName + "' is closed");
    }
    Connections c = connections;
    if (c == null && System.nanoTime() - nextAttemptNanos >= 0) {
      startConnect();
    }
    return c;
  }

  private CompletableFuture<Connections> startConnect() {
    if (!connecting.compareAndSet(false, true)) {
      return null;
    }
    CompletableFuture<Connections> result = new CompletableFuture<>();
    client.connectAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((data, e1) -> {
      if (e1 != null) {
        connectFailed(result, e1, null, null);
        return;
      }
      data.setTimeout(timeout);
      client.connectPubSubAsync(ByteArrayCodec.INSTANCE, uri).whenComplete((pubSub, e2) -> {
        if (e2 != null) {
          connectFailed(result, e2, data, null);
          return;
        }
        pubSub.addListener(new Subscriber());
        pubSub.async().subscribe(channel).whenComplete((ok, e3) -> {
          if (e3 != null) {
            connectFailed(result, e3, data, pubSub);
            return;
          }
          Connections c = new Connections(data, data.sync(), pubSub);
          connections = c;
          connecting.set(false);
          if (closed) { // close() raced with the attempt and could not see these connections
            pubSub.close();
            data.close();
          }
          result.complete(c);
        });
      });
    });
    return result;
  }

  private void connectFailed(CompletableFuture<Connections> result, Throwable e,
      StatefulRedisConnection<byte[], byte[]> data, StatefulRedisPubSubConnection<byte[], byte[]> pubSub) {
    if (pubSub != null) {
      pubSub.closeAsync();
    }
    if (data != null) {
      data.closeAsync();
    }
    // Whatever the local tiers load before we are connected has seen no invalidations.
    resyncPending.set(true);
    nextAttemptNanos = System.nanoTime() + reconnectIntervalNanos;
    connecting.set(false);
    result.completeExceptionally(e);
  }

  /** Notices the pub/sub connection dropping (Lettuce then reconnects and resubscribes by itself). */
  private final class StateListener implements RedisConnectionStateListener {
    @Override
    public void onRedisDisconnected(RedisChannelHandler<?, ?> connection) {
      Connections c = connections;
      if (c != null && connection == c.pubSub && !closed && resyncPending.compareAndSet(false, true)) {
        resync(false);
      }
    }

    @Override
    public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress socketAddress) {
      // The resync that matters comes with the SUBSCRIBE confirmation (Subscriber.subscribed).
    }
  }

  /** Delivers other instances' invalidations; confirms (re)subscription. */
  private final class Subscriber extends RedisPubSubAdapter<byte[], byte[]> {
    @Override
    public void subscribed(byte[] ch, long count) {
      if (resyncPending.compareAndSet(true, false)) {
        resync(true);
      }
    }

    @Override
    public void message(byte[] ch, byte[] message) {
      if (message.length < ID_BYTES + 1 || isOwn(message)) {
        return;
      }
      byte op = message[ID_BYTES];
      try {
        if (op == OP_INVALIDATE_ALL) {
          listener.onRemoteInvalidateAll();
        } else {
          byte[] key = new byte[message.length - ID_BYTES - 1];
          System.arraycopy(message, ID_BYTES + 1, key, 0, key.length);
          listener.onRemoteInvalidate(key);
        }
      } catch (RuntimeException e) {
        listenerFailures.increment();
      }
      // counted after the listener ran: a reader that sees the count sees the message applied
      // (RemoteTierStats.receivedCount: "applied to the local tiers")
      received.increment();
    }
  }

  private void resync(boolean restored) {
    resyncs.increment();
    try {
      listener.onResync();
      if (restored) {
        listener.onConnectionRestored();
      } else {
        listener.onConnectionLost();
      }
    } catch (RuntimeException e) {
      listenerFailures.increment();
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  private boolean awaitWrite(String op, byte[] key, RedisFuture<?> f) {
    try {
      f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      writes.increment();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return writeFailed(op, key, e);
    } catch (Exception e) {
      return writeFailed(op, key, e.getCause() != null ? e.getCause() : e);
    }
  }

  private boolean awaitPublish(byte[] key, RedisFuture<Long> f) {
    try {
      f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
      published.increment();
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return writeFailed("publish", key, e);
    } catch (Exception e) {
      return writeFailed("publish", key, e.getCause() != null ? e.getCause() : e);
    }
  }

  private boolean writeFailed(String op, byte[] key, Throwable cause) {
    writeFailures.increment();
    try {
      listener.onWriteFailure(op, key, cause);
    } catch (RuntimeException e) {
      listenerFailures.increment();
    }
    return false;
  }

  private byte[] prefixed(byte[] key) {
    byte[] k = new byte[prefix.length + key.length];
    System.arraycopy(prefix, 0, k, 0, prefix.length);
    System.arraycopy(key, 0, k, prefix.length, key.length);
    return k;
  }

  private byte[] message(byte op, byte[] key) {
    byte[] m = new byte[ID_BYTES + 1 + key.length];
    System.arraycopy(instanceId, 0, m, 0, ID_BYTES);
    m[ID_BYTES] = op;
    System.arraycopy(key, 0, m, ID_BYTES + 1, key.length);
    return m;
  }

  private boolean isOwn(byte[] message) {
    for (int i = 0; i < ID_BYTES; i++) {
      if (message[i] != instanceId[i]) {
        return false;
      }
    }
    return true;
  }

  /** The prefix as a SCAN MATCH pattern: glob metacharacters escaped, then '*'. */
  private byte[] globPrefix() {
    StringBuilder sb = new StringBuilder();
    for (char ch : new String(prefix, StandardCharsets.UTF_8).toCharArray()) {
      if (ch == '*' || ch == '?' || ch == '[' || ch == ']' || ch == '\\') {
        sb.append('\\');
      }
      sb.append(ch);
    }
    return sb.append('*').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static long toMillis(Duration ttl) {
    Checks.requireArgument(!ttl.isNegative() && !ttl.isZero(), "ttl: %s (expected: > 0)", ttl);
    long ms = ttl.toMillis(); // saturating? Duration.toMillis throws on overflow only beyond ~292 My
    return ttl.minusMillis(ms).isZero() ? ms : ms + 1;
  }

  /**
   * Builds a {@link RedisTier}. Not thread-safe; use once.
   */
  public static final class Builder {
    private final String host;
    private final int port;
    private final RedisURI uri;
    private final String cacheName;
    private Duration timeout = Duration.ofMillis(500);
    private Duration reconnectInterval = Duration.ofSeconds(1);
    private Duration defaultTtl;
    private int ioThreads = 2;
    private RedisTierListener listener = RedisTierListener.NONE;

    private Builder(String host, int port, String cacheName) {
      this.host = Checks.requireNonNull(host, "host");
      this.port = Checks.checkInRange(port, 1, 65_535, "port");
      this.uri = null;
      this.cacheName = checkCacheName(cacheName);
    }

    private Builder(RedisURI uri, String cacheName) {
      this.uri = uri;
      this.host = uri.getHost();
      this.port = uri.getPort();
      this.cacheName = checkCacheName(cacheName);
    }

    private static String checkCacheName(String cacheName) {
      Checks.requireNonNull(cacheName, "cacheName");
      Checks.requireArgument(!cacheName.isEmpty(), "cacheName: \"\" (expected: non-empty)");
      return cacheName;
    }

    /**
     * Bounds every Redis command and connection attempt (default 500 ms).
     *
     * @param timeout positive duration
     * @return this builder
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is zero or negative
     */
    public Builder timeout(Duration timeout) {
      Checks.requireNonNull(timeout, "timeout");
      Checks.requireArgument(!timeout.isNegative() && !timeout.isZero(), "timeout: %s (expected: > 0)", timeout);
      this.timeout = timeout;
      return this;
    }

    /**
     * How often a tier that could not connect at build time retries (default 1 s). Once connected, Lettuce's
     * own reconnect takes over, with an exponential back-off capped at this interval.
     *
     * @param interval positive duration
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is zero or negative
     */
    public Builder reconnectInterval(Duration interval) {
      Checks.requireNonNull(interval, "reconnectInterval");
      Checks.requireArgument(!interval.isNegative() && !interval.isZero(),
          "reconnectInterval: %s (expected: > 0)", interval);
      this.reconnectInterval = interval;
      return this;
    }

    /**
     * The TTL of {@link RedisTier#put(byte[], byte[])} (default: none, entries live until evicted by Redis'
     * maxmemory policy or invalidated).
     *
     * @param ttl positive duration
     * @return this builder
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    public Builder defaultTtl(Duration ttl) {
      Checks.requireNonNull(ttl, "ttl");
      toMillis(ttl);
      this.defaultTtl = ttl;
      return this;
    }

    /**
     * Netty I/O threads for the two connections (default 2).
     *
     * @param threads 1 or more
     * @return this builder
     * @throws IllegalArgumentException if {@code threads} is not positive
     */
    public Builder ioThreads(int threads) {
      this.ioThreads = Checks.checkPositive(threads, "ioThreads");
      return this;
    }

    /**
     * Receives remote invalidations, resync requests and write failures (default: ignore them).
     *
     * @param listener the listener
     * @return this builder
     * @throws NullPointerException if {@code listener} is null
     */
    public Builder listener(RedisTierListener listener) {
      this.listener = Checks.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Builds the tier and tries to connect, waiting at most a few timeouts. If Redis is unreachable the tier
     * is returned degraded (reads miss, writes fail, both counted) and connects later.
     *
     * @return the tier
     */
    public RedisTier build() {
      RedisTier tier = new RedisTier(this);
      tier.connectInitially();
      return tier;
    }
  }

  @Override
  public String toString() {
    return "RedisTier[" + cacheName + " @ " + uri.getHost() + ":" + uri.getPort()
        + (closed ? ", closed" : isConnected() ? ", connected" : ", disconnected") + "]";
  }
}
