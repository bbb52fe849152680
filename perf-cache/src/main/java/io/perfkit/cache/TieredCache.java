package io.perfkit.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.perfkit.cache.internal.HotKeysFile;
import io.perfkit.cache.internal.InvalidationGraph;
import io.perfkit.cache.internal.OffHeapTier;
import io.perfkit.cache.internal.PersistentTier;
import io.perfkit.cache.internal.RedisRemoteTier;
import io.perfkit.cache.internal.StatsCounter;
import io.perfkit.cache.internal.WriteBehind;
import io.perfkit.cache.stats.RemoteTierStats;
import io.perfkit.cache.stats.TieredCacheStats;
import io.perfkit.core.internal.Checks;
import io.perfkit.core.memory.MappedLog;
import io.perfkit.pool.batch.DeadLetterHandler;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A cache of an on-heap Caffeine tier (L1) over an optional off-heap tier (L2) that together behave like
 * one larger cache: L1's victims spill into L2, whose frequency filter keeps only entries more popular
 * than the ones they would displace. Built with {@link #newBuilder()}.
 *
 * <p><b>Tiers.</b> L1 holds objects; L2 holds serialised keys and values in direct memory, indexed by
 * primitive arrays (also off-heap). Tiers are exclusive: a key is normally in at most one of them; if
 * both hold it, L1's value is newer and wins. Once L1 is full, a write of a key L1 does not hold enters
 * L1 only if the frequency sketch the tiers share rates the key above L1's coldest entry; otherwise it
 * is offered to L2 as if L1 had evicted it at once. A hit in L2 is served from L2 (one copy out of direct memory) unless the
 * builder's {@link Builder#promoteAfterHits(int)} moves it up. Each tier has its own expiry.
 *
 * <p><b>Persistent tier.</b> An optional L3 ({@link Builder#persistentTier}) keeps checksummed records
 * in a mapped file: L2's victims (and the L1 victims L2 turns away) move down into it, {@link #close()}
 * copies L1 and L2 into it, and a cache built on the same file later serves them. Records torn by a
 * crash or damaged on disk fail their CRC32C and are dropped, never served.
 *
 * <p><b>Remote tier.</b> An optional Redis tier ({@link Builder#remoteTier}), shared by every cache
 * built with the same server and cache name, sits below the local tiers: a lookup that misses them
 * reads Redis and copies a hit into L1; puts and loaded values are written to Redis, invalidations
 * delete there, and each put or invalidation is published so that the other instances drop their
 * local copies. Redis trouble never fails a call: reads fall through to the loader and failed writes
 * are repaired later (docs/caching-redis.md gives the guarantees and the staleness bound).
 *
 * <p><b>Write policies.</b> Cache-aside by default; {@link Builder#writeThrough} and
 * {@link Builder#writeBehind} attach a {@link CacheWriter}; see {@link WritePolicy} for which copy is
 * authoritative under each.
 *
 * <p><b>Threading:</b> thread-safe. <b>Ordering:</b> a {@code put(k, v)} happens-before any {@code get}
 * that returns {@code v}; a completed {@code invalidate(k)} is seen by every later {@code get(k)}, except
 * that a load of {@code k} already running may store its result afterwards (as in Caffeine's
 * {@code Cache.get} without a compute). <b>Progress:</b> L1 hits are lock-free; L2 operations take the
 * tier's lock; concurrent loads of one key wait for the first (single-flight).
 *
 * <p><b>Allocation:</b> an L1 hit allocates nothing; an L2 hit allocates the key's bytes and the value
 * the serializer builds.
 *
 * @param <K> the key type; keys are compared by {@code equals}, and equal keys must serialise to equal
 *     bytes
 * @param <V> the value type
 */
public final class TieredCache<K, V> implements AutoCloseable {
  /*
   * Design, from the hit-ratio study (docs/caching.md): the two tiers form one W-TinyLFU cache.
   * L1 (Caffeine, W-TinyLFU itself) acts as the admission window; L2 is the main region with TinyLFU
   * admission (one FrequencySketch, sized for both tiers, counting every request that misses L1) and
   * segmented-LRU eviction. The same sketch gates L1: once L1 is full, a write of a key new to L1
   * enters it only if the sketch rates the key above L1's coldest entry (ties go to the newcomer once
   * both are warm), else it goes straight to L2's admission; so L1 does not churn on loops and scans
   * that its own, smaller sketch cannot see.
   *
   * L1 stores the values themselves (no per-entry wrapper): an entry's write time is the one Caffeine
   * keeps for its own expire-after-write, read through its policy when a spill, a refresh or close
   * needs it (see l1WriteNanos). Without an L1 expire-after-write (and without refresh-ahead) L1 keeps
   * no write time, which is what makes its hits as cheap as Caffeine's plain getIfPresent; its spills
   * then count their lower-tier age from the spill.
   *
   * Lock order: L1 (Caffeine's lock for a key, inside a compute) -> L2 -> L3. L2's lock is never held
   * while calling into L1. Spills run inside Caffeine's eviction (its evictionListener), so they take
   * L2's lock while Caffeine holds its own; the moves of a key between L1 and the tiers below (a put of
   * a key a lower tier may hold, a promotion, the view's reads and writes, and, with promotion on,
   * invalidations and gated writes) run in a Caffeine compute of the key and take L2's and L3's locks
   * inside it. Nothing takes them in the opposite order.
   */

  /**
   * L1's ticker when L1 keeps write times: the real ticker, but for the thread reading an L1 write
   * time, which sees the instant it rewound to (see l1WriteNanos). Also the lock rewinds hold.
   */
  private final class L1Clock implements com.github.benmanes.caffeine.cache.Ticker {
    @Override
    public long read() {
      // Every L1 hit with expiry reads this clock: the common case (nobody rewinding) is one plain
      // load of rewinder before the real clock, without looking up the current thread.
      Thread r = rewinder;
      return r != null && Thread.currentThread() == r ? rewoundNanos : ticker.read();
    }
  }

  /** A running load: the thread running the loader and the result it will publish. */
  private record Load<V>(Thread loader, CompletableFuture<V> result) {}

  private final Cache<K, V> l1;
  /**
   * L1's {@code asMap()} view, read by the hit paths instead of {@code l1.getIfPresent}. For a bounded
   * Caffeine cache this view is the cache implementation itself (the {@code Cache} is a thin facade
   * over it), so a hit dereferences one object fewer: the same chain of loads as a caller holding
   * Caffeine's {@code Cache} has. Its {@code get} is {@code getIfPresent} without hit/miss statistics,
   * which L1 does not record anyway (the cache keeps its own).
   */
  private final ConcurrentMap<K, V> l1Map;
  /**
   * L1's expire-after-write as Caffeine applies it ({@link #NEVER_NANOS} when only refresh-ahead
   * needs write times), or -1 when L1 keeps no write time.
   */
  private final long l1WriteTtlNanos;
  /** Caffeine's fixed expire-after-write of L1 (ages by key), or null. */
  private final Policy.FixedExpiration<K, V> l1Ages;
  /**
   * Caffeine's variable expiry of L1, or null: used instead of the fixed one when promotion is on,
   * so that a promoted entry keeps its first write time (its deadline is that write plus L1's
   * lifetime, so the write time is the deadline minus the lifetime).
   */
  private final Policy.VarExpiration<K, V> l1Deadlines;
  /** L1's variable expiry (with l1Deadlines), which places a promoted entry by its first write. */
  private final WriteDeadline writeDeadline;
  /**
   * Whether lower-tier entries move up into L1 (promoteAfterHits > 0). Then every move of a key
   * between L1 and the tiers below, and every removal from all of them, runs under L1's lock for the
   * key (a Caffeine compute), so that a promotion cannot interleave with it.
   */
  private final boolean promotes;
  /**
   * The thread reading an L1 deadline through {@link #rewoundNanos} (see l1WriteNanos), or null.
   * Plain fields: only the rewinding thread ever finds itself here, and it sees its own writes; any
   * other thread compares unequal whatever it reads. Writers hold {@link #rewindLock}.
   */
  private Thread rewinder;
  private long rewoundNanos;
  private final Object rewindLock;
  /** How far back each probe of an expired entry's age moves L1's ticker (fixed expiry). */
  private final long l1ProbeStepNanos;
  /** The longest any lower tier keeps an entry after its write (beyond it, a spill's age is moot). */
  private final long lowerMaxAgeNanos;
  /** L1's maximum number of entries (for the admission gate). */
  private final long heapMaximumSize;
  private final OffHeapTier l2;
  private final PersistentTier l3;
  private final Clock clock;
  private final WritePolicy writePolicy;
  private final CacheWriter<K, V> writer;
  private final WriteBehind<K, V> writeBehind;
  /** Per-key-stripe locks that keep the store's order of writes to a key the tiers' order. */
  private final ReentrantLock[] writeLocks;
  private final Serializer<K> keySerializer;
  private final Serializer<V> valueSerializer;
  private final Ticker ticker;
  private final boolean recordStats;
  private final StatsCounter stats;
  /**
   * The running loads by key (single-flight), created by the first load: a cache that never loads
   * does not carry the map (64 bytes). Set once through {@link #LOADS}, never cleared.
   */
  private volatile ConcurrentHashMap<K, Load<V>> loads;
  /**
   * Dependencies and tags, created by the first {@code dependsOn} or {@code tag} (set once through
   * {@link #GRAPH}, never cleared), so a cache without relations does not carry the graph.
   */
  private volatile InvalidationGraph<K> graph;
  /** Keys a loader found absent, remembered for the negative TTL; null when negative caching is off. */
  private final Cache<K, Boolean> negatives;
  private final long refreshAfterWriteNanos;
  private final Executor executor;
  /** Keys being refreshed in the background (one refresh per key at a time). */
  private final Set<K> refreshing;
  /** The loader of the {@code get(key, loader)} running on this thread, while it looks below L1. */
  private final ThreadLocal<Function<? super K, ? extends V>> refreshLoader;
  private final Path hotKeysPath;
  private final int hotKeysCount;
  private final List<K> persistedHotKeys;
  /** The shared Redis tier below the local ones; null without one. */
  private final RedisRemoteTier<K, V> remote;
  private volatile boolean closed;
  /**
   * The L1 gate's incumbent: L1's coldest key when last asked, or null once an eviction (a spill) may
   * have changed it. Between evictions L1's coldest entry changes only when it is read or removed, so
   * the gate reuses it instead of taking Caffeine's eviction lock on every write (refreshed after
   * {@link #COLDEST_HINT_USES} uses to bound that drift).
   */
  private volatile K coldestHint;
  /** Uses of {@link #coldestHint} since it was queried; racy increments only delay a refresh. */
  private int coldestHintUses;

  private TieredCache(Builder<K, V> builder) {
    this.ticker = builder.ticker == null ? Ticker.systemTicker() : builder.ticker;
    this.heapMaximumSize = builder.maximumSize;
    this.recordStats = builder.recordStats;
    this.stats = new StatsCounter(recordStats);
    this.keySerializer = builder.keySerializer;
    this.valueSerializer = builder.valueSerializer;
    this.clock = builder.clock == null ? Clock.systemUTC() : builder.clock;
    if (builder.persistentPath != null) {
      this.l3 = new PersistentTier(builder.persistentPath, (int) builder.persistentMaximumSize,
          builder.persistentSlotBytes, builder.persistentExpireAfterWriteMillis,
          builder.promoteAfterHits, clock.millis());
    } else {
      this.l3 = null;
    }
    try {
      if (builder.offHeapMaximumSize > 0) {
        long total = builder.maximumSize + builder.offHeapMaximumSize;
        this.l2 = new OffHeapTier((int) builder.offHeapMaximumSize, builder.offHeapSlotBytes,
            total, builder.offHeapExpireAfterWriteNanos,
            builder.offHeapExpireAfterAccessNanos, builder.promoteAfterHits,
            l3 == null ? null : this::spillToPersistent);
      } else {
        this.l2 = null;
      }
    } catch (RuntimeException | Error e) {
      if (l3 != null) {
        l3.close();
      }
      throw e;
    }
    // L1 keeps write times (in Caffeine's nodes) when it expires after write or refresh-ahead needs
    // ages: in Caffeine's fixed expire-after-write (its hits read the clock once, as plain Caffeine
    // with that expiry does), or, with promotion, in its variable expiry (a deadline of L1's lifetime
    // after the write), the only one that can place a promoted entry by its first write; a variable
    // expiry cannot also expire after access, so with that the fixed one stays. Both are read back
    // through L1's ticker, rewound for the reading thread (see l1WriteNanos).
    long writeTtl = builder.expireAfterWriteNanos != Long.MAX_VALUE ? builder.expireAfterWriteNanos
        : builder.refreshAfterWriteNanos != Long.MAX_VALUE ? NEVER_NANOS : -1;
    boolean variable = writeTtl >= 0 && builder.promoteAfterHits > 0
        && builder.expireAfterAccessNanos == Long.MAX_VALUE;
    // One object is L1's ticker and the rewinds' lock (Caffeine calls it directly: no adapter).
    L1Clock l1Clock = writeTtl >= 0 ? new L1Clock() : null;
    // An entry is visible to Caffeine's ageOf on a clock inside [write, write + lifetime) and, with
    // expire-after-access, before its access deadline (at least expireAfterAccess after the write).
    this.l1ProbeStepNanos = Math.max(1,
        Math.min(writeTtl, builder.expireAfterAccessNanos) - 2); // write times drop their low bit
    this.lowerMaxAgeNanos = Math.max(
        builder.offHeapMaximumSize > 0 ? builder.offHeapExpireAfterWriteNanos : 0,
        builder.persistentPath != null
            ? saturatedMillisToNanos(builder.persistentExpireAfterWriteMillis) : 0);
    Caffeine<Object, Object> caffeine = Caffeine.newBuilder()
        .maximumSize(builder.maximumSize)
        .ticker(l1Clock != null ? l1Clock : ticker::read)
        .executor(builder.executor == null ? ForkJoinPool.commonPool() : builder.executor);
    this.writeDeadline = variable ? new WriteDeadline(writeTtl) : null;
    this.promotes = builder.promoteAfterHits > 0;
    if (variable) {
      caffeine.expireAfter(writeDeadline);
    } else if (writeTtl >= 0) {
      caffeine.expireAfterWrite(Duration.ofNanos(writeTtl));
    }
    if (builder.expireAfterAccessNanos != Long.MAX_VALUE) {
      caffeine.expireAfterAccess(Duration.ofNanos(builder.expireAfterAccessNanos));
    }
    this.l1WriteTtlNanos = writeTtl;
    this.rewindLock = l1Clock; // only write times are ever rewound
    this.executor = builder.executor == null ? ForkJoinPool.commonPool() : builder.executor;
    this.hotKeysPath = builder.hotKeysPath;
    this.hotKeysCount = builder.hotKeysCount;
    this.persistedHotKeys = hotKeysPath == null ? List.of()
        : HotKeysFile.read(hotKeysPath, keySerializer);
    this.refreshAfterWriteNanos = builder.refreshAfterWriteNanos;
    // Refresh-ahead's bookkeeping exists only with refresh-ahead (every use is behind that setting).
    this.refreshing = refreshAfterWriteNanos == Long.MAX_VALUE ? null : ConcurrentHashMap.newKeySet();
    this.refreshLoader = refreshAfterWriteNanos == Long.MAX_VALUE ? null : new ThreadLocal<>();
    this.negatives = builder.negativeExpireAfterWriteNanos == UNSET_NANOS ? null
        : Caffeine.newBuilder()
            .maximumSize(builder.maximumSize)
            .expireAfterWrite(Duration.ofNanos(builder.negativeExpireAfterWriteNanos))
            .ticker(ticker::read)
            .executor(builder.executor == null ? ForkJoinPool.commonPool() : builder.executor)
            .<K, Boolean>build();
    this.writePolicy = builder.writePolicy;
    this.writer = builder.writer;
    this.writeLocks = writer == null ? null : new ReentrantLock[64];
    if (writeLocks != null) {
      for (int i = 0; i < writeLocks.length; i++) {
        writeLocks[i] = new ReentrantLock();
      }
    }
    WriteBehind<K, V> queue = null;
    if (writePolicy == WritePolicy.WRITE_BEHIND) {
      try {
        queue = new WriteBehind<>(writer, builder.writeBehindBatchSize,
            builder.writeBehindLinger, builder.writeBehindRetries, builder.writeBehindDeadLetter,
            builder.writeBehindJournal, keySerializer, valueSerializer,
            builder.writeBehindCloseTimeout);
      } catch (RuntimeException | Error e) {
        if (l2 != null) {
          l2.close();
        }
        if (l3 != null) {
          l3.close();
        }
        throw e;
      }
    }
    this.writeBehind = queue;
    this.l1 = l2 == null && l3 == null
        ? caffeine.<K, V>build()
        : caffeine.<K, V>evictionListener(this::spill).build();
    this.l1Map = l1.asMap();
    this.l1Ages = variable || writeTtl < 0 ? null : l1.policy().expireAfterWrite().orElse(null);
    this.l1Deadlines = variable ? l1.policy().expireVariably().orElseThrow() : null;
    this.remote = builder.remoteTier == null ? null : openRemote(builder.remoteTier);
  }

  /** Opens the Redis tier last (its events touch the local tiers); on failure releases the others. */
  private RedisRemoteTier<K, V> openRemote(RedisTierSpec spec) {
    try {
      return spec.open(keySerializer, valueSerializer, executor, stats, new RemoteEvents());
    } catch (RuntimeException | Error e) {
      if (l2 != null) {
        l2.close();
      }
      if (l3 != null) {
        l3.close();
      }
      if (writeBehind != null) {
        writeBehind.close();
      }
      throw e;
    }
  }

  /** How invalidations from other instances (through Redis pub/sub) reach this cache's local tiers. */
  private final class RemoteEvents implements RedisRemoteTier.LocalTiers<K> {
    @Override
    public Set<K> cascade(K key) {
      return !hasRelations() ? Set.of(key) : graph.cascade(key, true);
    }

    @Override
    public void removeLocal(K key) {
      if (negatives != null) {
        negatives.invalidate(key);
      }
      removeFromTiers(key);
    }

    @Override
    public void clearLocal(boolean forgetRelations) {
      if (forgetRelations) {
        clearRelations();
      }
      if (negatives != null) {
        negatives.invalidateAll();
      }
      l1.invalidateAll();
      if (l2 != null) {
        l2.clear();
      }
      if (l3 != null) {
        l3.clear();
      }
    }

    @Override
    public boolean isClosed() {
      return closed;
    }
  }

  /**
   * Returns a builder. Set at least {@link Builder#maximumSize(long)}; for an off-heap tier also
   * {@link Builder#offHeapMaximumSize(long)} and both serializers.
   */
  public static Builder<Object, Object> newBuilder() {
    return new Builder<>();
  }

  // --------------- reads ---------------

  /**
   * Returns the value for {@code key} from the first tier that holds it, or {@code null}.
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache is closed, or a serializer returned {@code null}
   * @throws RuntimeException whatever a serializer throws while reading the off-heap tier (the entry is
   *     removed)
   */
  public V get(K key) {
    Checks.requireNonNull(key, "key");
    checkOpen();
    V value = l1Map.get(key);
    if (value != null) {
      if (recordStats) {
        stats.requests.heapHits.increment();
      }
      return value;
    }
    return lookupLower(key, recordStats);
  }

  /**
   * Returns the value for {@code key}, loading it with {@code loader} on a miss in every tier and
   * storing the result. Concurrent calls for one key run the loader once; the others wait for its result
   * or exception (single-flight). A loader returning {@code null} stores nothing and this returns
   * {@code null}.
   *
   * @throws NullPointerException if {@code key} or {@code loader} is null
   * @throws IllegalStateException if the cache is closed, or the loader tried to load {@code key}
   *     again on the loading thread (it would wait for itself)
   * @throws RuntimeException or {@link Error}: whatever the loader threw (nothing is cached)
   */
  public V get(K key, Function<? super K, ? extends V> loader) {
    Checks.requireNonNull(loader, "loader");
    if (refreshAfterWriteNanos != Long.MAX_VALUE) {
      Checks.requireNonNull(key, "key");
      checkOpen();
      V held = l1Map.get(key);
      if (held != null) {
        if (recordStats) {
          stats.requests.heapHits.increment();
        }
        long now = ticker.read();
        if (now - l1WriteNanos(key, null, now) >= refreshAfterWriteNanos) {
          refreshAhead(key, held, loader);
        }
        return held;
      }
      // Lower-tier hits are refreshed too: the lookups below find the loader here.
      refreshLoader.set(loader);
    }
    V value;
    try {
      value = get(key);
    } finally {
      if (refreshAfterWriteNanos != Long.MAX_VALUE) {
        refreshLoader.remove();
      }
    }
    if (value != null || pendingDelete(key)
        || (negatives != null && negatives.getIfPresent(key) != null)) {
      return value;
    }
    CompletableFuture<V> result = new CompletableFuture<>();
    Load<V> mine = new Load<>(Thread.currentThread(), result);
    Load<V> running = loads().putIfAbsent(key, mine);
    if (running != null) {
      Checks.requireState(running.loader() != Thread.currentThread(),
          "recursive load of key %s: the loader asked this cache for the key it is loading", key);
      V shared = await(running.result());
      if (shared == null && running.result() instanceof MapUpdate) {
        return get(key, loader); // an asMap() update removed the key or failed: look again
      }
      return shared;
    }
    try {
      // A load may have finished between our miss and putIfAbsent: look again, uncounted.
      // Under L1's lock for the key when L1 misses (peek): an entry being spilled from L1 to L2 is
      // in neither for an instant, and loading it then would overwrite a newer value.
      value = peek(key);
      if (value == null) {
        long remoteStamp = remote == null ? -1 : remote.stamp(key);
        value = load(key, loader);
        checkOpen();
        if (value != null) {
          storeInTiers(key, value);
          if (remote != null) {
            remote.fill(key, value, remoteStamp, false);
          }
        } else if (negatives != null) {
          negatives.put(key, Boolean.TRUE);
        }
      }
      result.complete(value);
      return value;
    } catch (RuntimeException | Error e) {
      result.completeExceptionally(e);
      throw e;
    } finally {
      loads.remove(key, mine);
    }
  }

  /**
   * Returns the values of {@code keys} that are present or loaded, in iteration order of {@code keys}.
   * The keys missing from every tier are loaded with one call of {@code bulkLoader}; entries it returns
   * for keys not asked for are stored too. Bulk loads are not single-flight with {@link #get(Object,
   * Function)}.
   *
   * @throws NullPointerException if {@code keys}, a key, or {@code bulkLoader} is null, or the bulk
   *     loader returns {@code null}
   * @throws IllegalStateException if the cache is closed
   * @throws RuntimeException or {@link Error}: whatever the bulk loader threw (nothing is cached)
   */
  public Map<K, V> getAll(Iterable<? extends K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    Checks.requireNonNull(keys, "keys");
    Checks.requireNonNull(bulkLoader, "bulkLoader");
    Map<K, V> found = new LinkedHashMap<>();
    Set<K> missing = new LinkedHashSet<>();
    for (K key : keys) {
      Checks.requireNonNull(key, "key");
      if (found.containsKey(key) || missing.contains(key)) {
        continue;
      }
      V value = get(key);
      if (value != null) {
        found.put(key, value);
      } else if (negatives != null && negatives.getIfPresent(key) != null) {
        continue; // known absent: not loaded again until the negative entry expires
      } else {
        missing.add(key);
      }
    }
    if (!missing.isEmpty()) {
      long remoteStamp = remote == null ? -1 : remote.stampAll();
      Map<? extends K, ? extends V> loaded = load(Collections.unmodifiableSet(missing), bulkLoader);
      loaded.forEach((key, value) -> {
        if (key != null && value != null) {
          checkOpen();
          storeInTiers(key, value);
          if (remote != null) {
            remote.fill(key, value, remoteStamp, true);
          }
          if (missing.contains(key)) {
            found.put(key, value);
          }
        }
      });
      if (negatives != null) {
        for (K key : missing) {
          if (!found.containsKey(key)) {
            negatives.put(key, Boolean.TRUE);
          }
        }
      }
    }
    Map<K, V> ordered = new LinkedHashMap<>();
    for (K key : keys) {
      V value = found.get(key);
      if (value != null) {
        ordered.put(key, value);
      }
    }
    return Collections.unmodifiableMap(ordered);
  }

  // --------------- writes ---------------

  /**
   * Stores {@code value} for {@code key} in L1, replacing any value in any tier, under the cache's
   * {@link WritePolicy}: cache-aside touches only the cache; write-through calls
   * {@link CacheWriter#write} first and changes nothing if it throws; write-behind stores in the
   * tiers and queues the write for the writer.
   *
   * @throws NullPointerException if {@code key} or {@code value} is null
   * @throws IllegalStateException if the cache is closed
   * @throws CacheWriterException write-through: the writer threw a checked exception (its cause)
   * @throws RuntimeException write-through: whatever unchecked exception the writer threw (the cache
   *     is unchanged)
   * @throws java.util.concurrent.RejectedExecutionException write-behind: the queue stayed full for
   *     its offer timeout (the key is then invalidated, so no tier holds a value the store will never
   *     get)
   */
  public void put(K key, V value) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(value, "value");
    checkOpen();
    if (writer == null) {
      storeInTiers(key, value);
      if (remote != null) {
        remote.put(key, value);
      }
      return;
    }
    ReentrantLock lock = writeLock(key);
    lock.lock();
    try {
      if (writePolicy == WritePolicy.WRITE_THROUGH) {
        callWriter(() -> writer.write(key, value), key);
        storeInTiers(key, value);
        if (remote != null) {
          remote.put(key, value);
        }
      } else {
        storeInTiers(key, value);
        try {
          writeBehind.enqueue(new WriteOperation<>(key, value));
        } catch (RuntimeException e) {
          removeFromTiers(key);
          throw e;
        }
        if (remote != null) {
          remote.put(key, value);
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes {@code key} from the store and the cache, under the cache's {@link WritePolicy}:
   * cache-aside only invalidates (the caller deletes from the store); write-through calls
   * {@link CacheWriter#delete} first and changes nothing if it throws; write-behind invalidates and
   * queues the delete (until it is stored, reads of the key return {@code null} without loading).
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache is closed
   * @throws CacheWriterException write-through: the writer threw a checked exception (its cause)
   * @throws RuntimeException write-through: whatever unchecked exception the writer threw
   * @throws java.util.concurrent.RejectedExecutionException write-behind: the queue stayed full
   *     (the key is invalidated all the same)
   */
  public void delete(K key) {
    Checks.requireNonNull(key, "key");
    checkOpen();
    if (writer == null) {
      invalidate(key);
      return;
    }
    ReentrantLock lock = writeLock(key);
    lock.lock();
    try {
      if (writePolicy == WritePolicy.WRITE_THROUGH) {
        callWriter(() -> writer.delete(key), key);
        invalidate(key);
      } else {
        invalidate(key);
        writeBehind.enqueue(new WriteOperation<>(key, null));
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Write-behind: waits until every write made before this call has reached the writer (or its
   * dead-letter handler). Returns {@code true} at once for other policies.
   *
   * @return whether that happened within {@code timeout}
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if the cache is closed
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flushWrites(Duration timeout) throws InterruptedException {
    Checks.requireNonNull(timeout, "timeout");
    Checks.requireArgument(!timeout.isNegative(), "timeout: %s (expected: >= 0)", timeout);
    checkOpen();
    return writeBehind == null || writeBehind.flush(timeout);
  }

  /** Returns the cache's write policy. */
  public WritePolicy writePolicy() {
    return writePolicy;
  }

  /**
   * Stores in L1 and removes lower-tier copies; no writer involved (puts, and loaded values). Keys
   * depending on {@code key} are invalidated: they were derived from its previous value.
   */
  private void storeInTiers(K key, V value) {
    if (!admitToHeap(key) && storeOffHeap(key, value)) {
      storeDone(key);
      return;
    }
    if (l3 != null || (l2 != null && l2.mayContain(key.hashCode()))) {
      // A lower tier may hold the key: remove its copies and write L1 in one Caffeine compute of the
      // key (lock order L1 -> L2 -> L3, as in spills), as the view's writes do. L1's eviction of the
      // new value spills it under that same lock, so it cannot land between the removal and the L1
      // write and be deleted by the removal. For Caffeine's policy the compute is the same write as
      // a put (an add, or an update of the same weight). A view read that misses L1 meanwhile waits
      // for the lock and sees the new value; a plain get(key) can miss for that instant (documented).
      l1Map.compute(key, (k, old) -> {
        removeBelow(k);
        return value;
      });
    } else {
      l1.put(key, value);
      // No lower copy was recorded before the put. The spill of an older L1 value of the key runs
      // under L1's lock for the key before this put's L1 write took it, so a copy it left is seen
      // now (volatile residency counters). Then remove it under L1's lock, and only if this value is
      // still in L1: if L1 evicted it meanwhile, its spill ran under that lock too and the lower copy
      // is this value. Rare (it takes a racing spill), so the compute's extra access in Caffeine's
      // policy (a same-value compute counts as a read) does not show in the hit ratio.
      if (l2 != null && l2.mayContain(key.hashCode())) {
        l1Map.computeIfPresent(key, (k, current) -> {
          if (current == value) { // identity: this write's value
            removeBelow(k);
          }
          return current;
        });
      }
    }
    if (negatives != null) {
      negatives.invalidate(key);
    }
    storeDone(key);
  }

  /** Returns the running-loads map, creating it on first use. */
  private ConcurrentHashMap<K, Load<V>> loads() {
    ConcurrentHashMap<K, Load<V>> map = loads; // volatile read: sees a map another thread installed
    if (map == null) {
      // CAS: concurrent first loads agree on one map; the loser's map is garbage.
      LOADS.compareAndSet(this, null, new ConcurrentHashMap<K, Load<V>>());
      map = loads;
    }
    return map;
  }

  /** Returns the invalidation graph, creating it on first use. */
  private InvalidationGraph<K> graph() {
    InvalidationGraph<K> relations = graph; // volatile read: sees a graph another thread installed
    if (relations == null) {
      // CAS: concurrent first relations agree on one graph; the loser's graph is garbage.
      GRAPH.compareAndSet(this, null, new InvalidationGraph<K>());
      relations = graph;
    }
    return relations;
  }

  /** Whether any dependency or tag is recorded (then {@link #graph} is non-null). */
  private boolean hasRelations() {
    InvalidationGraph<K> relations = graph; // volatile read, as InvalidationGraph.isEmpty's own
    return relations != null && !relations.isEmpty();
  }

  /** Forgets every dependency and tag. */
  private void clearRelations() {
    InvalidationGraph<K> relations = graph; // volatile read: a graph created later is empty anyway
    if (relations != null) {
      relations.clear();
    }
  }

  private void storeDone(K key) {
    if (hasRelations()) {
      for (K dependent : graph.cascade(key, false)) {
        invalidateOne(dependent);
      }
    }
  }

  /**
   * The L1 admission gate: when L1 is full and {@code key} is new to it, the key enters L1 only if the
   * shared sketch rates it above L1's coldest entry. Otherwise it goes to L2's own admission, as if L1
   * had evicted it at once: L1 keeps its resident set instead of churning on keys that are no more
   * popular than what they would displace (loops, scans), which is what makes the tiers behave like one
   * frequency-managed cache of their total capacity. Open while L2's admission duel is in recency mode
   * (popularity shifting faster than the sketch forgets; a lock-free volatile read).
   */
  private boolean admitToHeap(K key) {
    if (l2 == null || l1.estimatedSize() < heapMaximumSize || l1.asMap().containsKey(key)
        || l2.recencyMode()) {
      return true; // recency mode: L2's duel found recency beating frequency, so no gate for now
    }
    K victim = coldestHint;
    try {
      if (victim == null || ++coldestHintUses >= COLDEST_HINT_USES) {
        if (l2.frequency(key.hashCode()) == 0) {
          return false; // never requested: it cannot beat any entry, so skip the query for L1's coldest
        }
        victim = queryColdest();
        if (victim == null) {
          return true;
        }
      }
      // A never-requested key loses here too (0 > x is false; a tie needs a warm count).
      return l2.prefers(key.hashCode(), victim.hashCode());
    } catch (IllegalStateException closedMeanwhile) {
      return true;
    }
  }

  /**
   * Asks Caffeine for L1's coldest key (under its eviction lock; the streaming form, so without the
   * map snapshot {@code coldest(1)} allocates) and remembers it as the gate's hint.
   */
  private K queryColdest() {
    K victim = l1.policy().eviction().orElseThrow()
        .coldest(entries -> entries.findFirst().map(Policy.CacheEntry::getKey).orElse(null));
    coldestHintUses = 0;
    // Plain-enough: a volatile write, so a racing spill's clear (also volatile) is ordered against it;
    // if the clear lands first, this stale key is used until the next eviction or refresh (bounded).
    coldestHint = victim;
    return victim;
  }

  /**
   * Stores a write the L1 gate turned away in L2 (through L2's admission; rejected ones go on to L3);
   * returns false if it could not be stored below (serializer failure, too large, closed), in which
   * case the caller stores it in L1.
   */
  private boolean storeOffHeap(K key, V value) {
    byte[] keyBytes = serializeKey(key);
    byte[] valueBytes = keyBytes == null ? null : serialize(valueSerializer, value);
    if (valueBytes == null) {
      return false;
    }
    if (negatives != null) {
      negatives.invalidate(key);
    }
    if (!promotes && !l1Map.containsKey(key)) {
      // The usual case (the gate turns away only keys L1 does not hold): write below. A racing
      // writer's L1 copy that appears meanwhile shadows this value, as a later write would. (With
      // promotion, a racing promotion could likewise put the older value into L1: the compute below
      // orders the two.)
      return writeOffHeap(key, keyBytes, valueBytes);
    }
    // A racing writer put the key into L1 after the gate's check: write L2 (and L3) and drop that
    // copy in one Caffeine compute of the key, so that a reader sees the L1 copy or the new record,
    // never neither (invalidating L1 first left that instant open, and the view's get returned null
    // in it). Lock order L1 -> L2 -> L3, as in spills.
    boolean[] stored = new boolean[1];
    l1Map.compute(key, (k, old) -> {
      stored[0] = writeOffHeap(k, keyBytes, valueBytes);
      return stored[0] ? null : old; // not stored: the caller stores the value in L1
    });
    return stored[0];
  }

  /** The L2 write of {@link #storeOffHeap} (rejected ones go to L3); false if not stored. */
  private boolean writeOffHeap(K key, byte[] keyBytes, byte[] valueBytes) {
    long now = ticker.read();
    try {
      OffHeapTier.PutResult result = l2.put(key.hashCode(), keyBytes, valueBytes, now, now);
      if (result == OffHeapTier.PutResult.OVERSIZE) {
        return false;
      }
      if (l3 != null) {
        if (result == OffHeapTier.PutResult.STORED) {
          l3.remove(keyBytes);
        } else {
          putPersistent(keyBytes, ByteBuffer.wrap(valueBytes), now);
        }
      }
    } catch (IllegalStateException closedMeanwhile) {
      return false;
    }
    return true;
  }

  private void invalidateOne(K key) {
    // The remote bracket opens before the local removal (a Redis hit racing it must not be copied
    // up afterwards) and closes after Redis' delete; if the removal throws (close raced), the stripe
    // stays marked and only stops promotions on it.
    int remoteStripe = remote == null ? -1 : remote.begin(key);
    removeFromTiers(key);
    if (key.equals(coldestHint)) {
      coldestHint = null; // the gate's incumbent is gone
    }
    if (negatives != null) {
      negatives.invalidate(key);
    }
    if (remote != null) {
      remote.invalidate(key, remoteStripe);
    }
  }

  private ReentrantLock writeLock(K key) {
    int h = key.hashCode();
    return writeLocks[(h ^ (h >>> 16)) & (writeLocks.length - 1)];
  }

  /** A writer call that may throw anything. */
  @FunctionalInterface
  private interface WriterCall {
    void run() throws Exception;
  }

  private static void callWriter(WriterCall call, Object key) {
    try {
      call.run();
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new CacheWriterException("cache writer failed for key " + key, e, List.of());
    }
  }

  /**
   * Stores every mapping of {@code map}, as {@link #put} one by one.
   *
   * @throws NullPointerException if {@code map}, a key or a value is null (mappings before it are
   *     stored)
   * @throws IllegalStateException if the cache is closed
   */
  public void putAll(Map<? extends K, ? extends V> map) {
    Checks.requireNonNull(map, "map");
    map.forEach(this::put);
  }

  /**
   * Removes {@code key} from every tier, with every key that {@linkplain #dependsOn depends} on it,
   * transitively. Never touches the store (see {@link #delete}).
   *
   * @throws NullPointerException if {@code key} is null
   * @throws IllegalStateException if the cache is closed
   */
  public void invalidate(K key) {
    Checks.requireNonNull(key, "key");
    checkOpen();
    if (!hasRelations()) {
      invalidateOne(key);
      return;
    }
    for (K invalidated : graph.cascade(key, true)) {
      invalidateOne(invalidated);
    }
  }

  /**
   * Records that {@code dependent} is derived from {@code dependency}: invalidating, deleting or
   * writing {@code dependency} invalidates {@code dependent} (and what depends on it, transitively;
   * cycles are followed once). The relation is consumed by that invalidation: register it again when
   * {@code dependent} is recomputed. Relations live on the heap, independent of which tier (if any)
   * holds the keys, and are not persisted.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the cache is closed
   */
  public void dependsOn(K dependent, K dependency) {
    Checks.requireNonNull(dependent, "dependent");
    Checks.requireNonNull(dependency, "dependency");
    checkOpen();
    graph().dependsOn(dependent, dependency);
  }

  /**
   * Attaches {@code tag} (compared by {@code equals}) to {@code key}, for {@link #invalidateTag}. The
   * tag is forgotten when the key is invalidated; it is not persisted.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if the cache is closed
   */
  public void tag(K key, Object tag) {
    Checks.requireNonNull(key, "key");
    Checks.requireNonNull(tag, "tag");
    checkOpen();
    graph().tag(key, tag);
  }

  /**
   * Invalidates every key carrying {@code tag}, and their dependents transitively; returns how many
   * keys that was (present in a tier or not).
   *
   * @throws NullPointerException if {@code tag} is null
   * @throws IllegalStateException if the cache is closed
   */
  public int invalidateTag(Object tag) {
    Checks.requireNonNull(tag, "tag");
    checkOpen();
    Set<K> keys = hasRelations() ? graph.cascadeTag(tag) : Set.of();
    for (K key : keys) {
      invalidateOne(key);
    }
    return keys.size();
  }

  /**
   * Removes every entry from every tier (explicit removals do not spill) and forgets every tag and
   * dependency.
   *
   * @throws IllegalStateException if the cache is closed
   */
  public void invalidateAll() {
    checkOpen();
    if (remote != null) {
      remote.beginInvalidateAll();
    }
    clearRelations();
    if (negatives != null) {
      negatives.invalidateAll();
    }
    l1.invalidateAll();
    coldestHint = null;
    if (l2 != null) {
      l2.clear();
    }
    if (l3 != null) {
      l3.clear();
    }
    if (remote != null) {
      remote.invalidateAll();
    }
  }

  // --------------- warming ---------------

  /**
   * Loads the {@code keys} that no tier holds, in bulk-loader calls of up to 256 keys, storing what
   * the loader returns, and reports progress after each call. Runs on the calling thread.
   *
   * @param keys the keys to warm (duplicates are loaded once per batch they appear in)
   * @param bulkLoader loads a set of missing keys; may return fewer (or extra) entries
   * @param progress told after each batch; may be {@code (done, total) -> {}}
   * @return the number of entries stored
   * @throws NullPointerException if an argument or a key is null, or the loader returns null
   * @throws IllegalStateException if the cache is closed
   * @throws RuntimeException whatever the loader or the progress callback threw (batches before it
   *     stay cached)
   */
  public long warm(Iterable<? extends K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader,
      WarmingProgress progress) {
    Checks.requireNonNull(keys, "keys");
    Checks.requireNonNull(bulkLoader, "bulkLoader");
    Checks.requireNonNull(progress, "progress");
    checkOpen();
    long total = keys instanceof java.util.Collection<?> collection ? collection.size() : -1;
    long processed = 0;
    long stored = 0;
    Set<K> batch = new LinkedHashSet<>();
    int inBatch = 0;
    java.util.Iterator<? extends K> iterator = keys.iterator();
    while (iterator.hasNext()) {
      K key = Checks.requireNonNull(iterator.next(), "key");
      inBatch++;
      if (l1.getIfPresent(key) == null && lookupLower(key, false) == null) {
        batch.add(key);
      }
      if (inBatch == 256 || !iterator.hasNext()) {
        if (!batch.isEmpty()) {
          long remoteStamp = remote == null ? -1 : remote.stampAll();
          Map<? extends K, ? extends V> loaded = load(Collections.unmodifiableSet(batch), bulkLoader);
          for (Map.Entry<? extends K, ? extends V> entry : loaded.entrySet()) {
            if (entry.getKey() != null && entry.getValue() != null) {
              checkOpen();
              storeInTiers(entry.getKey(), entry.getValue());
              if (remote != null) {
                remote.fill(entry.getKey(), entry.getValue(), remoteStamp, true);
              }
              stored++;
            }
          }
        }
        processed += inBatch;
        progress.progress(processed, total);
        batch = new LinkedHashSet<>();
        inBatch = 0;
      }
    }
    return stored;
  }

  /**
   * Returns the hot keys the previous cache on the {@link Builder#hotKeysFile hot-keys file} saved at
   * close (hottest first), read when this cache was built; empty without that file. Pass them to
   * {@link #warm} to come back warm after a restart.
   */
  public List<K> persistedHotKeys() {
    return persistedHotKeys;
  }

  // --------------- inspection and lifecycle ---------------

  /**
   * Performs L1's pending maintenance (evictions, and so spills into L2) on the calling thread now.
   *
   * @throws IllegalStateException if the cache is closed
   */
  public void cleanUp() {
    checkOpen();
    l1.cleanUp();
  }

  /** Returns the number of entries held by L1, L2 and L3 (expired entries not yet removed included). */
  public long estimatedSize() {
    return l1.estimatedSize() + (l2 == null ? 0 : l2.size()) + (l3 == null ? 0 : l3.size());
  }

  /**
   * Returns a snapshot of the counters; per-request counts are zero unless built with {@code
   * recordStats()} (see {@link TieredCacheStats}).
   */
  public TieredCacheStats stats() {
    long[] tier = l2 == null ? new long[2] : l2.counters();
    long[] persistent = l3 == null ? new long[3] : l3.counters();
    return new TieredCacheStats(stats.sum(r -> r.heapHits.sum()),
        stats.sum(r -> r.offHeapHits.sum()), stats.sum(r -> r.misses.sum()),
        stats.sum(r -> r.loadSuccesses.sum()), stats.sum(r -> r.loadFailures.sum()),
        stats.sum(r -> r.loadNanos.sum()), stats.spills(), tier[1], tier[0],
        stats.oversizeSkips(), stats.serializationFailures(), stats.promotions(),
        stats.sum(r -> r.persistentHits.sum()),
        persistent[0], persistent[1], persistent[2],
        remote == null ? RemoteTierStats.NONE : remote.stats());
  }

  /**
   * Empties the cache and releases its resources: copies L1's and L2's entries into the persistent
   * tier (if any) and closes its file, releases the off-heap memory, and (write-behind) stores every
   * queued write, waiting up to the configured close timeout. Idempotent. Later reads and writes
   * throw {@link IllegalStateException}; a load or write running concurrently may fail with it.
   *
   * @throws CacheWriterException write-behind: some accepted writes were neither stored nor taken by
   *     a dead-letter handler; they are listed in {@link CacheWriterException#unwritten()} (every other
   *     resource is released all the same)
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    if (l3 != null) {
      // Run L1's pending maintenance while spills are still accepted: an entry that expired in L1
      // but lives on in L2/L3 is hidden from asMap() below and must move down now, or it is lost.
      l1.cleanUp();
    }
    closed = true;
    try {
      if (hotKeysPath != null) {
        Set<K> hottest = l1.policy().eviction()
            .map(eviction -> eviction.hottest(hotKeysCount).keySet()).orElse(Set.of());
        HotKeysFile.save(hotKeysPath, hottest, keySerializer);
      }
      if (l3 != null) {
        persistUpperTiers();
      }
    } finally {
      l1.invalidateAll();
      l1.cleanUp();
      if (l2 != null) {
        l2.close();
      }
      if (l3 != null) {
        l3.close();
      }
      if (remote != null) {
        remote.close();
      }
      if (writeBehind != null) {
        writeBehind.close();
      }
    }
  }

  /**
   * On close: copies L2's and then L1's live entries into L3, so that a restart serves them. L3's
   * CLOCK makes room as usual; if L3 is smaller than the upper tiers, the later (hotter) ones stay.
   */
  private void persistUpperTiers() {
    if (l2 != null) {
      l2.forEach(this::putPersistent, ticker.read());
    }
    long now = ticker.read();
    for (Map.Entry<K, V> entry : l1.asMap().entrySet()) {
      byte[] keyBytes = serializeKey(entry.getKey());
      byte[] valueBytes = keyBytes == null ? null : serialize(valueSerializer, entry.getValue());
      if (valueBytes != null) {
        putPersistent(keyBytes, ByteBuffer.wrap(valueBytes), l1WriteNanos(entry.getKey(), null, now));
      }
    }
  }

  // --------------- map view, lower-tier refresh and scheduled refresh ---------------

  /**
   * Returns a {@link ConcurrentMap} view of the whole cache (every tier), backed by it: changes to
   * either are seen by the other. Null keys and values are rejected with {@link
   * NullPointerException}, as in {@link ConcurrentHashMap}.
   *
   * <ul>
   *   <li><b>Reads</b> ({@code get}, {@code containsKey}) look in every tier like {@link #get(Object)}
   *       but never load, count no statistics and never promote; when L1 misses they read the lower
   *       tiers under L1's lock for the key, so an entry being spilled from L1 to L2 is not missed.
   *   <li><b>Writes follow the write policy.</b> {@code put} (and {@code putIfAbsent}, {@code
   *       replace}, {@code compute}, {@code merge}, {@code Entry.setValue}) is {@link #put}; a
   *       removal ({@code remove}, a {@code compute} returning {@code null}, {@code
   *       Iterator.remove}) is {@link #delete}: under write-through the store is written first and
   *       a writer failure leaves the cache unchanged and reaches the caller; under write-behind
   *       the write is queued. A function returning the very value it was given changes nothing.
   *   <li><b>Atomicity.</b> Each single-key write claims the key's single-flight slot: it waits for
   *       a {@link #get(Object, Function) load} of the key already running, and a load arriving
   *       meanwhile waits for it and takes its value (or loads, if the write removed the key).
   *       The current value is read, the function applied, the writer called (write-through) and
   *       the new value stored in one Caffeine {@code compute} of the key, which excludes L1's
   *       eviction of the key (its spill into L2) and the cache's own {@link #put}, {@link #delete}
   *       and {@link #invalidate} of it (they take the same lock). So {@code putIfAbsent}, {@code
   *       replace}, {@code remove(k, v)}, {@code compute*} and {@code merge} are atomic with respect
   *       to each other, to loads and to direct writes of the key, and their functions run at most
   *       once, on the calling thread. As with Caffeine's and {@link ConcurrentHashMap}'s compute,
   *       the function (and a write-through writer) runs under that lock: keep it short and do not
   *       touch the cache from it; one that updates or loads its own key throws {@link
   *       IllegalStateException}.
   *   <li><b>Iteration</b> (of {@code entrySet}, {@code keySet}, {@code values}, and so {@code
   *       equals}, {@code hashCode}, {@code toString}, {@code containsValue}) is weakly consistent
   *       across the tiers and returns each key at most once: L1's keys, a snapshot of L2's keys
   *       taken when L1's are exhausted, L1's again (entries moved up meanwhile) and L2's again
   *       (entries that were on their way from L1 to L2 at the first snapshot). Without promotion
   *       entries only move down, and an entry present throughout is returned exactly once; with
   *       {@link Builder#promoteAfterHits(int) promotion}, an entry that moves up and back down
   *       while one iteration runs can be missed. A value is read when the iterator reaches its key
   *       (a key removed by then is skipped). Iterating costs, on the heap, the set of keys returned
   *       and the L2 snapshots; reading an L2 value counts as an access for L2's eviction policy
   *       (but never promotes). {@code Iterator.remove} is supported.
   *   <li><b>{@code size()}</b> is L1's plus L2's entry count, O(1) and, like Caffeine's, an
   *       estimate: it includes expired entries not yet removed and can count a key twice while it
   *       moves between tiers. Exact when the cache is quiescent and nothing has expired.
   *   <li><b>With a persistent tier (L3) the enumeration part of the contract does not hold:</b>
   *       L3 keeps records in fixed slots of a mapped file and has no key cursor, so iteration,
   *       {@code size()}, {@code equals}, {@code hashCode} and {@code containsValue} see only L1 and
   *       L2, while {@code get}, {@code containsKey} and every write see L3 too. {@code clear()}
   *       removes what it enumerates (under a writer: deletes it from the store) and then drops L3's
   *       copies without deleting them from the store.
   * </ul>
   *
   * <p><b>Threading:</b> thread-safe, like the cache. <b>Ordering:</b> as for the cache's own
   * methods; a view write happens-before any read that returns its value. Every call returns a new,
   * equivalent view; once the cache is closed, the view's methods throw {@link
   * IllegalStateException}.
   */
  public ConcurrentMap<K, V> asMap() {
    return new TieredCacheMap<>(this);
  }

  /**
   * Reloads {@code keys} with {@code bulkLoader} every {@code period} on {@code scheduler} (the first
   * run after one period), in bulk-loader calls of up to 256 keys, whether or not a tier holds them,
   * so that they stay fresh and never expire while the store has them. See {@link ScheduledRefresh}.
   * The cache starts no thread of its own: the runs are the scheduler's tasks.
   *
   * @param keys the keys to keep fresh (copied: later changes to the collection are not seen)
   * @param bulkLoader loads a set of keys; keys it leaves out are invalidated (the store no longer
   *     has them)
   * @param scheduler runs the refreshes; owned by the caller
   * @param period the delay between the end of one run and the start of the next
   * @return the running schedule; {@link ScheduledRefresh#close()} stops it
   * @throws NullPointerException if an argument or a key is null
   * @throws IllegalArgumentException if {@code period} is not positive
   * @throws IllegalStateException if the cache is closed
   * @throws java.util.concurrent.RejectedExecutionException if the scheduler refuses the task
   */
  public ScheduledRefresh scheduleRefresh(Collection<? extends K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader,
      ScheduledExecutorService scheduler, Duration period) {
    Checks.requireNonNull(keys, "keys");
    Checks.requireNonNull(bulkLoader, "bulkLoader");
    Checks.requireNonNull(scheduler, "scheduler");
    Checks.requireNonNull(period, "period");
    Checks.requireArgument(!period.isNegative() && !period.isZero(),
        "period: %s (expected: > 0)", period);
    checkOpen();
    List<K> copy = List.copyOf(keys); // throws NullPointerException on a null key
    return ScheduledRefresh.start(() -> refreshKeys(copy, bulkLoader), () -> closed, scheduler,
        period);
  }

  /**
   * One run of a scheduled refresh: reloads {@code keys} in batches and stores the results as loads
   * do; a key the loader leaves out is invalidated. Keys with a write-behind write not yet stored are
   * skipped (the store is behind the cache for them). Returns how many entries were stored.
   */
  long refreshKeys(List<K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    long stored = 0;
    for (int from = 0; from < keys.size(); from += 256) {
      checkOpen();
      Set<K> batch = new LinkedHashSet<>();
      for (K key : keys.subList(from, Math.min(keys.size(), from + 256))) {
        if (writeBehind == null || writeBehind.pending(key) == null) {
          batch.add(key);
        }
      }
      if (batch.isEmpty()) {
        continue;
      }
      Map<? extends K, ? extends V> loaded = load(Collections.unmodifiableSet(batch), bulkLoader);
      checkOpen();
      for (K key : batch) {
        V value = loaded.get(key);
        if (value != null) {
          storeInTiers(key, value);
          stored++;
        } else {
          invalidate(key);
        }
      }
    }
    return stored;
  }

  /**
   * Refresh-ahead of an entry served from L2 or L3, first written at {@code writeNanos}: when the
   * {@code get(key, loader)} running on this thread found it due, reloads it on the executor. The
   * reloaded value goes to L1 (as a load's result does) unless L1 got a value for the key meanwhile,
   * and then the stale lower-tier copy is removed.
   */
  private void refreshLowerIfDue(K key, long writeNanos) {
    Function<? super K, ? extends V> loader = refreshLoader == null ? null : refreshLoader.get();
    if (loader == null || ticker.read() - writeNanos < refreshAfterWriteNanos
        || (writeBehind != null && writeBehind.pending(key) != null)
        || !refreshing.add(key)) {
      return;
    }
    Runnable refresh = () -> {
      try {
        V fresh = load(key, loader);
        boolean[] stored = new boolean[1];
        if (fresh != null && !closed) {
          // Into L1 and out of the tiers below in one compute of the key (lock order L1 -> L2 ->
          // L3, as in spills), as put does: an eviction of the fresh value cannot spill it between
          // the two and have the removal delete it, and no promotion interleaves.
          l1Map.computeIfAbsent(key, k -> {
            removeBelow(k);
            stored[0] = true;
            return fresh;
          });
        }
        if (stored[0]) {
          if (hasRelations()) {
            for (K dependent : graph.cascade(key, false)) {
              invalidateOne(dependent);
            }
          }
        }
      } catch (RuntimeException e) {
        // Counted by load(); the stale value stays until it expires or the next refresh succeeds.
      } finally {
        refreshing.remove(key);
      }
    };
    try {
      executor.execute(refresh);
    } catch (RuntimeException rejected) {
      refreshing.remove(key);
    }
  }

  /** The future of an {@link #update} holding a key's single-flight slot; never fails. */
  private static final class MapUpdate<V> extends CompletableFuture<V> {}

  /**
   * The view's reads: the value from the first tier that holds it (or a write-behind write not yet
   * stored), without loading or counting. When L1 misses, the lower tiers are read under L1's lock
   * for the key (a Caffeine compute that leaves L1 unchanged): an L1 eviction of the key hands it to
   * L2 inside that same lock, so the read never falls into the instant when a spilled entry has left
   * L1 and not yet reached L2.
   */
  V peek(K key) {
    Checks.requireNonNull(key, "key");
    checkOpen();
    V held = l1.getIfPresent(key);
    if (held != null) {
      return held;
    }
    List<V> found = new ArrayList<>(1);
    l1.asMap().compute(key, (k, inL1) -> {
      found.add(inL1 != null ? inL1 : peekLower(k));
      return inL1;
    });
    return found.get(0);
  }

  /** Reads L2, L3 and then the write-behind queue, uncounted, moving nothing (reads stay reads). */
  private V peekLower(K key) {
    byte[] keyBytes = l2 == null && l3 == null ? null : serializeKey(key);
    if (keyBytes != null) {
      if (l2 != null) {
        OffHeapTier.Hit<V> hit = l2.get(key.hashCode(), keyBytes, valueSerializer, ticker.read());
        if (hit != null) {
          return hit.value(); // the view's read does not move entries, even one due for promotion
        }
      }
      if (l3 != null) {
        PersistentTier.Hit<V> hit = l3.get(keyBytes, valueSerializer, clock.millis());
        if (hit != null) {
          return hit.value();
        }
      }
    }
    WriteOperation<K, V> pending = writeBehind == null ? null : writeBehind.pending(key);
    return pending != null && !pending.isDelete() ? pending.value() : null;
  }

  /**
   * The view's writes: atomically with single-flight loads of {@code key} and with other updates of
   * it, replaces its value by {@code remapping(key, current)} ({@code null}: absent). The update
   * holds the key's single-flight slot, so a {@code get(key, loader)} arriving meanwhile waits for
   * it (and takes its value), and it waits for a load already running. The read of the current value
   * and the write of the new one into L1 happen in one Caffeine compute of the key, so an eviction of
   * the key (its spill into L2) cannot interleave. A result identical to the current value changes
   * nothing. Otherwise the write follows the write policy: write-through calls the writer inside the
   * compute, before any tier changes (if it throws, nothing changes and the exception reaches the
   * caller); write-behind queues the write after the tiers changed (as {@link #put}/{@link #delete}).
   *
   * @return the value after the update
   */
  V update(K key, BiFunction<? super K, ? super V, ? extends V> remapping) {
    Checks.requireNonNull(key, "key");
    checkOpen();
    MapUpdate<V> result = new MapUpdate<>();
    Load<V> mine = new Load<>(Thread.currentThread(), result);
    for (Load<V> running; (running = loads().putIfAbsent(key, mine)) != null; ) {
      Checks.requireState(running.loader() != Thread.currentThread(),
          "recursive update of key %s: a loader or remapping function updated its own key", key);
      try {
        running.result().join();
      } catch (RuntimeException failedLoad) {
        // It changed nothing: claim the key again.
      }
    }
    V updated = null;
    ReentrantLock lock = writer == null ? null : writeLock(key);
    if (lock != null) {
      lock.lock(); // as in put(): the store sees writes to a key in the order the tiers do
    }
    try {
      List<V> before = new ArrayList<>(1);
      List<V> after = new ArrayList<>(1);
      l1.asMap().compute(key, (k, inL1) -> {
        V current = inL1 != null ? inL1 : peekLower(k);
        V next = remapping.apply(k, current);
        before.add(current);
        after.add(next);
        if (next == current) {
          return inL1;
        }
        if (writePolicy == WritePolicy.WRITE_THROUGH) {
          callWriter(next == null ? () -> writer.delete(k) : () -> writer.write(k, next), k);
        }
        // Under L1's lock for the key (lock order L1 -> L2 -> L3, as in spills): an eviction of the
        // new value cannot spill it into L2 before the old copy there is removed.
        removeBelow(k);
        return next;
      });
      V current = before.get(0);
      updated = after.get(0);
      if (updated != current) {
        if (negatives != null) {
          negatives.invalidate(key);
        }
        if (hasRelations()) {
          for (K dependent : graph.cascade(key, updated == null)) {
            invalidateOne(dependent);
          }
        }
        if (writePolicy == WritePolicy.WRITE_BEHIND) {
          try {
            writeBehind.enqueue(new WriteOperation<>(key, updated));
          } catch (RuntimeException e) {
            invalidateOne(key); // as put(): no tier keeps a value the store will never get
            throw e;
          }
        }
      }
      return updated;
    } catch (RuntimeException | Error e) {
      updated = null; // waiting loads look again
      throw e;
    } finally {
      if (lock != null) {
        lock.unlock();
      }
      loads.remove(key, mine);
      result.complete(updated);
    }
  }

  /** Whether a persistent tier (which the view cannot enumerate) is configured. */
  boolean hasPersistentTier() {
    return l3 != null;
  }

  /** The number of entries the view enumerates: L1's and L2's (expired ones not removed yet too). */
  long enumerableSize() {
    return l1.estimatedSize() + (l2 == null ? 0 : l2.size());
  }

  /** L1's keys, weakly consistent. */
  Iterator<K> heapKeys() {
    return l1.asMap().keySet().iterator();
  }

  /** A snapshot of L2's live keys (empty without L2); keys whose bytes fail to deserialise are skipped. */
  List<K> offHeapKeys() {
    if (l2 == null) {
      return List.of();
    }
    List<byte[]> keyBytes = new ArrayList<>();
    l2.forEach((key, value, writeNanos) -> keyBytes.add(key), ticker.read());
    List<K> keys = new ArrayList<>(keyBytes.size());
    for (byte[] bytes : keyBytes) {
      try {
        K key = keySerializer.deserialize(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
        if (key != null) {
          keys.add(key);
        } else {
          stats.serializationFailure();
        }
      } catch (RuntimeException e) {
        stats.serializationFailure();
      }
    }
    return keys;
  }

  /**
   * The view's {@code clear()}: removes (as {@link #delete}) every key the view enumerates, then drops
   * L3's copies.
   */
  void clearView(Iterable<K> enumerated) {
    checkOpen();
    for (K key : enumerated) {
      update(key, (k, v) -> null);
    }
    if (l3 != null) {
      l3.clear();
    }
  }

  // --------------- internals ---------------

  /** Looks in L2, then L3, then Redis; counts the outcome if {@code count}. */
  private V lookupLower(K key, boolean count) {
    return lookupLower(key, count, true);
  }

  /** As {@link #lookupLower(Object, boolean)}; skips Redis unless {@code remoteToo}. */
  private V lookupLower(K key, boolean count, boolean remoteToo) {
    byte[] keyBytes = l2 == null && l3 == null ? null : serializeKey(key);
    V value;
    if (keyBytes != null) {
      value = lookupOffHeap(key, keyBytes);
      if (value != null) {
        if (count) {
          stats.requests.offHeapHits.increment();
        }
        return value;
      }
      value = lookupPersistent(key, keyBytes);
      if (value != null) {
        if (count) {
          stats.requests.persistentHits.increment();
        }
        return value;
      }
    }
    WriteOperation<K, V> pending = writeBehind == null ? null : writeBehind.pending(key);
    if (pending != null && !pending.isDelete()) {
      // Evicted from every tier before its write reached the store: the queue is authoritative.
      if (count) {
        stats.requests.heapHits.increment();
      }
      return pending.value();
    }
    if (remote != null && remoteToo && pending == null) {
      value = lookupRemote(key, keyBytes, count);
      if (value != null) {
        return value;
      }
    }
    if (count) {
      stats.requests.misses.increment();
    }
    return null;
  }

  /**
   * Reads Redis and copies a hit into L1, unless an invalidation of the key began since the read's
   * stamp (see RedisRemoteTier's design note). Never throws for Redis trouble.
   */
  private V lookupRemote(K key, byte[] keyBytes, boolean count) {
    RedisRemoteTier.Hit<V> hit = remote.get(key, keyBytes, count);
    if (hit == null) {
      return null;
    }
    if (hit.stamp() >= 0 && !closed) {
      V copied = hit.value();
      // The stamp is checked under L1's lock for the key, inside the insert: an invalidation that
      // begins after the check removes the key locally after this insert (its L1 removal waits for the
      // lock), so it removes the copy, from L1 or, if L1 evicted it meanwhile, from L2. (Inserting
      // first and taking the copy back after a failed check missed a copy L1 had spilled in between:
      // the invalidated value then stayed in L2.)
      l1Map.computeIfAbsent(key, k -> remote.unchanged(k, hit.stamp()) ? copied : null);
    }
    return hit.value();
  }

  /**
   * Reloads {@code key} on the executor while callers keep getting {@code stale}; the result replaces
   * the entry only if it is still {@code stale} (a put or invalidate in the meantime wins). A failing
   * or null-returning reload keeps the old value and counts as a load failure.
   */
  private void refreshAhead(K key, V stale, Function<? super K, ? extends V> loader) {
    if (writeBehind != null && writeBehind.pending(key) != null) {
      return; // the store is behind the cache for this key: reloading it would go back in time
    }
    if (!refreshing.add(key)) {
      return;
    }
    Runnable refresh = () -> {
      try {
        V fresh = load(key, loader);
        if (fresh != null && !closed
            && l1.asMap().replace(key, stale, fresh)) {
          if (hasRelations()) {
            for (K dependent : graph.cascade(key, false)) {
              invalidateOne(dependent);
            }
          }
        }
      } catch (RuntimeException e) {
        // Counted by load(); the stale value stays until it expires or the next refresh succeeds.
      } finally {
        refreshing.remove(key);
      }
    };
    try {
      executor.execute(refresh);
    } catch (RuntimeException rejected) {
      refreshing.remove(key); // the executor refused: serve the old value, try again on a later hit
    }
  }

  private boolean pendingDelete(K key) {
    if (writeBehind == null) {
      return false;
    }
    WriteOperation<K, V> pending = writeBehind.pending(key);
    return pending != null && pending.isDelete();
  }

  private V lookupOffHeap(K key, byte[] keyBytes) {
    if (l2 == null) {
      return null;
    }
    OffHeapTier.Hit<V> hit;
    try {
      hit = l2.get(key.hashCode(), keyBytes, valueSerializer, ticker.read());
    } catch (RuntimeException e) {
      if (!closed) {
        stats.serializationFailure();
      }
      throw e;
    }
    if (hit == null) {
      return null;
    }
    if (hit.promote() && youngEnoughForL1(hit.writeNanos())) {
      promote(key, keyBytes, false);
    } else if (refreshAfterWriteNanos != Long.MAX_VALUE) {
      refreshLowerIfDue(key, hit.writeNanos());
    }
    return hit.value();
  }

  private V lookupPersistent(K key, byte[] keyBytes) {
    if (l3 == null) {
      return null;
    }
    PersistentTier.Hit<V> hit;
    long nowMillis = clock.millis();
    try {
      hit = l3.get(keyBytes, valueSerializer, nowMillis);
    } catch (RuntimeException e) {
      if (!closed) {
        stats.serializationFailure();
      }
      throw e;
    }
    if (hit == null) {
      return null;
    }
    if (hit.promote() && youngEnoughForL1(
        ticker.read() - saturatedMillisToNanos(nowMillis - hit.writeMillis()))) {
      promote(key, keyBytes, true);
    } else if (refreshAfterWriteNanos != Long.MAX_VALUE) {
      refreshLowerIfDue(key,
          ticker.read() - saturatedMillisToNanos(nowMillis - hit.writeMillis()));
    }
    return hit.value();
  }

  /**
   * Whether an entry first written at {@code writeNanos} may still enter L1: with L1's variable expiry,
   * only if it is younger than L1's lifetime (L1 would not have held it longer; it stays below).
   */
  private boolean youngEnoughForL1(long writeNanos) {
    return l1Deadlines == null || l1WriteTtlNanos - (ticker.read() - writeNanos) > 0;
  }

  /**
   * Moves a lower-tier entry due for promotion up into L1, in one Caffeine compute of the key: under
   * L1's lock for the key, the entry is taken out of its tier (its current record, whatever a write
   * left there since the read) and becomes L1's value; if L1 holds the key already, nothing moves.
   * Writes, invalidations and spills of the key run under the same lock while promotion is on, so the
   * entry is in one tier throughout: a view read never falls between the tiers, and an invalidation
   * either finds the promoted value in L1 or removed the record before the take (promoting after
   * L2's read and outside the lock brought an invalidated value back into L1). With L1's variable
   * expiry the entry keeps its first write time: its L1 deadline is that write plus L1's lifetime.
   * Otherwise (no L1 write times, or L1 also expires after access) L1 counts the entry's age from
   * the promotion.
   */
  private void promote(K key, byte[] keyBytes, boolean fromL3) {
    try {
      l1Map.compute(key, (k, inL1) -> inL1 != null ? inL1 : takeForL1(k, keyBytes, fromL3));
    } catch (IllegalStateException closedMeanwhile) {
      // close() raced with this read: the entry is discarded with the cache.
    } catch (RuntimeException serializerFailed) {
      // The read had deserialized the value; taking it deserialized again and failed. The record is
      // gone (as a failing read removes it); the caller still returns the value it read.
      stats.serializationFailure();
    } finally {
      if (l1Deadlines != null) {
        writeDeadline.promoted(-1);
      }
    }
  }

  /** Under L1's lock for the key: takes the key's L2 or L3 record for L1, or returns null. */
  private V takeForL1(K key, byte[] keyBytes, boolean fromL3) {
    long now = ticker.read();
    V value;
    long writeNanos;
    if (fromL3) {
      long nowMillis = clock.millis();
      PersistentTier.Hit<V> hit = l3.take(keyBytes, valueSerializer, nowMillis);
      if (hit == null) {
        return null;
      }
      value = hit.value();
      writeNanos = now - saturatedMillisToNanos(nowMillis - hit.writeMillis());
    } else {
      OffHeapTier.Hit<V> hit = l2.take(key.hashCode(), keyBytes, valueSerializer, now);
      if (hit == null) {
        return null;
      }
      value = hit.value();
      writeNanos = hit.writeNanos();
    }
    if (l1Deadlines != null) {
      long left = l1WriteTtlNanos - (now - writeNanos);
      if (left <= 0) {
        // A write since the read left an older record (a spill keeps the first write time): back
        // where it came from, under this lock.
        byte[] valueBytes = serialize(valueSerializer, value);
        if (valueBytes != null) {
          if (fromL3) {
            putPersistent(keyBytes, ByteBuffer.wrap(valueBytes), writeNanos);
          } else {
            l2.put(key.hashCode(), keyBytes, valueBytes, writeNanos, now);
          }
        }
        return null;
      }
      writeDeadline.promoted(left); // the deadline of the entry this compute creates
    }
    stats.promotion();
    return value;
  }

  /**
   * The time {@code key}'s L1 value was first written, read at {@code now} from Caffeine's
   * expire-after-write age or variable deadline of the still-mapped entry; for an entry being
   * evicted ({@code cause} non-null) even past its lifetime, through L1's ticker rewound for this
   * thread (docs/caching.md, "Write times"). Without L1 write times, or for an entry no longer
   * mapped (or, when not evicting, expired): {@code now}.
   */
  private long l1WriteNanos(K key, RemovalCause cause, long now) {
    if (l1WriteTtlNanos < 0) {
      return now;
    }
    // Caffeine reads the (same) ticker after our now: both forms come out older by that difference,
    // which only shortens a lower-tier lifetime.
    if (l1Deadlines != null) {
      if (cause == null) { // a live entry: its deadline as is
        OptionalLong left = l1Deadlines.getExpiresAfter(key, TimeUnit.NANOSECONDS);
        return left.isPresent() ? now + left.getAsLong() - l1WriteTtlNanos : now;
      }
      // An evicted entry may be past its deadline, and Caffeine hides the deadline of an expired
      // entry: read it on a ticker set far back (for this thread only), where nothing has expired.
      // Exact, whatever the cause; the lock orders spills that Caffeine runs outside its eviction
      // lock (an expired entry met by a compute or put), and nothing else is taken under it.
      long rewound = now - REWIND_NANOS;
      OptionalLong left;
      synchronized (rewindLock) {
        rewoundNanos = rewound;
        rewinder = Thread.currentThread();
        try {
          left = l1Deadlines.getExpiresAfter(key, TimeUnit.NANOSECONDS);
        } finally {
          rewinder = null;
        }
      }
      return left.isPresent() ? rewound + left.getAsLong() - l1WriteTtlNanos : now;
    }
    OptionalLong age = l1Ages.ageOf(key, TimeUnit.NANOSECONDS);
    if (age.isPresent()) {
      return now - age.getAsLong();
    }
    if (cause == null) {
      return now; // not a spill: the entry is gone or expired
    }
    // An evicted entry past its lifetime. Caffeine's ageOf shows an entry only on a clock inside
    // [write, write + lifetime) (and before its access deadline), never a negative age: step L1's
    // clock back for this thread one such window at a time until it lands inside. One step when
    // Caffeine noticed the expiry within a lifetime; after an idle period, one per lifetime idle, up
    // to the oldest age a lower tier keeps (an older entry is spilled as too old for all of them).
    long back = 0;
    synchronized (rewindLock) {
      rewinder = Thread.currentThread();
      try {
        for (int probe = 0; probe < MAX_AGE_PROBES; probe++) {
          back += l1ProbeStepNanos;
          if (back < 0 || back > lowerMaxAgeNanos) {
            break;
          }
          long rewound = now - back;
          rewoundNanos = rewound;
          age = l1Ages.ageOf(key, TimeUnit.NANOSECONDS);
          if (age.isPresent()) {
            return rewound - age.getAsLong();
          }
        }
      } finally {
        rewinder = null;
      }
    }
    // Older than every window tried: as old as the lower tiers keep anything (or older).
    return now - Math.max(back, Math.min(lowerMaxAgeNanos, Long.MAX_VALUE / 4));
  }

  /** L1's variable expiry with promotion: a deadline of L1's lifetime after each write. */
  private static final class WriteDeadline implements Expiry<Object, Object> {
    private final long lifetimeNanos;
    /** Per thread: the lifetime left of the entry a promotion's compute creates, or -1. */
    private final ThreadLocal<long[]> promotedLifetime = ThreadLocal.withInitial(() -> new long[] {-1});

    WriteDeadline(long lifetimeNanos) {
      this.lifetimeNanos = lifetimeNanos;
    }

    /** Sets (or with -1 clears) the lifetime of the entry this thread's promotion creates. */
    void promoted(long leftNanos) {
      promotedLifetime.get()[0] = leftNanos;
    }

    @Override
    public long expireAfterCreate(Object key, Object value, long currentTime) {
      long[] promoted = promotedLifetime.get();
      if (promoted[0] >= 0) {
        long left = promoted[0];
        promoted[0] = -1;
        return left;
      }
      return lifetimeNanos;
    }

    @Override
    public long expireAfterUpdate(Object key, Object value, long currentTime,
        long currentDuration) {
      return lifetimeNanos;
    }

    @Override
    public long expireAfterRead(Object key, Object value, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }

  private static long saturatedMillisToNanos(long millis) {
    return millis >= Long.MAX_VALUE / 2_000_000 ? Long.MAX_VALUE / 2
        : Math.max(0, millis) * 1_000_000;
  }

  /** Wall-clock time of a value first written at {@code writeNanos} on the ticker. */
  private long wallMillis(long writeNanos) {
    return clock.millis() - Math.max(0, ticker.read() - writeNanos) / 1_000_000;
  }

  /** L2's eviction sink: live L2 victims move down to L3 (called under L2's lock; takes L3's). */
  private void spillToPersistent(byte[] keyBytes, ByteBuffer valueBytes, long writeNanos) {
    putPersistent(keyBytes, valueBytes, writeNanos);
  }

  private void putPersistent(byte[] keyBytes, ByteBuffer valueBytes, long writeNanos) {
    try {
      if (!l3.put(keyBytes, valueBytes, wallMillis(writeNanos))) {
        stats.oversizeSkip();
      }
    } catch (IllegalStateException closedMeanwhile) {
      // close() raced with this spill: the entry is discarded with the cache.
    }
  }

  /**
   * L1's eviction listener: offers size- and expiry-evicted entries to L2; those L2 rejects or cannot
   * hold go on to L3 (when there is no L2, straight to L3).
   */
  private void spill(K key, V value, RemovalCause cause) {
    coldestHint = null; // volatile write: the next gated write asks Caffeine for the new coldest
    if (key == null || value == null || !cause.wasEvicted() || closed) {
      return;
    }
    stats.spill();
    long now = ticker.read();
    // Caffeine calls this inside the removal's compute, while the entry is still mapped: its write
    // time is readable through the policy for a size eviction (TieredCacheWriteTimeTest checks it).
    long writeNanos = l1WriteNanos(key, cause, now);
    byte[] keyBytes = serializeKey(key);
    byte[] valueBytes = keyBytes == null ? null : serialize(valueSerializer, value);
    if (valueBytes == null) {
      return;
    }
    if (l2 != null) {
      try {
        OffHeapTier.PutResult result =
            l2.put(key.hashCode(), keyBytes, valueBytes, writeNanos, now);
        if (result == OffHeapTier.PutResult.STORED) {
          return;
        }
        if (result == OffHeapTier.PutResult.OVERSIZE && l3 == null) {
          stats.oversizeSkip();
        }
      } catch (IllegalStateException closedMeanwhile) {
        // close() raced with this eviction: the entry is being discarded with the cache.
        return;
      }
    }
    if (l3 != null) {
      putPersistent(keyBytes, ByteBuffer.wrap(valueBytes), writeNanos);
    }
  }

  /**
   * Removes {@code key} from L1, L2 and L3. With promotion, in one Caffeine compute of the key (see
   * {@link #promote}); otherwise L1 first and then below: nothing moves a key up then, and a spill of
   * the L1 value runs before the L1 removal returns, so the removal below sees it.
   */
  private void removeFromTiers(K key) {
    if (promotes) {
      l1Map.compute(key, (k, inL1) -> {
        removeBelow(k);
        return null;
      });
    } else {
      l1.invalidate(key);
      removeBelow(key);
    }
  }

  /** Removes {@code key}'s records from L2 and L3. */
  private void removeBelow(K key) {
    // L2's lock-free residency filter spares the lock when L2 holds no record of the key's hash. A
    // record stored before this call is seen (volatile counters); the spill of an older L1 value of
    // the key ran under L1's lock for the key, which the caller's L1 write took after it, so it is
    // seen too; a concurrent gate-bypassing put of the key is a concurrent write either way.
    boolean inL2 = l2 != null && l2.mayContain(key.hashCode());
    if (!inL2 && l3 == null) {
      return;
    }
    byte[] keyBytes = serializeKey(key);
    if (keyBytes == null) {
      return;
    }
    if (inL2) {
      l2.remove(key.hashCode(), keyBytes);
    }
    if (l3 != null) {
      l3.remove(keyBytes);
    }
  }

  /** Returns the key's bytes, or null (counted) if the serializer failed; never throws. */
  private byte[] serializeKey(K key) {
    return serialize(keySerializer, key);
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

  private V load(K key, Function<? super K, ? extends V> loader) {
    long start = ticker.read();
    V value;
    try {
      value = loader.apply(key);
    } catch (RuntimeException | Error e) {
      recordLoad(false, start);
      throw e;
    }
    recordLoad(value != null, start);
    return value;
  }

  private Map<? extends K, ? extends V> load(Set<K> keys,
      Function<? super Set<? extends K>, ? extends Map<? extends K, ? extends V>> bulkLoader) {
    long start = ticker.read();
    Map<? extends K, ? extends V> loaded;
    try {
      loaded = bulkLoader.apply(keys);
    } catch (RuntimeException | Error e) {
      recordLoad(false, start);
      throw e;
    }
    recordLoad(loaded != null, start);
    return Checks.requireNonNull(loaded, "bulkLoader result");
  }

  private void recordLoad(boolean success, long startNanos) {
    if (recordStats) {
      (success ? stats.requests.loadSuccesses : stats.requests.loadFailures).increment();
      stats.requests.loadNanos.add(ticker.read() - startNanos);
    }
  }

  /** "Not set" for the negative TTL (a valid duration is never negative). */
  private static final long UNSET_NANOS = -1;
  private static final VarHandle LOADS;
  private static final VarHandle GRAPH;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      LOADS = lookup.findVarHandle(TieredCache.class, "loads", ConcurrentHashMap.class);
      GRAPH = lookup.findVarHandle(TieredCache.class, "graph", InvalidationGraph.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }
  /** Gated writes after which the L1 gate asks Caffeine for its coldest key again. */
  private static final int COLDEST_HINT_USES = 8;
  /**
   * L1's expire-after-write when only refresh-ahead needs write times: about 73 years, so that
   * Caffeine keeps write times without expiring anything.
   */
  private static final long NEVER_NANOS = Long.MAX_VALUE / 4;
  /** Most windows l1WriteNanos tries for an expired entry's age (fixed expiry). */
  private static final int MAX_AGE_PROBES = 1 << 12;
  /** How far back l1WriteNanos sets L1's ticker to read an evicted entry's deadline (~73 years). */
  private static final long REWIND_NANOS = 1L << 61;

  private static <V> V await(CompletableFuture<V> load) {
    try {
      return load.join();
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("cache is closed");
    }
  }

  /**
   * Configures and builds a {@link TieredCache}. Every setter may be called at most once.
   *
   * <p>Defaults: L1 expires entries 5 minutes after write, L2 30 minutes after their first write; no
   * expire-after-access. A duration of {@code Long.MAX_VALUE} nanoseconds (about 292 years) or more
   * means "never" (and spares L1 the clock read that expiry costs on every hit); L2 slots of 512
   * bytes; L3 slots of 512 bytes with a 1-day expire-after-write on the UTC system clock; no promotion
   * of L2 or L3 hits; cache-aside writes; system ticker; Caffeine's maintenance on
   * {@link ForkJoinPool#commonPool()}; no statistics.
   *
   * <p><b>Threading:</b> not thread-safe; configure from one thread.
   *
   * @param <K> the key type
   * @param <V> the value type
   */
  public static final class Builder<K, V> {
    private static final long UNSET = -1;

    private long maximumSize = UNSET;
    private long offHeapMaximumSize = UNSET;
    private int offHeapSlotBytes = (int) UNSET;
    private long expireAfterWriteNanos = UNSET;
    private long expireAfterAccessNanos = UNSET;
    private long offHeapExpireAfterWriteNanos = UNSET;
    private long offHeapExpireAfterAccessNanos = UNSET;
    private int promoteAfterHits = (int) UNSET;
    private Path persistentPath;
    private long persistentMaximumSize = UNSET;
    private int persistentSlotBytes = (int) UNSET;
    private long persistentExpireAfterWriteMillis = UNSET;
    private Clock clock;
    private RedisTierSpec remoteTier;
    private long negativeExpireAfterWriteNanos = UNSET_NANOS;
    private long refreshAfterWriteNanos = UNSET_NANOS;
    private Path hotKeysPath;
    private int hotKeysCount;
    private WritePolicy writePolicy = WritePolicy.CACHE_ASIDE;
    private CacheWriter<K, V> writer;
    private int writeBehindBatchSize = (int) UNSET;
    private Duration writeBehindLinger;
    private int writeBehindRetries = (int) UNSET;
    private DeadLetterHandler<WriteOperation<K, V>> writeBehindDeadLetter;
    private MappedLog writeBehindJournal;
    private Duration writeBehindCloseTimeout;
    private Ticker ticker;
    private Executor executor;
    private Serializer<K> keySerializer;
    private Serializer<V> valueSerializer;
    private boolean recordStats;

    private Builder() {}

    /**
     * Sets the number of entries L1 (on-heap) holds.
     *
     * @throws IllegalArgumentException if {@code entries <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> maximumSize(long entries) {
      Checks.requireState(maximumSize == UNSET, "maximum size was already set to %s", maximumSize);
      maximumSize = Checks.checkPositive(entries, "maximumSize");
      return this;
    }

    /**
     * Adds an off-heap tier (L2) of {@code entries} entries. Requires both serializers.
     *
     * <p>{@link #build()} reserves and zeroes all of L2's direct memory up front, as Ehcache 3's
     * off-heap tier does: {@code entries} slots of {@link #offHeapMaximumEntryBytes} + 32 bytes each
     * (544 by default) plus about 60 bytes of metadata per entry (index, links, frequency sketch,
     * admission filters). The trade-off: {@code build()} takes time in proportion (zeroing, and the
     * page faults of first touch; measured figures in {@code docs/caching.md}) and the process's resident size includes all of L2 from the start, but
     * no put ever allocates or zeroes memory, so the write path has no stalls, and the store costs the
     * heap no buffer handles. The memory counts against {@code -XX:MaxDirectMemorySize} (by default
     * the maximum heap size); {@code build()} throws {@link OutOfMemoryError} if it is not available.
     *
     * @throws IllegalArgumentException if {@code entries <= 0} or {@code entries > 2^30}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> offHeapMaximumSize(long entries) {
      Checks.requireState(offHeapMaximumSize == UNSET,
          "off-heap maximum size was already set to %s", offHeapMaximumSize);
      offHeapMaximumSize = Checks.checkInRange(entries, 1, 1 << 30, "offHeapMaximumSize");
      return this;
    }

    /**
     * Sets the largest serialised key + value, in bytes, that L2 holds (each L2 entry reserves this
     * plus a 32-byte header off-heap, whatever its actual size). Larger entries skip L2 (counted as
     * oversize).
     *
     * @throws IllegalArgumentException if {@code bytes <= 0} or {@code bytes > 2^30 - 32}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> offHeapMaximumEntryBytes(int bytes) {
      Checks.requireState(offHeapSlotBytes == UNSET,
          "off-heap maximum entry bytes was already set to %s",
          offHeapSlotBytes - OffHeapTier.HEADER_BYTES);
      Checks.checkInRange(bytes, 1, (1 << 30) - OffHeapTier.HEADER_BYTES, "offHeapMaximumEntryBytes");
      offHeapSlotBytes = bytes + OffHeapTier.HEADER_BYTES;
      return this;
    }

    /**
     * Adds a persistent tier (L3): a file of fixed-size, checksummed record slots that survives a
     * restart. L2's victims (or L1's, without L2) move down into it, and {@link TieredCache#close()}
     * copies L1's and L2's entries into it, so a cache reopened on the same file serves them. Records
     * torn by a crash or damaged on disk fail their CRC32C and are dropped, never served. One cache
     * per file at a time (an OS lock on {@code path + ".lock"}). Requires both serializers; the file
     * is reformatted (emptied) if it was written with another entry count or entry size.
     *
     * @param path the store file (created if missing)
     * @param entries the number of entries L3 holds
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if {@code entries <= 0} or {@code entries > 2^30}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> persistentTier(Path path, long entries) {
      Checks.requireState(persistentPath == null, "persistent tier was already set to %s",
          persistentPath);
      Checks.requireNonNull(path, "path");
      persistentMaximumSize = Checks.checkInRange(entries, 1, 1 << 30, "entries");
      persistentPath = path;
      return this;
    }

    /**
     * Sets the largest serialised key + value, in bytes, that L3 holds (default 512; each L3 entry
     * reserves this plus a 32-byte header, rounded up to 8, in the file). Larger entries skip L3.
     *
     * @throws IllegalArgumentException if {@code bytes <= 0} or {@code bytes > 2^30 - 40}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> persistentMaximumEntryBytes(int bytes) {
      Checks.requireState(persistentSlotBytes == UNSET,
          "persistent maximum entry bytes was already set to %s",
          persistentSlotBytes - PersistentTier.HEADER_BYTES);
      Checks.checkInRange(bytes, 1, (1 << 30) - PersistentTier.HEADER_BYTES - 8,
          "persistentMaximumEntryBytes");
      persistentSlotBytes = (bytes + PersistentTier.HEADER_BYTES + 7) & ~7;
      return this;
    }

    /**
     * Sets how long L3 keeps an entry after it was first written to the cache (default 1 day),
     * measured on the wall clock ({@link #clock(Clock)}) so that it holds across restarts.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> persistentExpireAfterWrite(Duration duration) {
      Checks.requireState(persistentExpireAfterWriteMillis == UNSET,
          "persistentExpireAfterWrite was already set");
      long nanos = nanos(duration, "persistentExpireAfterWrite");
      persistentExpireAfterWriteMillis = nanos == Long.MAX_VALUE ? Long.MAX_VALUE
          : duration.toMillis();
      return this;
    }

    /**
     * Sets the wall clock L3 stamps and expires its records with (default {@link
     * Clock#systemUTC()}); the ticker cannot serve, since its values mean nothing after a restart.
     *
     * @throws NullPointerException if {@code clock} is null
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> clock(Clock clock) {
      Checks.requireState(this.clock == null, "clock was already set");
      this.clock = Checks.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Adds a remote tier: a Redis server shared by every cache built with the same server and cache
     * name, below the local tiers (L1 → L2 → L3 → Redis → loader). Lookups that miss the local tiers
     * read Redis and copy a hit into L1; {@code put} (under every write policy, after the writer for
     * write-through) and loaded values are written there ({@code SET}, or {@code SET NX} for loaded
     * values, with the spec's TTL); {@code invalidate}, {@code delete}, tag and dependency
     * invalidations and {@code invalidateAll} delete there. Every put and invalidation is published
     * on the cache's channel, and the other instances drop their local copies. Redis trouble never
     * fails a call (see {@link RemoteTierListener}). The connection is opened by {@link #build()}
     * (waiting at most a few timeouts; the cache starts degraded without Redis) and closed by
     * {@link TieredCache#close()}. Requires both serializers; keys and values are stored as they
     * serialise. With a {@link #persistentTier persistent tier}, the entries it kept from a previous
     * run are dropped when the cache is built: they missed the invalidations other instances published
     * meanwhile.
     *
     * @throws NullPointerException if {@code spec} is null
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> remoteTier(RedisTierSpec spec) {
      Checks.requireState(remoteTier == null, "remote tier was already set to %s", remoteTier);
      remoteTier = Checks.requireNonNull(spec, "spec");
      return this;
    }

    /**
     * Makes the cache write-through ({@link WritePolicy#WRITE_THROUGH}): {@code put} and
     * {@code delete} call {@code writer} first and change the cache only if it returns normally.
     *
     * @throws NullPointerException if {@code writer} is null
     * @throws IllegalStateException if a writer was already set
     */
    public <K1 extends K, V1 extends V> Builder<K1, V1> writeThrough(CacheWriter<K1, V1> writer) {
      return setWriter(WritePolicy.WRITE_THROUGH, writer);
    }

    /**
     * Makes the cache write-behind ({@link WritePolicy#WRITE_BEHIND}): {@code put} and
     * {@code delete} change the tiers at once and queue the write; a perf-pool batcher (one daemon
     * consumer thread, {@code perfkit-batcher-cache-write-behind}) hands queued writes to
     * {@link CacheWriter#writeAll} in batches, retrying failed batches with backoff and then giving
     * them to the dead-letter handler; {@link TieredCache#close()} stores everything queued.
     *
     * @throws NullPointerException if {@code writer} is null
     * @throws IllegalStateException if a writer was already set
     */
    public <K1 extends K, V1 extends V> Builder<K1, V1> writeBehind(CacheWriter<K1, V1> writer) {
      return setWriter(WritePolicy.WRITE_BEHIND, writer);
    }

    private <K1 extends K, V1 extends V> Builder<K1, V1> setWriter(WritePolicy policy,
        CacheWriter<K1, V1> writer) {
      Checks.requireState(this.writer == null, "a %s writer was already set", writePolicy);
      Checks.requireNonNull(writer, "writer");
      // Safe as in keySerializer: the writer is the only field typed by K1 and V1 set here, and the
      // write-behind settings typed by K and V are narrowed the same way by build().
      @SuppressWarnings("unchecked")
      Builder<K1, V1> self = (Builder<K1, V1>) this;
      self.writer = writer;
      self.writePolicy = policy;
      return self;
    }

    /**
     * Write-behind: the most writes per {@link CacheWriter#writeAll} call (default 256).
     *
     * @throws IllegalArgumentException if {@code writes <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> writeBehindBatchSize(int writes) {
      Checks.requireState(writeBehindBatchSize == UNSET, "writeBehindBatchSize was already set");
      writeBehindBatchSize = Checks.checkPositive(writes, "writeBehindBatchSize");
      return this;
    }

    /**
     * Write-behind: the longest a write waits for its batch to fill (default zero: a batch is what
     * accumulated while the writer handled the previous one).
     *
     * @throws NullPointerException if {@code linger} is null
     * @throws IllegalArgumentException if {@code linger} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> writeBehindLinger(Duration linger) {
      Checks.requireState(writeBehindLinger == null, "writeBehindLinger was already set");
      nanos(linger, "writeBehindLinger");
      writeBehindLinger = linger;
      return this;
    }

    /**
     * Write-behind: retries of a failed batch before it is dead-lettered (default 3; backoff 10 ms
     * doubling to 1 s).
     *
     * @throws IllegalArgumentException if {@code retries < 0}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> writeBehindRetries(int retries) {
      Checks.requireState(writeBehindRetries == UNSET, "writeBehindRetries was already set");
      writeBehindRetries = Checks.checkNonNegative(retries, "writeBehindRetries");
      return this;
    }

    /**
     * Write-behind: receives batches that failed every retry (default none: they are kept and
     * reported by {@link TieredCache#close()} in a {@link CacheWriterException}).
     *
     * @throws NullPointerException if {@code handler} is null
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> writeBehindDeadLetterHandler(
        DeadLetterHandler<WriteOperation<K, V>> handler) {
      Checks.requireState(writeBehindDeadLetter == null, "writeBehindDeadLetterHandler was already set");
      writeBehindDeadLetter = Checks.requireNonNull(handler, "handler");
      return this;
    }

    /**
     * Write-behind: appends every accepted write to {@code log} (with the key and value serializers)
     * before {@code put} returns, and replays the writes accepted but not stored before a crash when
     * the cache is built (at-least-once: a batch stored just before the crash may be written again).
     * The caller owns the log and closes it after the cache.
     *
     * @throws NullPointerException if {@code log} is null
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> writeBehindJournal(MappedLog log) {
      Checks.requireState(writeBehindJournal == null, "writeBehindJournal was already set");
      writeBehindJournal = Checks.requireNonNull(log, "log");
      return this;
    }

    /**
     * Write-behind: how long {@link TieredCache#close()} waits for queued writes (default 30 s).
     *
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalArgumentException if {@code timeout} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> writeBehindCloseTimeout(Duration timeout) {
      Checks.requireState(writeBehindCloseTimeout == null, "writeBehindCloseTimeout was already set");
      nanos(timeout, "writeBehindCloseTimeout");
      writeBehindCloseTimeout = timeout;
      return this;
    }

    /**
     * Saves the {@code count} hottest L1 keys (by Caffeine's eviction policy, with the key
     * serializer) to {@code path} at {@link TieredCache#close()}, and reads the list saved by the
     * previous cache when this one is built: see {@link TieredCache#persistedHotKeys()}. The file is
     * replaced atomically and checksummed; a damaged one reads as empty.
     *
     * @throws NullPointerException if {@code path} is null
     * @throws IllegalArgumentException if {@code count <= 0}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> hotKeysFile(Path path, int count) {
      Checks.requireState(hotKeysPath == null, "hotKeysFile was already set to %s", hotKeysPath);
      Checks.requireNonNull(path, "path");
      hotKeysCount = Checks.checkPositive(count, "count");
      hotKeysPath = path;
      return this;
    }

    /**
     * Turns on refresh-ahead: a {@code get(key, loader)} that hits an L1 entry written at least
     * {@code duration} ago returns that value at once and reloads the key with the same loader on the
     * builder's {@link #executor(Executor) executor} (one refresh per key at a time). The reloaded
     * value replaces the entry unless it changed meanwhile; a failing reload keeps the old value
     * (counted as a load failure). Entries served from L2 or L3 are refreshed too (their age counts
     * from their first write): the reloaded value goes to L1, as a load's result does, unless L1
     * got a value for the key meanwhile. Set it shorter than {@code expireAfterWrite} so that hot
     * entries never expire. Default off.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> refreshAfterWrite(Duration duration) {
      Checks.requireState(refreshAfterWriteNanos == UNSET_NANOS,
          "refreshAfterWrite was already set");
      long nanos = nanos(duration, "refreshAfterWrite");
      Checks.requireArgument(nanos > 0, "refreshAfterWrite: %s (expected: > 0)", duration);
      refreshAfterWriteNanos = nanos;
      return this;
    }

    /**
     * Turns on negative caching: when a loader (or a bulk loader) finds no value for a key, the
     * absence is remembered on the heap for {@code duration} (at most {@code maximumSize} keys), and
     * {@code get(key, loader)} and {@code getAll} return without calling the loader again until then.
     * A {@code put}, {@code invalidate} or {@code delete} of the key forgets the absence. Default off.
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is not positive
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> negativeExpireAfterWrite(Duration duration) {
      Checks.requireState(negativeExpireAfterWriteNanos == UNSET_NANOS,
          "negativeExpireAfterWrite was already set");
      long nanos = nanos(duration, "negativeExpireAfterWrite");
      Checks.requireArgument(nanos > 0, "negativeExpireAfterWrite: %s (expected: > 0)", duration);
      negativeExpireAfterWriteNanos = nanos;
      return this;
    }

    /**
     * Sets how long L1 keeps an entry after it was written (default 5 minutes).
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> expireAfterWrite(Duration duration) {
      Checks.requireState(expireAfterWriteNanos == UNSET, "expireAfterWrite was already set");
      expireAfterWriteNanos = nanos(duration, "expireAfterWrite");
      return this;
    }

    /**
     * Sets how long L1 keeps an entry after its last read or write (default: no limit).
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> expireAfterAccess(Duration duration) {
      Checks.requireState(expireAfterAccessNanos == UNSET, "expireAfterAccess was already set");
      expireAfterAccessNanos = nanos(duration, "expireAfterAccess");
      return this;
    }

    /**
     * Sets how long L2 keeps an entry after it was first written to the cache (default 30 minutes).
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> offHeapExpireAfterWrite(Duration duration) {
      Checks.requireState(offHeapExpireAfterWriteNanos == UNSET,
          "offHeapExpireAfterWrite was already set");
      offHeapExpireAfterWriteNanos = nanos(duration, "offHeapExpireAfterWrite");
      return this;
    }

    /**
     * Sets how long L2 keeps an entry after it entered L2 or was last read there (default: no limit).
     *
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if {@code duration} is negative
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> offHeapExpireAfterAccess(Duration duration) {
      Checks.requireState(offHeapExpireAfterAccessNanos == UNSET,
          "offHeapExpireAfterAccess was already set");
      offHeapExpireAfterAccessNanos = nanos(duration, "offHeapExpireAfterAccess");
      return this;
    }

    /**
     * Moves an L2 entry up to L1 on its {@code hits}-th hit in L2; 0 (the default) never moves entries
     * up. The hit-ratio study found promotion lowers the hit ratio; it trades that for cheaper hits.
     * With promotion on, invalidations and writes the L1 gate turns away also take L1's lock for the key
     * (a Caffeine {@code compute}), so that a promotion never brings back an invalidated value.
     *
     * @throws IllegalArgumentException if {@code hits} is not in {@code [0, 127]}
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> promoteAfterHits(int hits) {
      Checks.requireState(promoteAfterHits == UNSET, "promoteAfterHits was already set to %s",
          promoteAfterHits);
      promoteAfterHits = Checks.checkInRange(hits, 0, Byte.MAX_VALUE, "promoteAfterHits");
      return this;
    }

    /**
     * Sets the time source for expiry and load timing.
     *
     * @throws NullPointerException if {@code ticker} is null
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> ticker(Ticker ticker) {
      Checks.requireState(this.ticker == null, "ticker was already set");
      this.ticker = Checks.requireNonNull(ticker, "ticker");
      return this;
    }

    /**
     * Sets the executor of L1's maintenance (Caffeine's); {@code Runnable::run} makes it run on the
     * calling thread, deterministically.
     *
     * @throws NullPointerException if {@code executor} is null
     * @throws IllegalStateException if already set
     */
    public Builder<K, V> executor(Executor executor) {
      Checks.requireState(this.executor == null, "executor was already set");
      this.executor = Checks.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * Sets how keys are stored in byte tiers; equal keys must give equal bytes.
     *
     * @throws NullPointerException if {@code serializer} is null
     * @throws IllegalStateException if already set
     */
    public <K1 extends K> Builder<K1, V> keySerializer(Serializer<K1> serializer) {
      Checks.requireState(keySerializer == null, "key serializer was already set");
      Checks.requireNonNull(serializer, "serializer");
      // Safe: no other field depends on K, and the only K-typed field is set here to a K1 serializer.
      @SuppressWarnings("unchecked")
      Builder<K1, V> self = (Builder<K1, V>) this;
      self.keySerializer = serializer;
      return self;
    }

    /**
     * Sets how values are stored in byte tiers.
     *
     * @throws NullPointerException if {@code serializer} is null
     * @throws IllegalStateException if already set
     */
    public <V1 extends V> Builder<K, V1> valueSerializer(Serializer<V1> serializer) {
      Checks.requireState(valueSerializer == null, "value serializer was already set");
      Checks.requireNonNull(serializer, "serializer");
      // Safe: no other field depends on V, and the only V-typed field is set here to a V1 serializer.
      @SuppressWarnings("unchecked")
      Builder<K, V1> self = (Builder<K, V1>) this;
      self.valueSerializer = serializer;
      return self;
    }

    /** Makes {@link TieredCache#stats()} count hits, misses and loads (a striped add per request). */
    public Builder<K, V> recordStats() {
      recordStats = true;
      return this;
    }

    /**
     * Builds the cache.
     *
     * @throws IllegalStateException if {@code maximumSize} is unset, or an off-heap or persistent
     *     tier is configured without both serializers
     * @throws java.io.UncheckedIOException if the persistent tier's file cannot be created, mapped or
     *     locked
     */
    public <K1 extends K, V1 extends V> TieredCache<K1, V1> build() {
      Checks.requireState(maximumSize != UNSET, "maximumSize must be set");
      boolean offHeap = offHeapMaximumSize != UNSET;
      Checks.requireState(!offHeap || (keySerializer != null && valueSerializer != null),
          "an off-heap tier needs keySerializer and valueSerializer");
      Checks.requireState(hotKeysPath == null || keySerializer != null,
          "a hot-keys file needs keySerializer");
      Checks.requireState(persistentPath == null
          || (keySerializer != null && valueSerializer != null),
          "a persistent tier needs keySerializer and valueSerializer");
      Checks.requireState(remoteTier == null || (keySerializer != null && valueSerializer != null),
          "a remote tier needs keySerializer and valueSerializer");
      boolean writeBehindSet = writeBehindBatchSize != UNSET || writeBehindLinger != null
          || writeBehindRetries != UNSET || writeBehindDeadLetter != null
          || writeBehindJournal != null || writeBehindCloseTimeout != null;
      Checks.requireState(!writeBehindSet || writePolicy == WritePolicy.WRITE_BEHIND,
          "write-behind settings need writeBehind(writer)");
      Checks.requireState(writeBehindJournal == null
          || (keySerializer != null && valueSerializer != null),
          "a write-behind journal needs keySerializer and valueSerializer");
      refreshAfterWriteNanos = refreshAfterWriteNanos == UNSET_NANOS
          ? Long.MAX_VALUE : refreshAfterWriteNanos;
      writeBehindBatchSize = writeBehindBatchSize == UNSET ? 256 : writeBehindBatchSize;
      writeBehindLinger = writeBehindLinger == null ? Duration.ZERO : writeBehindLinger;
      writeBehindRetries = writeBehindRetries == UNSET ? 3 : writeBehindRetries;
      writeBehindCloseTimeout = writeBehindCloseTimeout == null
          ? Duration.ofSeconds(30) : writeBehindCloseTimeout;
      if (persistentSlotBytes == UNSET) {
        persistentSlotBytes = 512 + PersistentTier.HEADER_BYTES;
      }
      if (persistentExpireAfterWriteMillis == UNSET) {
        persistentExpireAfterWriteMillis = Duration.ofDays(1).toMillis();
      }
      if (expireAfterWriteNanos == UNSET) {
        expireAfterWriteNanos = Duration.ofMinutes(5).toNanos();
      }
      if (offHeapExpireAfterWriteNanos == UNSET) {
        offHeapExpireAfterWriteNanos = Duration.ofMinutes(30).toNanos();
      }
      expireAfterAccessNanos = expireAfterAccessNanos == UNSET ? Long.MAX_VALUE : expireAfterAccessNanos;
      offHeapExpireAfterAccessNanos = offHeapExpireAfterAccessNanos == UNSET
          ? Long.MAX_VALUE : offHeapExpireAfterAccessNanos;
      offHeapSlotBytes = offHeapSlotBytes == UNSET ? 512 + OffHeapTier.HEADER_BYTES : offHeapSlotBytes;
      promoteAfterHits = Math.max(0, promoteAfterHits);
      offHeapMaximumSize = Math.max(0, offHeapMaximumSize);
      // Safe in the way Caffeine's build() is: the caller narrows K and V for its own use; the
      // serializers it set are typed by what it passed.
      @SuppressWarnings("unchecked")
      Builder<K1, V1> self = (Builder<K1, V1>) this;
      return new TieredCache<>(self);
    }

    private static long nanos(Duration duration, String name) {
      Checks.requireNonNull(duration, name);
      Checks.requireArgument(!duration.isNegative(), "%s: %s (expected: >= 0)", name, duration);
      return duration.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0
          ? Long.MAX_VALUE : duration.toNanos();
    }
  }
}
