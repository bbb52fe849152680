package io.perfkit.pool.resource;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Configures a {@link ResourcePool}; from {@link ResourcePool#newBuilder()}. A factory is
 * required; every other setting has the default given on its method. Each setting may be set once
 * (again: {@link IllegalStateException}). Not thread-safe.
 *
 * @param <R> the resource type
 */
public final class ResourcePoolBuilder<R> {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final System.Logger LOG = System.getLogger(ResourcePool.class.getName());

  String name;
  Supplier<CompletableFuture<R>> factory;
  Consumer<? super R> destroyer;
  Predicate<? super R> validator;
  boolean validateOnBorrow = true;
  private boolean validateOnBorrowSet;
  boolean validateWhileIdle;
  private boolean validateWhileIdleSet;
  int maxSize = -1;
  int minIdle = -1;
  long maxLifetimeNanos = -1;
  long idleTimeoutNanos = -1;
  long borrowTimeoutNanos = -1;
  long leakThresholdNanos = -1;
  long createBackoffNanos = -1;
  long housekeepingPeriodNanos = -1;
  LongSupplier ticker;
  Consumer<Throwable> leakListener;
  boolean recordBorrowWait;
  private boolean recordBorrowWaitSet;
  ScheduledExecutorService scheduler;
  ScheduledExecutorService ownedScheduler;
  private boolean ownScheduler;

  ResourcePoolBuilder() {}

  /**
   * Names the pool (in messages and the owned housekeeping thread). Default: a sequence number.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> name(String name) {
    Checks.requireState(this.name == null, "name was already set to %s", this.name);
    this.name = Checks.requireNonNull(name, "name");
    return this;
  }

  /**
   * Creates resources synchronously on the borrowing (or housekeeping) thread. Required, unless
   * {@link #asyncFactory} is set. A throwing factory frees the slot and is retried with backoff until
   * the borrow deadline.
   *
   * @throws NullPointerException if {@code factory} is null
   * @throws IllegalStateException if a factory was already set
   */
  public ResourcePoolBuilder<R> factory(Callable<? extends R> factory) {
    Checks.requireNonNull(factory, "factory");
    return asyncFactory(() -> {
      try {
        return CompletableFuture.completedFuture(factory.call());
      } catch (Throwable t) {
        return CompletableFuture.failedFuture(t);
      }
    });
  }

  /**
   * Creates resources asynchronously: the borrower waits for the stage up to its deadline; a
   * resource that arrives later joins the pool idle instead of leaking its slot.
   *
   * @throws NullPointerException if {@code factory} is null
   * @throws IllegalStateException if a factory was already set
   */
  public ResourcePoolBuilder<R> asyncFactory(
      Supplier<? extends CompletionStage<? extends R>> factory) {
    Checks.requireState(this.factory == null, "factory was already set");
    Checks.requireNonNull(factory, "factory");
    this.factory = () -> {
      CompletionStage<? extends R> stage = factory.get();
      Checks.requireNonNull(stage, "factory stage");
      return stage.<R>thenApply(r -> r).toCompletableFuture();
    };
    return this;
  }

  /**
   * Destroys (closes) a resource leaving the pool. Default: nothing. Exceptions are logged.
   *
   * @throws NullPointerException if {@code destroyer} is null
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> destroyer(Consumer<? super R> destroyer) {
    Checks.requireState(this.destroyer == null, "destroyer was already set");
    this.destroyer = Checks.requireNonNull(destroyer, "destroyer");
    return this;
  }

  /**
   * Tells whether a resource is still usable; {@code false} or an exception destroys it. Used on
   * borrow (default on) and while idle (default off). Default: none.
   *
   * @throws NullPointerException if {@code validator} is null
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> validator(Predicate<? super R> validator) {
    Checks.requireState(this.validator == null, "validator was already set");
    this.validator = Checks.requireNonNull(validator, "validator");
    return this;
  }

  /**
   * Whether to validate an idle resource before lending it. Default {@code true} (if a validator
   * is set).
   *
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> validateOnBorrow(boolean validate) {
    Checks.requireState(!validateOnBorrowSet, "validateOnBorrow was already set");
    this.validateOnBorrow = validate;
    this.validateOnBorrowSet = true;
    return this;
  }

  /**
   * Whether housekeeping validates idle resources. Default {@code false}.
   *
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> validateWhileIdle(boolean validate) {
    Checks.requireState(!validateWhileIdleSet, "validateWhileIdle was already set");
    this.validateWhileIdle = validate;
    this.validateWhileIdleSet = true;
    return this;
  }

  /**
   * The most resources that may exist at once (lent, idle or being created). Default 10.
   *
   * @throws IllegalArgumentException if {@code maxSize <= 0}
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> maxSize(int maxSize) {
    Checks.requireState(this.maxSize == -1, "maxSize was already set to %s", this.maxSize);
    this.maxSize = Checks.checkPositive(maxSize, "maxSize");
    return this;
  }

  /**
   * Idle resources housekeeping keeps ready (creating them as needed, never evicting below it).
   * Default 0. Must not exceed {@link #maxSize} (checked by {@link #build()}).
   *
   * @throws IllegalArgumentException if {@code minIdle < 0}
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> minIdle(int minIdle) {
    Checks.requireState(this.minIdle == -1, "minIdle was already set to %s", this.minIdle);
    this.minIdle = Checks.checkNonNegative(minIdle, "minIdle");
    return this;
  }

  /**
   * Age after which a resource is retired (when returned or found idle). Zero: no limit. Default
   * 30 minutes.
   *
   * @throws NullPointerException if {@code maxLifetime} is null
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> maxLifetime(Duration maxLifetime) {
    Checks.requireState(maxLifetimeNanos == -1, "maxLifetime was already set");
    this.maxLifetimeNanos = nanos(maxLifetime, "maxLifetime");
    return this;
  }

  /**
   * Idle time after which housekeeping evicts a resource (down to {@code minIdle}). Zero: never.
   * Default 10 minutes.
   *
   * @throws NullPointerException if {@code idleTimeout} is null
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> idleTimeout(Duration idleTimeout) {
    Checks.requireState(idleTimeoutNanos == -1, "idleTimeout was already set");
    this.idleTimeoutNanos = nanos(idleTimeout, "idleTimeout");
    return this;
  }

  /**
   * How long {@link ResourcePool#borrow()} waits. Default 30 s.
   *
   * @throws NullPointerException if {@code borrowTimeout} is null
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> borrowTimeout(Duration borrowTimeout) {
    Checks.requireState(borrowTimeoutNanos == -1, "borrowTimeout was already set");
    this.borrowTimeoutNanos = nanos(borrowTimeout, "borrowTimeout");
    return this;
  }

  /**
   * A lease held longer than this is reported once, with the borrower's stack, to the leak
   * listener (checked by housekeeping). Zero: off (the default; when on, each borrow captures a
   * stack trace).
   *
   * @throws NullPointerException if {@code threshold} is null
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> leakDetectionThreshold(Duration threshold) {
    Checks.requireState(leakThresholdNanos == -1, "leakDetectionThreshold was already set");
    this.leakThresholdNanos = nanos(threshold, "threshold");
    return this;
  }

  /**
   * Receives leak reports: an exception whose stack trace is the borrower's. Default: logged at
   * WARNING through {@link System.Logger}.
   *
   * @throws NullPointerException if {@code listener} is null
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> leakListener(Consumer<Throwable> listener) {
    Checks.requireState(leakListener == null, "leakListener was already set");
    this.leakListener = Checks.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * First backoff after a failed create, doubling per failure up to 1 s. Default 10 ms.
   *
   * @throws NullPointerException if {@code backoff} is null
   * @throws IllegalArgumentException if negative
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> createBackoff(Duration backoff) {
    Checks.requireState(createBackoffNanos == -1, "createBackoff was already set");
    this.createBackoffNanos = nanos(backoff, "backoff");
    return this;
  }

  /**
   * Source of time (nanoseconds) for lifetimes, idle timeouts and leak detection. Default
   * {@link System#nanoTime()}. Borrow timeouts always use real time.
   *
   * @throws NullPointerException if {@code ticker} is null
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> ticker(LongSupplier ticker) {
    Checks.requireState(this.ticker == null, "ticker was already set");
    this.ticker = Checks.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Records every borrow's wait into {@link ResourcePoolStats#borrowWait()}. Default off.
   *
   * @throws IllegalStateException if already set
   */
  public ResourcePoolBuilder<R> recordBorrowWait(boolean record) {
    Checks.requireState(!recordBorrowWaitSet, "recordBorrowWait was already set");
    this.recordBorrowWait = record;
    this.recordBorrowWaitSet = true;
    return this;
  }

  /**
   * Runs {@link ResourcePool#housekeep()} every {@code period} on {@code scheduler} (which the pool
   * does not shut down). Default: no housekeeping unless {@link #ownHousekeeping} is set.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code period} is not positive
   * @throws IllegalStateException if housekeeping was already configured
   */
  public ResourcePoolBuilder<R> housekeeping(ScheduledExecutorService scheduler, Duration period) {
    Checks.requireState(housekeepingPeriodNanos == -1, "housekeeping was already configured");
    this.scheduler = Checks.requireNonNull(scheduler, "scheduler");
    this.housekeepingPeriodNanos = Checks.checkPositive(nanos(period, "period"), "period");
    return this;
  }

  /**
   * Runs housekeeping every {@code period} on a daemon thread the pool owns
   * ({@code "perfkit-pool-housekeeper-" + name}), stopped by {@link ResourcePool#close()}.
   *
   * @throws NullPointerException if {@code period} is null
   * @throws IllegalArgumentException if {@code period} is not positive
   * @throws IllegalStateException if housekeeping was already configured
   */
  public ResourcePoolBuilder<R> ownHousekeeping(Duration period) {
    Checks.requireState(housekeepingPeriodNanos == -1, "housekeeping was already configured");
    this.housekeepingPeriodNanos = Checks.checkPositive(nanos(period, "period"), "period");
    this.ownScheduler = true;
    return this;
  }

  /**
   * Builds the pool (and starts housekeeping, if configured). No resource is created until the
   * first borrow or housekeeping pass.
   *
   * @throws IllegalStateException if no factory was set
   * @throws IllegalArgumentException if {@code minIdle > maxSize}
   */
  public ResourcePool<R> build() {
    Checks.requireState(factory != null, "factory is required");
    if (name == null) {
      name = Integer.toString(SEQUENCE.incrementAndGet());
    }
    maxSize = maxSize == -1 ? 10 : maxSize;
    minIdle = minIdle == -1 ? 0 : minIdle;
    Checks.requireArgument(minIdle <= maxSize, "minIdle: %s (expected: <= maxSize %s)", minIdle,
        maxSize);
    destroyer = destroyer == null ? r -> { } : destroyer;
    maxLifetimeNanos = maxLifetimeNanos == -1 ? Duration.ofMinutes(30).toNanos() : maxLifetimeNanos;
    idleTimeoutNanos = idleTimeoutNanos == -1 ? Duration.ofMinutes(10).toNanos() : idleTimeoutNanos;
    borrowTimeoutNanos = borrowTimeoutNanos == -1 ? Duration.ofSeconds(30).toNanos()
        : borrowTimeoutNanos;
    leakThresholdNanos = leakThresholdNanos == -1 ? 0 : leakThresholdNanos;
    createBackoffNanos = createBackoffNanos == -1 ? Duration.ofMillis(10).toNanos()
        : createBackoffNanos;
    ticker = ticker == null ? System::nanoTime : ticker;
    if (leakListener == null) {
      leakListener = leak -> LOG.log(System.Logger.Level.WARNING, leak.getMessage(), leak);
    }
    if (ownScheduler) {
      String threadName = "perfkit-pool-housekeeper-" + name;
      ownedScheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, threadName);
        t.setDaemon(true); // housekeeping alone must not keep the JVM alive
        return t;
      });
    }
    return new ResourcePool<>(this);
  }

  static long nanos(Duration d, String name) {
    Checks.requireNonNull(d, name);
    Checks.requireArgument(!d.isNegative(), "%s: %s (expected: >= 0)", name, d);
    try {
      return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 4;
    }
  }
}
