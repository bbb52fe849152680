package io.perfkit.cache.internal;

import io.perfkit.cache.Serializer;
import io.perfkit.core.internal.Checks;
import java.nio.ByteBuffer;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The off-heap tier (L2): serialised records in a {@link SlotStore}, a primitive open-addressing index,
 * TinyLFU admission and segmented-LRU eviction, per-entry expiry. No per-entry Java objects and no
 * per-entry heap bytes: the list links, segment and hit count, the index cells and the frequency
 * sketch's table are in direct memory, and hash, write time and expiry in the off-heap record header,
 * so the tier's heap footprint is a few fixed objects whatever its capacity.
 *
 * <p><b>Threading:</b> thread-safe; every operation but {@link #mayContain} runs under one
 * {@link ReentrantLock}, so the lock's happens-before edges publish the direct memory and the slot
 * bytes between threads ({@link #mayContain} reads the residency filter's volatile counters). (The
 * tier's own monitor instead would save the lock's 48 bytes of heap, but measured slower: an L2 hit
 * took 1-2 µs instead of 0.3 for the first seconds of a JMH run, settling at 0.32.)
 * <b>Progress:</b> blocking.
 */
public final class OffHeapTier implements AutoCloseable {
  /*
   * Design (chosen by the hit-ratio study in docs/caching.md):
   *
   * The tier is the *main* region of a W-TinyLFU cache whose *window* is the on-heap Caffeine L1
   * [1]. L1's victims, and the writes L1's gate turns away (prefers()), are offered here; when the tier is full the candidate is admitted only if the
   * shared frequency sketch estimates it more popular than the tier's own victim (the head of the
   * probation segment), else the candidate is dropped. Adaptive: an AdmissionDuel replays a sampled
   * share of this tier's requests through a miniature LRU and a miniature TinyLFU; while the LRU
   * clearly wins (popularity shifting faster than the sketch forgets), admission takes every
   * candidate here and the gate lets every write into L1 (recencyMode()). Entries are not moved up
   * on an L2 hit unless promoteAfter > 0: measured, immediate promotion costs 2-15 points of hit ratio because it churns
   * L1 and throws away the entry's protected status here.
   *
   * Segmented LRU: new entries enter probation (20 %); a hit moves an entry to protected (80 %),
   * whose overflow is demoted to probation's tail. Both segments are circular doubly linked lists
   * threaded through off-heap int arrays, with sentinels at indices capacity (probation) and
   * capacity + 1 (protected). A third off-heap int per slot holds its segment (bits 0-7) and its hit
   * count (bits 8-15).
   *
   * Index: a SlotIndex (linear probing, backward-shift deletion) over the slot store, which keeps
   * each slot's 32-bit hash and compares key bytes in place.
   *
   * [1] G. Einziger, R. Friedman, B. Manes. TinyLFU: A Highly Efficient Cache Admission Policy.
   *     ACM Transactions on Storage, 2017.
   */

  /** What happened to a {@link #put}. */
  public enum PutResult {
    /** Stored (new, or replacing the key's previous record). */
    STORED,
    /** The frequency filter preferred the tier's current victim; nothing stored. */
    REJECTED,
    /** The record does not fit in a slot; nothing stored, any previous record removed. */
    OVERSIZE
  }

  /**
   * Receives the live entries this tier evicts to make room (expired ones are not handed over), e.g.
   * to spill them into a lower tier. Called under the tier's lock: it must not call back into the tier.
   */
  @FunctionalInterface
  public interface EvictionSink {
    /**
     * Takes one evicted record.
     *
     * @param key the key bytes (a fresh copy)
     * @param value the value bytes from position to limit; a shared view valid only during the call
     * @param writeNanos when the value was first written
     */
    void evicted(byte[] key, ByteBuffer value, long writeNanos);
  }

  /**
   * A value found by {@link #get}; {@code promote} says its hits reached the promotion threshold (the
   * record stays: the caller moves it up with {@link #take} under L1's lock for the key).
   */
  public record Hit<V>(V value, long writeNanos, boolean promote) {}

  /** The sketch estimate from which {@link #prefers} gives a tie to the candidate. */
  private static final int WARM_TIE = 2;
  private static final int FREE = 0;
  private static final int PROBATION = 1;
  private static final int PROTECTED = 2;

  private final ReentrantLock lock = new ReentrantLock();
  private final int capacity;
  private final int protectedCapacity;
  private final SlotStore store;
  private final FrequencySketch sketch;
  /** Decides from this tier's requests whether admission filters by frequency or admits everything. */
  private final AdmissionDuel duel;
  /**
   * The duel's mode, mirrored for lock-free readers (the L1 gate): written under the lock when the
   * mode changes, read with a volatile load.
   */
  private volatile boolean recencyMode;
  private final long expireAfterWriteNanos;
  private final long expireAfterAccessNanos;
  private final int promoteAfter;
  private final EvictionSink evictionSink;

  private final DirectMemory memory;
  /**
   * The int index of the list links and metadata in {@code memory}: {@code prev} (capacity + 2 with
   * the sentinels), then {@code next} (as many), then {@code meta} (per slot: segment in bits 0-7, hit
   * count saturating at 127 in bits 8-15), each region at an even index (one field instead of three).
   */
  private final long prevBase;
  /** Head of the free-slot stack, threaded through {@code next}; -1 when empty. */
  private int freeHead;
  private int size;
  private int protectedSize;
  private long evictions;
  private long rejections;
  private boolean closed;

  /**
   * Creates an empty tier.
   *
   * @param capacity the maximum number of entries
   * @param slotBytes bytes per slot: the largest record ({@link #HEADER_BYTES} + key + value) it holds
   * @param sketch the frequency sketch shared with the cache (accessed under this tier's lock only)
   * @param expireAfterWriteNanos lifetime from the entry's first write, or {@code Long.MAX_VALUE}
   * @param expireAfterAccessNanos lifetime from the last read here, or {@code Long.MAX_VALUE}
   * @param promoteAfter hits after which {@link #get} reports the entry due for promotion; 0 = never
   * @param evictionSink receives live evicted records, or {@code null}
   */
  public OffHeapTier(int capacity, int slotBytes, FrequencySketch sketch, long expireAfterWriteNanos,
      long expireAfterAccessNanos, int promoteAfter, EvictionSink evictionSink) {
    this(capacity, slotBytes, Checks.requireNonNull(sketch, "sketch"), 0, expireAfterWriteNanos,
        expireAfterAccessNanos, promoteAfter, evictionSink);
  }

  /**
   * Creates an empty tier with a frequency sketch of its own, sized for {@code sketchEntries} entries
   * (the cache's, over every tier); the sketch shares the tier's one direct allocation.
   *
   * @param capacity the maximum number of entries
   * @param slotBytes bytes per slot: the largest record ({@link #HEADER_BYTES} + key + value) it holds
   * @param sketchEntries the number of entries the sketch counts for, {@code > 0}
   * @param expireAfterWriteNanos lifetime from the entry's first write, or {@code Long.MAX_VALUE}
   * @param expireAfterAccessNanos lifetime from the last read here, or {@code Long.MAX_VALUE}
   * @param promoteAfter hits after which {@link #get} reports the entry due for promotion; 0 = never
   * @param evictionSink receives live evicted records, or {@code null}
   * @throws IllegalArgumentException if {@code sketchEntries <= 0}
   */
  public OffHeapTier(int capacity, int slotBytes, long sketchEntries, long expireAfterWriteNanos,
      long expireAfterAccessNanos, int promoteAfter, EvictionSink evictionSink) {
    this(capacity, slotBytes, null, Checks.checkPositive(sketchEntries, "sketchEntries"),
        expireAfterWriteNanos, expireAfterAccessNanos, promoteAfter, evictionSink);
  }

  private OffHeapTier(int capacity, int slotBytes, FrequencySketch givenSketch, long sketchEntries,
      long expireAfterWriteNanos, long expireAfterAccessNanos, int promoteAfter,
      EvictionSink evictionSink) {
    // Every fixed-size off-heap array of the tier in one direct allocation: each direct buffer costs
    // the heap 136 bytes of handles (see DirectMemory), the tier's only heap cost besides its fields.
    DirectMemory.Layout layout = new DirectMemory.Layout();
    long sketchAt = givenSketch == null ? layout.longs(FrequencySketch.tableLength(sketchEntries)) : 0;
    long indexAt = layout.ints(SlotIndex.tableLength(capacity));
    long residencyAt = layout.ints(ResidencyFilter.buckets(capacity));
    long prevAt = layout.ints(capacity + 2);
    long nextAt = layout.ints(capacity + 2);
    long metaAt = layout.ints(capacity);
    long duelAt = layout.ints(AdmissionDuel.ints(capacity));
    // The whole slot store is allocated (and zeroed) here, in the same allocation when it fits (it
    // then costs no heap handles of its own), otherwise in slabs of up to 1 GiB: no put ever allocates
    // or zeroes memory.
    long storeInts = ((long) capacity * slotBytes + Integer.BYTES - 1) / Integer.BYTES;
    boolean shared = layout.size() + storeInts <= DirectMemory.BUFFER_INTS;
    long storeAt = shared ? layout.ints(storeInts) : 0;
    DirectMemory memory = layout.allocate();
    this.evictionSink = evictionSink;
    this.capacity = capacity;
    this.protectedCapacity = (int) (capacity * 0.8);
    this.store = shared
        ? new ByteBufferSlotStore(capacity, slotBytes, memory.buffer(), (int) (storeAt * Integer.BYTES))
        : new ByteBufferSlotStore(capacity, slotBytes, ByteBufferSlotStore.MAX_SLAB_BYTES);
    this.sketch = givenSketch != null ? givenSketch
        : new FrequencySketch(sketchEntries, FrequencySketch.SAMPLES_PER_ENTRY, memory, sketchAt);
    this.duel = new AdmissionDuel(capacity, sketch, memory, duelAt);
    this.expireAfterWriteNanos = expireAfterWriteNanos;
    this.expireAfterAccessNanos = expireAfterAccessNanos;
    this.promoteAfter = promoteAfter;
    this.memory = memory;
    this.prevBase = prevAt;
    assert indexAt == indexBase() && residencyAt == residencyBase() && nextAt == nextBase() && metaAt == metaBase()
        : "index, filter and links laid out back to back";
    clearLocked();
  }

  /** Bytes of per-record header stored off-heap next to the key and value. */
  public static final int HEADER_BYTES = SlotStore.HEADER_BYTES;

  /** Returns the largest key + value byte count a slot can hold. */
  public int maximumPayloadBytes() {
    return store.slotBytes() - SlotStore.HEADER_BYTES;
  }

  /** Records one request for {@code hash} in the shared frequency sketch. */
  public void recordAccess(int hash) {
    lock.lock();
    try {
      sketch.increment(hash);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns whether the tiers currently admit by recency rather than frequency: the tier's
   * {@link AdmissionDuel} found an LRU beating a TinyLFU filter on its recent requests, so this tier
   * admits every candidate and {@link #prefers} every newcomer. Lock-free (a volatile read); may lag
   * the tier's own decision by the requests in flight.
   */
  public boolean recencyMode() {
    return recencyMode;
  }

  /**
   * Returns the shared sketch's estimate of how often {@code hash} was requested recently.
   *
   * @throws IllegalStateException if the tier is closed
   */
  public int frequency(int hash) {
    lock.lock();
    try {
      checkOpen();
      return sketch.frequency(hash);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns whether the shared sketch rates {@code candidateHash} more popular than
   * {@code incumbentHash} (the L1 admission gate's test); always true in {@link #recencyMode}. A tie
   * goes to the candidate when both are warm (estimated at least {@value #WARM_TIE} requests): among
   * warm keys recency breaks the tie; among cold ones the incumbent keeps its place, so that loops and
   * scans do not churn L1.
   *
   * @throws IllegalStateException if the tier is closed
   */
  public boolean prefers(int candidateHash, int incumbentHash) {
    lock.lock();
    try {
      checkOpen();
      if (duel.recencyMode()) {
        return true;
      }
      int candidate = sketch.frequency(candidateHash);
      int incumbent = sketch.frequency(incumbentHash);
      return candidate > incumbent || (candidate == incumbent && candidate >= WARM_TIE);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Looks {@code key} up, counting the request in the sketch; expired entries are removed and missed.
   *
   * @return the hit, or {@code null} on a miss
   * @throws RuntimeException whatever {@code serializer} throws (the entry is removed), or
   *     {@link IllegalStateException} if it returns {@code null} (the entry is removed)
   */
  public <V> Hit<V> get(int hash, byte[] key, Serializer<V> serializer, long nowNanos) {
    lock.lock();
    try {
      checkOpen();
      sketch.increment(hash);
      if (duel.record(hash)) {
        // Volatile write: the gate's lock-free read sees the new mode from its next write on.
        recencyMode = duel.recencyMode();
      }
      int slot = liveSlot(hash, key, nowNanos);
      if (slot < 0) {
        return null;
      }
      V value = read(slot, serializer);
      long written = store.writeNanos(slot);
      int hitCount = Math.min(Byte.MAX_VALUE, hits(slot) + 1);
      setMeta(slot, segment(slot) | hitCount << 8);
      store.expiresAtNanos(slot, expiresAt(written, nowNanos));
      onHit(slot);
      return new Hit<>(value, written, promoteAfter > 0 && hitCount >= promoteAfter);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes {@code key}'s live record and returns its value (to move it up to L1), without counting a
   * request; an expired record is removed and missed.
   *
   * @return the record's value and write time ({@code promote} true), or {@code null} if there is none
   * @throws RuntimeException whatever {@code serializer} throws, or {@link IllegalStateException} if it
   *     returns {@code null} (the record is removed either way)
   */
  public <V> Hit<V> take(int hash, byte[] key, Serializer<V> serializer, long nowNanos) {
    lock.lock();
    try {
      checkOpen();
      int slot = liveSlot(hash, key, nowNanos);
      if (slot < 0) {
        return null;
      }
      long written = store.writeNanos(slot);
      V value = read(slot, serializer);
      removeSlot(slot);
      return new Hit<>(value, written, true);
    } finally {
      lock.unlock();
    }
  }

  /** Under the lock: {@code key}'s slot, or -1 if it has none or its record expired (then removed). */
  private int liveSlot(int hash, byte[] key, long nowNanos) {
    int slot = SlotIndex.find(memory, indexBase(), capacity, store, hash, key);
    if (slot >= 0 && nowNanos - store.expiresAtNanos(slot) >= 0) {
      evictions++;
      removeSlot(slot);
      return -1;
    }
    return slot;
  }

  /** Under the lock: deserializes the slot's value; a failing or null-returning serializer removes it. */
  private <V> V read(int slot, Serializer<V> serializer) {
    V value;
    try {
      value = serializer.deserialize(store.value(slot));
    } catch (RuntimeException e) {
      removeSlot(slot);
      throw e;
    }
    if (value == null) {
      removeSlot(slot);
      throw new IllegalStateException("value serializer " + serializer + " returned null");
    }
    return value;
  }

  /**
   * Stores a record: replaces the key's record if present, else admits it through the frequency
   * filter when the tier is full.
   *
   * @param writeNanos when the value was first written (expire-after-write counts from here)
   */
  public PutResult put(int hash, byte[] key, byte[] value, long writeNanos, long nowNanos) {
    lock.lock();
    try {
      checkOpen();
      int slot = SlotIndex.find(memory, indexBase(), capacity, store, hash, key);
      if (SlotStore.HEADER_BYTES + (long) key.length + value.length > store.slotBytes()) {
        if (slot >= 0) {
          removeSlot(slot);
        }
        return PutResult.OVERSIZE;
      }
      if (slot >= 0) {
        store.write(slot, hash, key, value, writeNanos, expiresAt(writeNanos, nowNanos));
        return PutResult.STORED;
      }
      if (freeHead < 0 && !makeRoom(hash, nowNanos)) {
        rejections++;
        return PutResult.REJECTED;
      }
      slot = freeHead;
      freeHead = getNext(slot);
      setMeta(slot, FREE);
      store.write(slot, hash, key, value, writeNanos, expiresAt(writeNanos, nowNanos));
      SlotIndex.insert(memory, indexBase(), capacity, hash, slot);
      ResidencyFilter.increment(memory, residencyBase(), capacity, hash);
      linkLast(PROBATION, slot);
      size++;
      return PutResult.STORED;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Returns false only if the tier holds no record of {@code hash}; without taking the lock. A record
   * stored before this call began (its {@link #put} returned) is seen; one being stored concurrently
   * may or may not be.
   */
  public boolean mayContain(int hash) {
    return ResidencyFilter.mayContain(memory, residencyBase(), capacity, hash);
  }

  /** Removes {@code key}'s record; returns whether there was one. */
  public boolean remove(int hash, byte[] key) {
    lock.lock();
    try {
      checkOpen();
      int slot = SlotIndex.find(memory, indexBase(), capacity, store, hash, key);
      if (slot < 0) {
        return false;
      }
      removeSlot(slot);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes every record (the frequency sketch keeps its counts, the admission duel its mode). */
  public void clear() {
    lock.lock();
    try {
      checkOpen();
      clearLocked();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Hands every live record to {@code sink}, probation first, then protected from least to most
   * recently used (so a receiver that evicts oldest-first keeps the hottest), without removing them.
   */
  public void forEach(EvictionSink sink, long nowNanos) {
    lock.lock();
    try {
      checkOpen();
      for (int sentinel : new int[] {probationSentinel(), protectedSentinel()}) {
        for (int slot = getNext(sentinel); slot != sentinel; slot = getNext(slot)) {
          if (nowNanos - store.expiresAtNanos(slot) < 0) {
            sink.evicted(store.key(slot), store.value(slot), store.writeNanos(slot));
          }
        }
      }
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of records, expired ones not yet removed included. */
  public int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Returns {@code {evictions, rejections}} counted so far. */
  public long[] counters() {
    lock.lock();
    try {
      return new long[] {evictions, rejections};
    } finally {
      lock.unlock();
    }
  }

  /** Releases the off-heap memory; later calls other than {@code close}, size and counters throw. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (!closed) {
        closed = true;
        store.close();
      }
    } finally {
      lock.unlock();
    }
  }

  // --------------- eviction ---------------

  /** Frees one slot for a candidate with {@code hash}, or returns false if the candidate lost. */
  private boolean makeRoom(int hash, long nowNanos) {
    int sentinel = getNext(probationSentinel()) != probationSentinel()
        ? probationSentinel() : protectedSentinel();
    int victim = getNext(sentinel);
    boolean expired = nowNanos - store.expiresAtNanos(victim) >= 0;
    if (!expired && !duel.recencyMode()
        && sketch.frequency(hash) <= sketch.frequency(store.hash(victim))) {
      return false;
    }
    evictions++;
    if (!expired && evictionSink != null) {
      evictionSink.evicted(store.key(victim), store.value(victim), store.writeNanos(victim));
    }
    removeSlot(victim);
    return true;
  }

  private void onHit(int slot) {
    if (segment(slot) == PROTECTED) {
      unlink(slot);
      linkLast(PROTECTED, slot);
      return;
    }
    unlink(slot);
    linkLast(PROTECTED, slot);
    if (protectedSize > protectedCapacity) {
      int demoted = getNext(protectedSentinel());
      unlink(demoted);
      linkLast(PROBATION, demoted);
    }
  }

  private long expiresAt(long written, long nowNanos) {
    return Math.min(saturatedAdd(written, expireAfterWriteNanos),
        saturatedAdd(nowNanos, expireAfterAccessNanos));
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  // --------------- segmented LRU lists ---------------

  private int probationSentinel() {
    return capacity;
  }

  private int protectedSentinel() {
    return capacity + 1;
  }

  private int segment(int slot) {
    return getMeta(slot) & 0xFF;
  }

  private int hits(int slot) {
    return getMeta(slot) >>> 8 & 0xFF;
  }

  private void linkLast(int to, int slot) {
    int sentinel = to == PROBATION ? probationSentinel() : protectedSentinel();
    int last = getPrev(sentinel);
    setPrev(slot, last);
    setNext(slot, sentinel);
    setNext(last, slot);
    setPrev(sentinel, slot);
    setMeta(slot, to | hits(slot) << 8);
    if (to == PROTECTED) {
      protectedSize++;
    }
  }

  private void unlink(int slot) {
    setNext(getPrev(slot), getNext(slot));
    setPrev(getNext(slot), getPrev(slot));
    if (segment(slot) == PROTECTED) {
      protectedSize--;
    }
    setMeta(slot, FREE | hits(slot) << 8);
  }

  private void removeSlot(int slot) {
    ResidencyFilter.decrement(memory, residencyBase(), capacity, store.hash(slot));
    SlotIndex.remove(memory, indexBase(), capacity, store, slot);
    unlink(slot);
    setNext(slot, freeHead);
    freeHead = slot;
    size--;
  }

  private void clearLocked() {
    SlotIndex.clear(memory, indexBase(), capacity);
    ResidencyFilter.clear(memory, residencyBase(), capacity);
    memory.fill(metaBase(), capacity, FREE);
    for (int sentinel = capacity; sentinel < capacity + 2; sentinel++) {
      setPrev(sentinel, sentinel);
      setNext(sentinel, sentinel);
    }
    for (int i = 0; i < capacity; i++) {
      setNext(i, i + 1 < capacity ? i + 1 : -1);
    }
    freeHead = 0;
    size = 0;
    protectedSize = 0;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("off-heap tier is closed");
    }
  }

  /** The index's table: the ints right before the residency filter's (no field locates them). */
  private long indexBase() {
    return residencyBase() - SlotIndex.tableLength(capacity); // a power of two: even
  }

  /**
   * The residency filter (the hashes held, readable without the lock: lets writers skip removing
   * absent keys): its counters are the ints right before {@code prev}, so no field locates them.
   */
  private long residencyBase() {
    return prevBase - ((ResidencyFilter.buckets(capacity) + 1) & ~1);
  }

  private long nextBase() {
    return prevBase + ((capacity + 3) & ~1); // prev's capacity + 2 ints, rounded up to even
  }

  private long metaBase() {
    return nextBase() + ((capacity + 3) & ~1);
  }

  private int getPrev(int index) {
    return memory.getInt(prevBase + index);
  }

  private void setPrev(int index, int value) {
    memory.setInt(prevBase + index, value);
  }

  private int getNext(int index) {
    return memory.getInt(nextBase() + index);
  }

  private void setNext(int index, int value) {
    memory.setInt(nextBase() + index, value);
  }

  private int getMeta(int index) {
    return memory.getInt(metaBase() + index);
  }

  private void setMeta(int index, int value) {
    memory.setInt(metaBase() + index, value);
  }
}
