package io.perfkit.core.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Finds the calling platform thread's {@link ThreadOwned} state (a pool's thread cache) without a
 * {@code ThreadLocal}: an open-addressed table indexed by the low bits of
 * {@link Thread#getId()}. The common case is two independent array loads (slot and owner id) and a
 * compare; a {@code ThreadLocal} lookup cost as much as the rest of a pool's fast path in our
 * measurements.
 *
 * <p>A thread claims a free slot (empty, or whose owner has died and been collected) by CAS within
 * {@link #MAX_PROBES} probes of its home slot; a thread that finds none, and every virtual thread, gets
 * null and should use the pool's shared store. The states hang off the table (and so off the
 * pool), never off the threads: dropping the pool frees them.
 *
 * <p>Thread-safe. A state is published by the CAS that installs it (and its fields are final), so
 * a plain read of the slot that finds the caller's own state sees it fully constructed.
 */
final class ThreadTable<C extends ThreadOwned> {
  static final int MAX_PROBES = 8;

  private static final VarHandle SLOTS = MethodHandles.arrayElementVarHandle(ThreadOwned[].class);

  /**
   * Typed as the pools' own state class (created through the constructor's array factory): a
   * load from it needs no {@code checkcast} on the fast path.
   */
  private final C[] slots;
  /** {@code (int) ownerId} of each slot's state (0: none yet); written by the owner only. */
  private final int[] owners;
  private final int mask;
  private final BiFunction<Thread, ReferenceQueue<Thread>, C> factory;
  private final Set<C> live = ConcurrentHashMap.newKeySet();
  private final ReferenceQueue<Thread> deaths = new ReferenceQueue<>();

  /**
   * @param factory creates a thread's state; must pass the queue to {@link ThreadOwned}'s
   *     constructor
   * @param arrays creates an array of the state class (for example {@code ThreadCache[]::new})
   */
  ThreadTable(BiFunction<Thread, ReferenceQueue<Thread>, C> factory, IntFunction<C[]> arrays) {
    int cpus = Runtime.getRuntime().availableProcessors();
    int size = Integer.highestOneBit(Math.max(64, 4 * cpus) - 1) << 1;
    this.slots = arrays.apply(Math.min(size, 4096));
    this.owners = new int[slots.length];
    this.mask = slots.length - 1;
    this.factory = factory;
  }

  /**
   * The table's slots, for a pool to keep in its own final field and probe with {@link #probe}:
   * one dependent load fewer on the fast path than going through this object (the thread lookup
   * is the largest part of a pool's fast path; JFR line samples put ~40 % of it there).
   */
  C[] slots() {
    return slots;
  }

  /** The owner ids of the slots, parallel to {@link #slots()}; see {@link #probe}. */
  int[] owners() {
    return owners;
  }

  /**
   * The fast path of {@link #get}: the state at the thread's home slot if it is the thread's,
   * else null (then call {@link #get}). The caller must have excluded virtual threads.
   *
   * <p>The owner check reads {@code owners[i]}, which does not depend on the slot's content, so
   * the CPU loads it in parallel with the slot instead of after it. It is exact: only a thread
   * itself ever writes its own id (after the CAS that installed its state), and a slot changes
   * hands only once its owner has died and been collected, so a live thread that reads its own id
   * there finds its own state. Ids that do not fit an {@code int} never get a slot (see
   * {@link #claim}). Plain reads: a stale value is some other thread's id (a miss, then
   * {@link #get}), never the reader's own.
   */
  static <C extends ThreadOwned> C probe(C[] slots, int[] owners, long id) {
    int i = (int) id & (owners.length - 1);
    if (owners[i] == id) { // widened compare: false for ids beyond int range
      return slots[i];
    }
    return null;
  }

  /**
   * The home slot of a thread id: its low bits. Ids are handed out sequentially, so live threads
   * spread over consecutive slots (no multiply on the fast path); collisions probe linearly.
   */
  private static int indexOf(long id, int length) {
    return (int) id & (length - 1);
  }

  /** The calling thread's state, created on first use; null for virtual threads or a full table. */
  C get(Thread thread) {
    if (VirtualThreads.isVirtual(thread)) {
      return null;
    }
    long id = thread.getId();
    C c = probe(slots, owners, id);
    if (c != null) {
      return c;
    }
    return claim(thread, id);
  }

  /** The thread's state if it has one; never creates one. */
  C find(Thread thread) {
    if (VirtualThreads.isVirtual(thread)) {
      return null;
    }
    long id = thread.getId();
    int hash = indexOf(id, slots.length);
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      // Volatile: see states installed by other threads' CAS.
      ThreadOwned c = (ThreadOwned) SLOTS.getVolatile(slots, (hash + probe) & mask);
      if (c != null && c.ownerId == id) {
        return cast(c);
      }
    }
    return null;
  }

  private C claim(Thread thread, long id) {
    if (id != (int) id) {
      return null; // beyond two billion threads: the fast path's int owner check cannot hold it
    }
    C[] table = slots;
    int hash = indexOf(id, table.length);
    // First pass: our state may sit at a later probe (its earlier slots were taken back then).
    for (int probe = 1; probe < MAX_PROBES; probe++) {
      // Volatile: see slots claimed by other threads' CAS (a stale null would only cost a probe).
      ThreadOwned current = (ThreadOwned) SLOTS.getVolatile(table, (hash + probe) & mask);
      if (current != null && current.ownerId == id) {
        return cast(current);
      }
    }
    // Second pass: claim the first free slot (empty, or its owner died and was collected).
    for (int probe = 0; probe < MAX_PROBES; probe++) {
      int i = (hash + probe) & mask;
      // Volatile: the CAS below must start from the slot's current value.
      ThreadOwned current = (ThreadOwned) SLOTS.getVolatile(table, i);
      if (current == null || current.refersTo(null)) {
        C mine = factory.apply(thread, deaths);
        // CAS: two threads may race for a free slot; the loser probes on.
        if (SLOTS.compareAndSet(table, i, current, mine)) {
          // Plain: only this thread's own probes must see it (program order); to others it is
          // just some other id (see probe()).
          owners[i] = (int) id;
          live.add(mine);
          return mine;
        }
      }
    }
    return null; // table crowded around our hash: use the shared store, like a virtual thread
  }

  /** States of threads that had not been seen dead at the last {@link #expunge}. */
  Collection<C> live() {
    return live;
  }

  /**
   * Passes each state whose owner has died and been collected since the last call to
   * {@code onDead}, once. The owner's last writes to its state happen-before this (the thread
   * terminated before its reference was enqueued).
   */
  void expunge(Consumer<? super C> onDead) {
    Reference<? extends Thread> ref;
    while ((ref = deaths.poll()) != null) {
      C dead = cast(ref);
      if (live.remove(dead)) {
        onDead.accept(dead);
      }
    }
  }

  // Only states made by this table's factory (of type C) are ever put in the slots or the queue.
  @SuppressWarnings("unchecked")
  private C cast(Object o) {
    return (C) o;
  }
}
