package io.perfkit.pool.batch;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Function;

/**
 * Groups items offered by many threads into batches and hands each batch to one processor call,
 * amortising a per-call cost (a network round trip, an fsync) over many items.
 *
 * <pre>{@code
 * Batcher<Order> batcher = Batcher.<Order>newBuilder()
 *     .maxBatchSize(500)                       // flush at 500 items ...
 *     .lingerTime(Duration.ZERO)               // ... or as soon as the consumer is free (adaptive)
 *     .backpressure(BackpressurePolicy.BLOCK)
 *     .build(orders -> repository.insertAll(orders));
 * batcher.put(order);
 * CloseReport<Order> report = batcher.close(Duration.ofSeconds(5));
 * }</pre>
 *
 * <p><b>Threading.</b> {@link #offer}, {@link #put}, {@link #flush} and {@link #stats} may be
 * called from any thread. One consumer (a thread the batcher owns, or one task on the executor
 * given to the builder) runs the processor, so processor calls never overlap.
 *
 * <p><b>Ordering.</b> Actions of a thread before it offers an item happen-before the processor call
 * that receives the item. Items of one producer (and, when keyed, one key) are processed in offer
 * order unless a batch is retried.
 *
 * <p><b>Progress.</b> {@code offer} is lock-free for accepted items except under
 * {@link BackpressurePolicy#BLOCK} with a full intake, where it waits up to the offer timeout.
 *
 * <p><b>Delivery.</b> Each accepted item ends up exactly once in one of: a successful processor
 * call, the dead-letter handler (after the retries), or the {@link CloseReport} returned by
 * {@link #close}. A failed batch is offered to the processor again on retry, so the processor sees
 * an item once per attempt.
 *
 * <p><b>Allocation.</b> None per item on the offer path; one list per batch.
 *
 * @param <T> the item type
 */
public final class Batcher<T> implements AutoCloseable {
  private static final Duration DEFAULT_CLOSE_TIMEOUT = Duration.ofSeconds(30);

  /** The engine and how items of {@code T} map to its entries {@code E}. */
  static final class Binding<T, E> {
    final BatchEngine<?, E> engine;
    private final Function<T, E> wrap;
    private final Function<E, T> unwrap;

    Binding(BatchEngine<?, E> engine, Function<T, E> wrap, Function<E, T> unwrap) {
      this.engine = engine;
      this.wrap = wrap;
      this.unwrap = unwrap;
    }

    boolean offer(T item) {
      if (item == null) {
        throw new NullPointerException("item must not be null");
      }
      return engine.offer(wrap.apply(item));
    }

    private CloseReport<T> report; // guarded by this

    synchronized CloseReport<T> close(long timeoutNanos) throws InterruptedException {
      if (report == null) {
        CloseReport<E> r = engine.close(timeoutNanos);
        report = new CloseReport<>(r.completed(), map(r.unprocessed()), map(r.failed()),
            r.inFlight());
      }
      return report;
    }

    private List<T> map(List<E> entries) {
      List<T> items = new ArrayList<>(entries.size());
      for (E e : entries) {
        items.add(unwrap.apply(e));
      }
      return items;
    }
  }

  private final Binding<T, ?> binding;
  private final BatchEngine<?, ?> engine;

  Batcher(Binding<T, ?> binding) {
    this.binding = binding;
    this.engine = binding.engine;
  }

  /**
   * Returns a builder for batchers of {@code T}.
   *
   * @param <T> the item type
   */
  public static <T> BatcherBuilder<T> newBuilder() {
    return new BatcherBuilder<>();
  }

  /**
   * Offers {@code item} under the configured {@link BackpressurePolicy}.
   *
   * @return {@code true} if accepted; {@code false} if the intake stayed full (rejected or dropped,
   *     and counted)
   * @throws NullPointerException if {@code item} is null
   * @throws IllegalStateException if the batcher is closing or closed
   */
  public boolean offer(T item) {
    return binding.offer(item);
  }

  /**
   * Offers {@code item}, throwing where {@link #offer} would return {@code false}.
   *
   * @throws NullPointerException if {@code item} is null
   * @throws IllegalStateException if the batcher is closing or closed
   * @throws RejectedExecutionException if the item was rejected or dropped because the intake was
   *     full
   */
  public void put(T item) {
    if (!binding.offer(item)) {
      throw new RejectedExecutionException("batcher '" + engine.name + "' is full: item not accepted");
    }
  }

  /**
   * Flushes every item accepted before this call, regardless of the triggers, and waits until
   * each has been processed or dead-lettered.
   *
   * @param timeout how long to wait
   * @return {@code true} if all of them were processed or dead-lettered in time
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if the batcher is closing or closed
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    return engine.flush(nanos(timeout, "timeout"));
  }

  /**
   * Stops accepting items, processes every item already accepted (ignoring the linger time), waits
   * up to {@code timeout} for that, and reports what could not be processed. Idempotent: later
   * calls return the first report.
   *
   * @param timeout how long to wait for the consumer to finish
   * @return what was left unprocessed or failed
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedException if interrupted while waiting (the batcher stays closing)
   */
  public CloseReport<T> close(Duration timeout) throws InterruptedException {
    return binding.close(nanos(timeout, "timeout"));
  }

  /**
   * {@link #close(Duration)} with a 30 s timeout; if interrupted, restores the interrupt flag and
   * returns without waiting further (call {@link #close(Duration)} again for the report).
   */
  @Override
  public void close() {
    try {
      binding.close(nanos(DEFAULT_CLOSE_TIMEOUT, "timeout"));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns {@code true} once {@code close} has been called. Thread-safe. */
  public boolean isClosed() {
    return engine.isClosed();
  }

  /** Returns a snapshot of the counters. Thread-safe. */
  public BatcherStats stats() {
    return engine.stats();
  }

  BatchEngine<?, ?> engine() {
    return engine;
  }

  static long nanos(Duration duration, String name) {
    Checks.requireNonNull(duration, name);
    Checks.requireArgument(!duration.isNegative(), "%s: %s (expected: >= 0)", name, duration);
    try {
      return Math.min(duration.toNanos(), Long.MAX_VALUE / 4);
    } catch (ArithmeticException overflow) {
      return Long.MAX_VALUE / 4;
    }
  }
}
