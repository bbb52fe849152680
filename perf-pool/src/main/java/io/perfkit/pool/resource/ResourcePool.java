package io.perfkit.pool.resource;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.metrics.LatencySnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A pool of reusable resources (connections, sessions, buffers): borrow a {@link Lease}, use the
 * resource, close the lease. Built by {@link #newBuilder()}.
 *
 * <pre>{@code
 * ResourcePool<Connection> pool = ResourcePool.<Connection>newBuilder()
 *     .factory(() -> DriverManager.getConnection(url))
 *     .destroyer(c -> c.close())
 *     .validator(c -> c.isValid(1))
 *     .maxSize(10).minIdle(2)
 *     .housekeeping(scheduler, Duration.ofSeconds(30))
 *     .build();
 * try (Lease<Connection> lease = pool.borrow(Duration.ofMillis(250))) {
 *   use(lease.get());
 * }
 * }</pre>
 *
 * <p><b>Threading.</b> All methods are thread-safe. <b>Ordering.</b> Everything a borrower did with
 * a resource before returning its lease happens-before the next borrower obtains it.
 *
 * <p><b>Progress.</b> Borrowing an idle resource is lock-free: first the ones this thread returned
 * last (no contention), then a scan of all resources (one CAS each). Only a borrower that finds none
 * takes the pool's fair lock, to create a resource or to wait in FIFO order.
 *
 * <p><b>Guarantees.</b> Never more than {@code maxSize} resources exist or are being created; a
 * resource is lent to one borrower at a time; a failing factory frees its slot (and is retried with
 * backoff until the borrow deadline); a waiter gets a resource or a {@link PoolExhaustedException}
 * with the pool's counts by its deadline.
 */
public final class ResourcePool<R> implements AutoCloseable {
  /*
   * Design (after HikariCP's ConcurrentBag).
   *
   * All entries live in a copy-on-write list; each has a CAS'd state (IDLE, IN_USE, RESERVED,
   * REMOVED). A returning thread remembers the entry in a small thread-local list, so a thread that
   * borrows again usually wins its own entry back with one uncontended CAS. Otherwise the borrower
   * scans the shared list. Both fast paths are skipped while borrowers wait, so waiters are served in
   * FIFO order (the slow path takes a fair ReentrantLock and waits on its Condition).
   *
   * Missed wake-ups: a slow-path borrower increments `waiting` (volatile, under the lock) BEFORE it
   * scans; a returner stores IDLE (volatile) and THEN reads `waiting`. Either the scan sees the idle
   * entry or the returner sees the waiter and signals under the lock; since the waiter holds the lock
   * from its scan until await() releases it, the signal cannot fall between the two.
   *
   * Slots: `slots` counts entries that exist or are being created; it is incremented by CAS only
   * below maxSize and decremented exactly once per destroyed entry or failed creation.
   */

  private static final System.Logger LOG = System.getLogger(ResourcePool.class.getName());
  private static final int LOCAL_ENTRIES = 8;

  private final String name;
  private final Supplier<CompletableFuture<R>> factory;
  private final Consumer<? super R> destroyer;
  private final Predicate<? super R> validator;
  private final boolean validateOnBorrow;
  private final boolean validateWhileIdle;
  private final int maxSize;
  private final int minIdle;
  private final long maxLifetimeNanos;
  private final long idleTimeoutNanos;
  private final long borrowTimeoutNanos;
  private final long leakThresholdNanos;
  private final long createBackoffNanos;
  private final LongSupplier ticker;
  private final Consumer<Throwable> leakListener;
  private final LatencyRecorder borrowWait;

  private final CopyOnWriteArrayList<PoolEntry<R>> entries = new CopyOnWriteArrayList<>();
  private final ThreadLocal<ArrayList<PoolEntry<R>>> recent =
      ThreadLocal.withInitial(() -> new ArrayList<>(LOCAL_ENTRIES));
  private final AtomicInteger slots = new AtomicInteger();
  private final ReentrantLock lock = new ReentrantLock(true);
  private final Condition available = lock.newCondition();
  private volatile int waiting;
  private volatile boolean closed;
  private final ScheduledFuture<?> housekeeping;
  private final ScheduledExecutorService ownedScheduler;

  private final LongAdder created = new LongAdder();
  private final LongAdder destroyed = new LongAdder();
  private final LongAdder createFailures = new LongAdder();
  private final LongAdder timeouts = new LongAdder();
  private final LongAdder leaks = new LongAdder();

  ResourcePool(ResourcePoolBuilder<R> b) {
    this.name = b.name;
    this.factory = b.factory;
    this.destroyer = b.destroyer;
    this.validator = b.validator;
    this.validateOnBorrow = b.validateOnBorrow;
    this.validateWhileIdle = b.validateWhileIdle;
    this.maxSize = b.maxSize;
    this.minIdle = b.minIdle;
    this.maxLifetimeNanos = b.maxLifetimeNanos;
    this.idleTimeoutNanos = b.idleTimeoutNanos;
    this.borrowTimeoutNanos = b.borrowTimeoutNanos;
    this.leakThresholdNanos = b.leakThresholdNanos;
    this.createBackoffNanos = b.createBackoffNanos;
    this.ticker = b.ticker;
    this.leakListener = b.leakListener;
    this.borrowWait = b.recordBorrowWait ? LatencyRecorder.create() : null;
    this.ownedScheduler = b.ownedScheduler;
    ScheduledExecutorService scheduler = b.scheduler != null ? b.scheduler : b.ownedScheduler;
    this.housekeeping = scheduler == null ? null : scheduler.scheduleWithFixedDelay(
        this::housekeepSafely, b.housekeepingPeriodNanos, b.housekeepingPeriodNanos,
        TimeUnit.NANOSECONDS);
  }

  /**
   * Returns a builder of pools of {@code R}.
   *
   * @param <R> the resource type
   */
  public static <R> ResourcePoolBuilder<R> newBuilder() {
    return new ResourcePoolBuilder<>();
  }

  // ================================================================ borrow

  /**
   * Borrows a resource, waiting up to the builder's {@code borrowTimeout}.
   *
   * @throws PoolExhaustedException if none became available in time
   * @throws IllegalStateException if the pool is closed
   * @throws InterruptedException if interrupted while waiting
   */
  public Lease<R> borrow() throws InterruptedException {
    return borrowNanos(borrowTimeoutNanos);
  }

  /**
   * Borrows a resource, waiting up to {@code timeout} (zero: do not wait, but still create one if
   * below the maximum size).
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws PoolExhaustedException if none became available in time
   * @throws IllegalStateException if the pool is closed
   * @throws InterruptedException if interrupted while waiting
   */
  public Lease<R> borrow(Duration timeout) throws InterruptedException {
    return borrowNanos(ResourcePoolBuilder.nanos(timeout, "timeout"));
  }

  private Lease<R> borrowNanos(long timeoutNanos) throws InterruptedException {
    checkOpen();
    long start = borrowWait != null ? System.nanoTime() : 0; // the fast path reads no clock
    if (waiting == 0) {
      PoolEntry<R> e = claimRecent();
      if (e == null) {
        e = claimShared();
      }
      if (e != null && (e = checkClaimed(e)) != null) {
        return lease(e, start);
      }
    }
    long slowStart = System.nanoTime();
    return borrowSlow(start == 0 ? slowStart : start, slowStart + timeoutNanos);
  }

  private PoolEntry<R> claimRecent() {
    ArrayList<PoolEntry<R>> list = recent.get();
    for (int i = list.size() - 1; i >= 0; i--) {
      PoolEntry<R> e = list.remove(i);
      if (e.casState(PoolEntry.IDLE, PoolEntry.IN_USE)) {
        return e;
      }
    }
    return null;
  }

  private PoolEntry<R> claimShared() {
    for (PoolEntry<R> e : entries) {
      if (e.state() == PoolEntry.IDLE && e.casState(PoolEntry.IDLE, PoolEntry.IN_USE)) {
        return e;
      }
    }
    return null;
  }

  /** Retires an expired or invalid claimed entry (returns null), else returns it. */
  private PoolEntry<R> checkClaimed(PoolEntry<R> e) {
    if (maxLifetimeNanos > 0 && ticker.getAsLong() - e.createdNanos >= maxLifetimeNanos) {
      destroy(e);
      return null;
    }
    if (validateOnBorrow && validator != null && !isValid(e.resource)) {
      destroy(e);
      return null;
    }
    return e;
  }

  private Lease<R> borrowSlow(long start, long deadline) throws InterruptedException {
    Throwable lastFailure = null;
    long backoff = createBackoffNanos;
    lock.lockInterruptibly();
    waiting++; // under the lock; volatile write before the scan (see the class comment)
    try {
      while (true) {
        checkOpen();
        PoolEntry<R> e = claimShared();
        if (e != null) {
          lock.unlock();
          try {
            e = checkClaimed(e);
          } finally {
            lock.lock();
          }
          if (e != null) {
            return lease(e, start);
          }
          continue;
        }
        if (reserveSlot()) {
          lock.unlock();
          try {
            e = create(deadline);
            if (e != null && (e = checkClaimed(e)) != null) {
              return lease(e, start);
            }
          } catch (CreateFailedException failure) {
            lastFailure = failure.getCause();
            sleepBackoff(Math.min(backoff, deadline - System.nanoTime()));
            backoff = Math.min(backoff * 2, TimeUnit.SECONDS.toNanos(1));
          } finally {
            lock.lock();
          }
          if (System.nanoTime() - deadline < 0) {
            continue;
          }
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          timeouts.increment();
          int active = countState(PoolEntry.IN_USE);
          throw new PoolExhaustedException(name, System.nanoTime() - start, active,
              countState(PoolEntry.IDLE), waiting, maxSize, lastFailure);
        }
        available.awaitNanos(left);
      }
    } catch (InterruptedException | IllegalStateException abandoned) {
      if (waiting > 1) {
        available.signal(); // pass on a wake-up we may have consumed without using it
      }
      throw abandoned;
    } finally {
      waiting--;
      lock.unlock();
    }
  }

  private static void sleepBackoff(long nanos) throws InterruptedException {
    if (nanos > 0) {
      TimeUnit.NANOSECONDS.sleep(nanos);
    }
  }

  private boolean reserveSlot() {
    while (true) {
      int n = slots.get();
      if (n >= maxSize) {
        return false;
      }
      if (slots.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  /** Thrown internally when the factory failed; the slot has already been freed. */
  private static final class CreateFailedException extends Exception {
    private static final long serialVersionUID = 1L;

    CreateFailedException(Throwable cause) {
      super(cause);
    }
  }

  /**
   * Creates a resource in a reserved slot. Returns it IN_USE, or null if the deadline passed first
   * (the resource then joins the pool idle when it arrives, or its slot is freed if creation fails).
   */
  private PoolEntry<R> create(long deadline) throws CreateFailedException, InterruptedException {
    CompletableFuture<PoolEntry<R>> handoff = new CompletableFuture<>();
    CompletableFuture<R> future;
    try {
      future = factory.get();
      Checks.requireNonNull(future, "factory result");
    } catch (Throwable t) {
      future = CompletableFuture.failedFuture(t);
    }
    future.whenComplete((resource, failure) -> {
      if (failure != null || resource == null) {
        createFailures.increment();
        slots.decrementAndGet();
        signalWaiter();
        handoff.completeExceptionally(failure != null ? failure
            : new NullPointerException("factory produced null"));
        return;
      }
      created.increment();
      PoolEntry<R> entry = new PoolEntry<>(resource, ticker.getAsLong(), PoolEntry.IN_USE);
      entries.add(entry);
      if (!handoff.complete(entry)) { // the borrower gave up: keep it for the next one
        giveBackEntry(entry, false);
      }
    });
    try {
      return handoff.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException late) {
      if (handoff.cancel(false)) {
        return null;
      }
      return handoff.join(); // completed in the meantime: ours
    } catch (ExecutionException failed) {
      throw new CreateFailedException(failed.getCause());
    } catch (InterruptedException interrupted) {
      if (!handoff.cancel(false) && !handoff.isCompletedExceptionally()) {
        giveBackEntry(handoff.join(), false);
      }
      throw interrupted;
    }
  }

  private Lease<R> lease(PoolEntry<R> e, long start) {
    if (borrowWait != null) { // start was read from System.nanoTime() only in this case
      borrowWait.record(System.nanoTime() - start);
    }
    Throwable site = leakThresholdNanos > 0
        ? new Throwable("resource of pool '" + name + "' borrowed here") : null;
    Lease<R> lease = new Lease<>(this, e, leakThresholdNanos > 0 ? ticker.getAsLong() : 0, site);
    e.lease = lease;
    return lease;
  }

  // ================================================================ return

  /**
   * Returns {@code lease} to this pool, like {@link Lease#close()}.
   *
   * @throws NullPointerException if {@code lease} is null
   * @throws IllegalArgumentException if the lease belongs to another pool
   * @throws IllegalStateException if the lease was already returned
   */
  public void release(Lease<R> lease) {
    Checks.requireNonNull(lease, "lease");
    Checks.requireArgument(lease.pool == this, "lease %s belongs to another pool, not '%s'", lease,
        name);
    lease.close();
  }

  void giveBack(Lease<R> lease, boolean invalidate) {
    PoolEntry<R> e = lease.entry;
    e.lease = null;
    giveBackEntry(e, invalidate);
  }

  private void giveBackEntry(PoolEntry<R> e, boolean invalidate) {
    long now = ticker.getAsLong();
    if (invalidate || closed
        || (maxLifetimeNanos > 0 && now - e.createdNanos >= maxLifetimeNanos)) {
      destroy(e);
      return;
    }
    e.lastReturnedNanos = now; // plain: published by the volatile state store below
    e.setState(PoolEntry.IDLE);
    ArrayList<PoolEntry<R>> list = recent.get();
    if (list.size() >= LOCAL_ENTRIES) {
      list.remove(0);
    }
    list.add(e);
    if (waiting > 0) { // volatile read after the volatile store: see the class comment
      signalWaiter();
    }
    if (closed && e.casState(PoolEntry.IDLE, PoolEntry.RESERVED)) {
      destroy(e); // close() raced with this return
    }
  }

  private void signalWaiter() {
    lock.lock();
    try {
      available.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Destroys an entry this thread holds (IN_USE or RESERVED) and frees its slot. */
  private void destroy(PoolEntry<R> e) {
    e.setState(PoolEntry.REMOVED);
    entries.remove(e);
    slots.decrementAndGet();
    destroyed.increment();
    try {
      destroyer.accept(e.resource);
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "pool '" + name + "': destroying " + e.resource
          + " failed", t);
    }
    if (waiting > 0) {
      signalWaiter(); // a slot is free: a waiter may create
    }
  }

  private boolean isValid(R resource) {
    try {
      return validator.test(resource);
    } catch (Throwable t) {
      return false;
    }
  }

  // ================================================================ housekeeping

  /**
   * Runs one housekeeping pass now: reports leaks, retires idle resources past their maximum
   * lifetime, evicts those idle longer than the idle timeout (down to {@code minIdle}), validates
   * idle ones if configured, and creates resources up to {@code minIdle}. The scheduler given to
   * the builder calls this periodically; tests with a fake ticker may call it directly.
   *
   * @throws IllegalStateException if the pool is closed
   */
  public void housekeep() {
    checkOpen();
    long now = ticker.getAsLong();
    for (PoolEntry<R> e : entries) {
      int s = e.state();
      if (s == PoolEntry.IN_USE) {
        reportLeak(e, now);
        continue;
      }
      if (s != PoolEntry.IDLE || !e.casState(PoolEntry.IDLE, PoolEntry.RESERVED)) {
        continue;
      }
      boolean expired = maxLifetimeNanos > 0 && now - e.createdNanos >= maxLifetimeNanos;
      boolean idleTooLong = idleTimeoutNanos > 0 && now - e.lastReturnedNanos >= idleTimeoutNanos
          && countState(PoolEntry.IDLE) + 1 > minIdle;
      if (expired || idleTooLong || (validateWhileIdle && validator != null
          && !isValid(e.resource))) {
        destroy(e);
      } else {
        e.setState(PoolEntry.IDLE);
        if (waiting > 0) {
          signalWaiter();
        }
      }
    }
    fillToMinIdle();
  }

  private void reportLeak(PoolEntry<R> e, long now) {
    Lease<R> lease = e.lease;
    if (leakThresholdNanos <= 0 || lease == null || lease.leakReported
        || now - lease.borrowedNanos < leakThresholdNanos) {
      return;
    }
    lease.leakReported = true;
    leaks.increment();
    IllegalStateException leak = new IllegalStateException("pool '" + name + "': " + e.resource
        + " held for " + (now - lease.borrowedNanos) / 1_000_000 + " ms without being returned"
        + " (leak-detection threshold " + leakThresholdNanos / 1_000_000 + " ms)");
    leak.setStackTrace(lease.borrowSite.getStackTrace());
    try {
      leakListener.accept(leak);
    } catch (Throwable ignored) {
      // the listener's failure must not stop housekeeping
    }
  }

  private void fillToMinIdle() {
    while (!closed && countState(PoolEntry.IDLE) < minIdle && reserveSlot()) {
      try {
        PoolEntry<R> e = create(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
        if (e != null) {
          giveBackEntry(e, false);
        }
      } catch (CreateFailedException | InterruptedException failed) {
        if (failed instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        return; // try again next pass
      }
    }
  }

  private void housekeepSafely() {
    try {
      if (!closed) {
        housekeep();
      }
    } catch (Throwable t) {
      LOG.log(System.Logger.Level.WARNING, "pool '" + name + "': housekeeping failed", t);
    }
  }

  // ================================================================ lifecycle and stats

  /**
   * Closes the pool: borrowing fails from now on, waiters are woken with
   * {@link IllegalStateException}, idle resources are destroyed at once and lent ones when they
   * are returned. Stops housekeeping (and shuts down a scheduler the pool owns). Idempotent.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (housekeeping != null) {
      housekeeping.cancel(false);
    }
    if (ownedScheduler != null) {
      ownedScheduler.shutdownNow();
    }
    for (PoolEntry<R> e : entries) {
      if (e.casState(PoolEntry.IDLE, PoolEntry.RESERVED)) {
        destroy(e);
      }
    }
    lock.lock();
    try {
      available.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Returns {@code true} once {@link #close()} was called. */
  public boolean isClosed() {
    return closed;
  }

  /** Returns a snapshot of the pool's counts. Thread-safe. */
  public ResourcePoolStats stats() {
    LatencySnapshot wait = borrowWait == null ? LatencySnapshot.empty() : borrowWait.snapshot();
    return new ResourcePoolStats(slots.get(), countState(PoolEntry.IN_USE),
        countState(PoolEntry.IDLE), waiting, maxSize, created.sum(), destroyed.sum(),
        createFailures.sum(), timeouts.sum(), leaks.sum(), wait);
  }

  private int countState(int state) {
    int n = 0;
    for (PoolEntry<R> e : entries) {
      if (e.state() == state) {
        n++;
      }
    }
    return n;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("resource pool '" + name + "' is closed");
    }
  }

  @Override
  public String toString() {
    return "ResourcePool[" + name + ", " + stats() + "]";
  }
}
