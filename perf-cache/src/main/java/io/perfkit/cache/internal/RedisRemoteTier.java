package io.perfkit.cache.internal;

import io.perfkit.cache.RemoteTierListener;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.stats.RemoteTierStats;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * A {@link RedisTier} as the remote tier of a tiered cache: typed keys and values through the cache's
 * serializers, remote invalidations applied to the cache's local tiers, promotion guarded against
 * racing invalidations, and repair of the Redis copies of keys whose writes failed.
 *
 * <p>Thread-safety: every method may be called from any thread; the {@link RedisTierListener}
 * callbacks run on Lettuce I/O threads.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class RedisRemoteTier<K, V> implements AutoCloseable {

  /*
   * Promotion race. A reader that misses the local tiers GETs the key from Redis and copies the value
   * into L1. An invalidation (local, or a message from another instance) may remove the key from L1
   * between that GET and the copy, which would leave a stale value in L1 until its TTL. Every
   * invalidation therefore brackets its local removal with begin/end on the key's stripe: begin
   * increments active[s] then version[s]; end increments version[s] then decrements active[s]. The
   * reader reads version[s] then active[s] before its GET (no promotion if active != 0), and reads
   * version[s] again inside the L1 insert of its copy (a computeIfAbsent, under L1's lock for the key),
   * inserting nothing if it changed. Either the invalidation's begin is ordered before the reader's
   * second read (seen: no copy), or its local removal, which takes L1's lock for the key, is ordered
   * after the insert and removes the copy (from L1, or from L2 if L1 evicted it meanwhile); an
   * invalidation that ended before the reader's first read was published after its Redis write, so the
   * reader's GET sees that write. (Until session 10 the reader inserted first and removed its copy
   * after a failed check; a copy L1 spilled into L2 in between escaped that removal.)
   * All accesses are volatile (AtomicLongArray get/incrementAndGet): the argument needs a total order
   * over the four counter operations and the L1 operations, which volatile accesses give.
   *
   * The same stamps keep a loaded value out of Redis when its key was invalidated while it loaded
   * (the fill would resurrect a value older than the invalidation); fills also use SET NX so they never
   * overwrite a value another instance wrote. Bulk loads use one cache-wide stamp.
   *
   * Failed writes. A put or invalidate whose Redis command fails leaves Redis (and so other instances)
   * with an older value. The key (bytes and object) is remembered in `unsynced`; while it is there this
   * instance never reads it from Redis, and once Redis is reachable a repair task on the cache's
   * executor UNLINKs it and publishes an invalidation (never re-SETs it: deleting a cache entry is
   * always safe). Past maximumUnsyncedKeys distinct keys, or when an invalidateAll fails, the whole
   * namespace is marked instead: no Redis reads at all until the repair has deleted every key of the
   * cache (SCAN + UNLINK, publishing invalidate-all).
   */

  /** What the owning cache does to its local tiers on a remote event. */
  public interface LocalTiers<K> {
    /** Returns {@code key} and the keys that depend on it locally (consuming those relations). */
    Set<K> cascade(K key);

    /** Removes {@code key} from every local tier. */
    void removeLocal(K key);

    /** Clears every local tier; forgets tags and dependencies too if {@code forgetRelations}. */
    void clearLocal(boolean forgetRelations);

    /** Whether the cache is closed (remote events are then ignored). */
    boolean isClosed();
  }

  /** A value read from Redis and the stamp to pass to {@link #unchanged} after copying it up. */
  public record Hit<V>(V value, long stamp) {}

  /** A key whose Redis write failed; {@code seq} tells a later failure of the same key apart. */
  private record Unsynced<K>(long seq, K key) {}

  private static final int STRIPES = 1024;

  private final RedisTier tier;
  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;
  private final Executor executor;
  private final StatsCounter stats;
  private final LocalTiers<K> local;
  private final RemoteTierListener listener;
  private final int maximumUnsyncedKeys;
  private final long repairIntervalNanos;

  private final AtomicLongArray versions = new AtomicLongArray(STRIPES);
  private final AtomicLongArray active = new AtomicLongArray(STRIPES);
  private final AtomicLong allVersion = new AtomicLong();
  private final AtomicLong allActive = new AtomicLong();

  private final ConcurrentHashMap<ByteBuffer, Unsynced<K>> unsynced = new ConcurrentHashMap<>();
  /** The sequence number of the failure that marked the whole namespace, or 0. */
  private final AtomicLong namespaceMarked = new AtomicLong();
  private final AtomicLong sequence = new AtomicLong();
  /** Set when a repair may be due; cleared by a repair before it scans. */
  private volatile boolean dirty;
  private final AtomicBoolean repairing = new AtomicBoolean();
  private volatile long nextRepairNanos;
  private volatile boolean disconnectedEvent;

  private final LongAdder hits = new LongAdder();
  private final LongAdder repairs = new LongAdder();
  private final LongAdder skippedFills = new LongAdder();
  private final LongAdder listenerFailures = new LongAdder();

  /**
   * Opens the tier: builds (and connects) {@code tier}, which reports to this object.
   *
   * @param tier the configured tier builder (its listener is set here)
   * @param keySerializer the cache's key serializer
   * @param valueSerializer the cache's value serializer
   * @param executor runs repairs and the propagation of locally cascaded invalidations
   * @param stats the cache's counters (serialization failures are counted there)
   * @param local the cache's local tiers
   * @param listener the user's listener
   * @param maximumUnsyncedKeys keys remembered before the whole namespace is marked
   * @param repairInterval the least time between two repair attempts
   */
  public RedisRemoteTier(RedisTier.Builder tier, Serializer<K> keySerializer,
      Serializer<V> valueSerializer, Executor executor, StatsCounter stats, LocalTiers<K> local,
      RemoteTierListener listener, int maximumUnsyncedKeys, Duration repairInterval) {
    this.keySerializer = keySerializer;
    this.valueSerializer = valueSerializer;
    this.executor = executor;
    this.stats = stats;
    this.local = local;
    this.listener = listener;
    this.maximumUnsyncedKeys = maximumUnsyncedKeys;
    this.repairIntervalNanos = repairInterval.toNanos();
    // What the local tiers hold now (a persistent L3 reopened after a restart) has missed every
    // invalidation published while this instance was away: it cannot be trusted next to a shared tier.
    local.clearLocal(false);
    this.tier = tier.listener(new Events()).build();
  }

  // --------------------------------------------------------------------------------------- reads

  /**
   * Reads {@code key} from Redis; null on a miss, a failure (counted), a key awaiting repair, or a
   * value the serializer cannot read (counted as a serialization failure).
   *
   * @param key the key
   * @param keyBytes its bytes if already serialised, else null
   * @param count whether to count a hit
   */
  public Hit<V> get(K key, byte[] keyBytes, boolean count) {
    if (namespaceMarked.get() != 0) {
      maybeRepair();
      return null;
    }
    byte[] kb = keyBytes != null ? keyBytes : serialize(keySerializer, key);
    if (kb == null) {
      return null;
    }
    if (!unsynced.isEmpty() && unsynced.containsKey(ByteBuffer.wrap(kb))) {
      maybeRepair();
      return null;
    }
    if (dirty) {
      maybeRepair();
    }
    int s = stripe(key);
    long stamp = versions.get(s); // volatile: ordered before the active read (see the design note)
    if (active.get(s) != 0) {
      stamp = -1; // an invalidation of this stripe is running: serve the value, do not copy it up
    }
    byte[] bytes = tier.get(kb);
    if (bytes == null) {
      return null;
    }
    V value;
    try {
      value = valueSerializer.deserialize(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
    } catch (RuntimeException e) {
      stats.serializationFailure();
      return null;
    }
    if (value == null) {
      stats.serializationFailure();
      return null;
    }
    if (count) {
      hits.increment();
    }
    return new Hit<>(value, stamp);
  }

  /** Returns a stamp of {@code key}'s stripe for {@link #unchanged}; -1 if an invalidation runs. */
  public long stamp(K key) {
    int s = stripe(key);
    long v = versions.get(s);
    return active.get(s) != 0 ? -1 : v;
  }

  /** Returns a cache-wide stamp for {@link #unchangedAll}; -1 if an invalidation runs. */
  public long stampAll() {
    long v = allVersion.get();
    return allActive.get() != 0 ? -1 : v;
  }

  /** Whether no invalidation of {@code key}'s stripe began since {@code stamp} was taken. */
  public boolean unchanged(K key, long stamp) {
    return stamp >= 0 && versions.get(stripe(key)) == stamp;
  }

  /** Whether no invalidation at all began since {@code stamp} was taken. */
  public boolean unchangedAll(long stamp) {
    return stamp >= 0 && allVersion.get() == stamp;
  }

  // -------------------------------------------------------------------------------------- writes

  /** Marks the start of an invalidation of {@code key}; returns the stripe to pass to the end call. */
  public int begin(K key) {
    int s = stripe(key);
    allActive.incrementAndGet();
    active.incrementAndGet(s); // before the version: see the design note
    versions.incrementAndGet(s);
    allVersion.incrementAndGet();
    return s;
  }

  private void end(int s) {
    allVersion.incrementAndGet();
    versions.incrementAndGet(s); // before active drops: see the design note
    active.decrementAndGet(s);
    allActive.decrementAndGet();
  }

  private void beginAll() {
    allActive.incrementAndGet();
    for (int s = 0; s < STRIPES; s++) {
      active.incrementAndGet(s);
      versions.incrementAndGet(s);
    }
    allVersion.incrementAndGet();
  }

  private void endAll() {
    allVersion.incrementAndGet();
    for (int s = 0; s < STRIPES; s++) {
      versions.incrementAndGet(s);
      active.decrementAndGet(s);
    }
    allActive.decrementAndGet();
  }

  /**
   * Writes {@code key} to Redis and publishes an invalidation; a failure is remembered for repair.
   * Brackets itself (a put invalidates older values, including loads running for the key).
   */
  public void put(K key, V value) {
    int s = begin(key);
    try {
      byte[] kb = serialize(keySerializer, key);
      if (kb == null) {
        return; // no Redis copy can exist under a key that does not serialise
      }
      byte[] vb = serialize(valueSerializer, value);
      boolean ok = vb == null ? tier.invalidate(kb) : tier.put(kb, vb);
      if (!ok) {
        markUnsynced(kb, key);
      }
    } finally {
      end(s);
    }
    maybeRepair();
  }

  /**
   * Deletes {@code key} from Redis and publishes an invalidation, then ends the bracket {@link #begin}
   * opened; a failure is remembered for repair.
   */
  public void invalidate(K key, int stripe) {
    try {
      byte[] kb = serialize(keySerializer, key);
      if (kb != null && !tier.invalidate(kb)) {
        markUnsynced(kb, key);
      }
    } finally {
      end(stripe);
    }
    maybeRepair();
  }

  /** Opens the bracket of an {@link #invalidateAll()} (before the local tiers are cleared). */
  public void beginInvalidateAll() {
    beginAll();
  }

  /** Deletes every key of the namespace and publishes invalidate-all; closes the bracket. */
  public void invalidateAll() {
    try {
      if (!tier.invalidateAll()) {
        markNamespace();
      }
    } finally {
      endAll();
    }
  }

  /**
   * Stores a loaded value in Redis (SET NX, no publish) unless its key was invalidated since
   * {@code stamp} ({@link #stamp} for one key, {@link #stampAll} with {@code bulk}).
   */
  public void fill(K key, V value, long stamp, boolean bulk) {
    if (!(bulk ? unchangedAll(stamp) : unchanged(key, stamp))) {
      skippedFills.increment();
      return;
    }
    byte[] kb = serialize(keySerializer, key);
    byte[] vb = kb == null ? null : serialize(valueSerializer, value);
    if (vb != null) {
      tier.fill(kb, vb); // a failed fill leaves Redis no staler than it was: counted and reported only
    }
  }

  // -------------------------------------------------------------------------------------- repair

  private void markUnsynced(byte[] keyBytes, K key) {
    if (namespaceMarked.get() == 0) {
      if (unsynced.size() >= maximumUnsyncedKeys) {
        markNamespace();
      } else {
        unsynced.put(ByteBuffer.wrap(keyBytes.clone()),
            new Unsynced<>(sequence.incrementAndGet(), key));
      }
    }
    dirty = true; // after the map write: a repair that sees dirty sees the entry
  }

  private void markNamespace() {
    namespaceMarked.compareAndSet(0, sequence.incrementAndGet());
    dirty = true;
  }

  private void maybeRepair() {
    if (!dirty || System.nanoTime() - nextRepairNanos < 0) {
      return;
    }
    if (!tier.isConnected()) {
      tier.connectIfDue(); // reads may all be skipped while repair is pending: nothing else would
      return;
    }
    if (!repairing.compareAndSet(false, true)) {
      return;
    }
    nextRepairNanos = System.nanoTime() + repairIntervalNanos;
    try {
      executor.execute(() -> {
        try {
          repairNow();
        } catch (RuntimeException closedMeanwhile) {
          dirty = true; // the tier closed under us; close() reports what is left
        } finally {
          repairing.set(false);
        }
      });
    } catch (RuntimeException rejected) {
      repairing.set(false);
    }
  }

  /** Deletes the Redis copies of the unsynced keys (or the namespace); stops at the first failure. */
  private boolean repairNow() {
    dirty = false;
    long marked = namespaceMarked.get();
    if (marked != 0) {
      if (!tier.invalidateAll()) {
        dirty = true;
        return false;
      }
      namespaceMarked.compareAndSet(marked, 0);
      repairs.increment();
    }
    for (Map.Entry<ByteBuffer, Unsynced<K>> entry : unsynced.entrySet()) {
      ByteBuffer key = entry.getKey();
      byte[] kb = new byte[key.remaining()];
      key.duplicate().get(kb);
      if (!tier.invalidate(kb)) {
        dirty = true;
        return false;
      }
      if (unsynced.remove(key, entry.getValue())) {
        repairs.increment();
      }
    }
    if (!unsynced.isEmpty() || namespaceMarked.get() != 0) {
      dirty = true;
      return false;
    }
    return true;
  }

  // -------------------------------------------------------------------------------- remote events

  /** Applies other instances' invalidations and connection events to the local tiers. */
  private final class Events implements RedisTierListener {
    @Override
    public void onRemoteInvalidate(byte[] keyBytes) {
      if (local.isClosed()) {
        return;
      }
      K key;
      try {
        key = keySerializer.deserialize(ByteBuffer.wrap(keyBytes).asReadOnlyBuffer());
      } catch (RuntimeException e) {
        key = null;
      }
      if (key == null) {
        // We cannot name the key in the local tiers: dropping everything is the safe answer.
        stats.serializationFailure();
        clear(false);
        return;
      }
      Set<K> keys = local.cascade(key);
      List<K> dependents = new ArrayList<>(keys.size());
      for (K k : keys) {
        int s = begin(k);
        try {
          local.removeLocal(k);
        } finally {
          end(s);
        }
        if (!k.equals(key)) {
          dependents.add(k);
        }
      }
      if (!dependents.isEmpty()) {
        propagate(dependents);
      }
    }

    @Override
    public void onRemoteInvalidateAll() {
      if (!local.isClosed()) {
        clear(true);
      }
    }

    @Override
    public void onResync() {
      if (!local.isClosed()) {
        clear(false);
      }
    }

    @Override
    public void onConnectionLost() {
      disconnectedEvent = true;
      try {
        listener.onDisconnected();
      } catch (RuntimeException e) {
        listenerFailures.increment();
      }
    }

    @Override
    public void onConnectionRestored() {
      disconnectedEvent = false;
      try {
        listener.onReconnected();
      } catch (RuntimeException e) {
        listenerFailures.increment();
      }
      if (dirty) {
        nextRepairNanos = System.nanoTime();
        maybeRepair();
      }
    }

    @Override
    public void onWriteFailure(String operation, byte[] keyBytes, Throwable cause) {
      Object key = null;
      if (keyBytes != null) {
        try {
          key = keySerializer.deserialize(ByteBuffer.wrap(keyBytes).asReadOnlyBuffer());
        } catch (RuntimeException e) {
          key = null;
        }
      }
      try {
        listener.onWriteFailure(operation, key, cause);
      } catch (RuntimeException e) {
        listenerFailures.increment();
      }
    }
  }

  private void clear(boolean forgetRelations) {
    beginAll();
    try {
      local.clearLocal(forgetRelations);
    } finally {
      endAll();
    }
  }

  /**
   * Dependents this instance invalidated because another instance invalidated what they depend on:
   * their Redis copies are derived from the old value too, so delete them there (off the I/O thread,
   * which must not wait for Redis). Until that delete, a local read may copy the Redis value into L1
   * again, and this instance ignores its own message: so the task removes the key locally once more,
   * inside the bracket, as any local invalidation does.
   */
  private void propagate(List<K> dependents) {
    Runnable task = () -> {
      for (K dependent : dependents) {
        if (local.isClosed()) {
          return;
        }
        int s = begin(dependent);
        try {
          local.removeLocal(dependent);
        } catch (RuntimeException closedMeanwhile) {
          end(s);
          return;
        }
        try {
          invalidate(dependent, s);
        } catch (IllegalStateException closed) {
          return;
        }
      }
    };
    try {
      executor.execute(task);
    } catch (RuntimeException rejected) {
      for (K dependent : dependents) { // cannot delete them now: repair them later
        byte[] kb = serialize(keySerializer, dependent);
        if (kb != null) {
          markUnsynced(kb, dependent);
        }
      }
    }
  }

  // ----------------------------------------------------------------------------------- lifecycle

  /** Returns the counters now. */
  public RemoteTierStats stats() {
    RedisTierStats t = tier.stats();
    return new RemoteTierStats(tier.isConnected(), hits.sum(), t.readFailures(), t.writes(),
        t.writeFailures(), t.published(), t.received(), t.resyncs(), unsynced.size(),
        namespaceMarked.get() != 0, repairs.sum(), skippedFills.sum(),
        t.listenerFailures() + listenerFailures.sum());
  }

  /** Whether the connections are up. */
  public boolean isConnected() {
    return tier.isConnected();
  }

  /**
   * Repairs what it can (if Redis is reachable), reports what is left to the listener, and closes the
   * connections. Never throws.
   */
  @Override
  public void close() {
    try {
      boolean pending = namespaceMarked.get() != 0 || !unsynced.isEmpty();
      if (pending && tier.isConnected()) {
        pending = !repairNow();
      }
      if (pending) {
        boolean all = namespaceMarked.get() != 0;
        List<Object> keys = new ArrayList<>();
        if (!all) {
          for (Unsynced<K> u : unsynced.values()) {
            keys.add(u.key());
          }
        }
        try {
          listener.onUnsyncedAtClose(List.copyOf(keys), all);
        } catch (RuntimeException e) {
          listenerFailures.increment();
        }
      }
    } catch (RuntimeException e) {
      listenerFailures.increment();
    } finally {
      tier.close();
    }
  }

  // ------------------------------------------------------------------------------------- helpers

  private static int stripe(Object key) {
    int h = key.hashCode();
    h ^= h >>> 16;
    h *= 0x45d9f3b;
    return (h ^ (h >>> 16)) & (STRIPES - 1);
  }

  private <T> byte[] serialize(Serializer<T> serializer, T value) {
    try {
      byte[] bytes = serializer.serialize(value);
      if (bytes == null) {
        stats.serializationFailure();
      }
      return bytes;
    } catch (RuntimeException e) {
      stats.serializationFailure();
      return null;
    }
  }

  @Override
  public String toString() {
    return "RedisRemoteTier[" + tier + (disconnectedEvent ? ", lost" : "") + "]";
  }
}
