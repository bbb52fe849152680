package io.perfkit.pool.batch;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.memory.MappedLog;
import io.perfkit.core.queue.Queues;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Configures and builds a {@link Batcher} (plain or keyed) or a {@link CoalescingBatcher}. Obtain
 * one from {@link Batcher#newBuilder()}.
 *
 * <p>Every setting may be set at most once (a second call throws {@link IllegalStateException});
 * unset settings take the defaults listed on each method. The flush triggers combine: a batch is
 * handed to the processor when it reaches {@link #maxBatchSize}, or when its oldest item has waited
 * {@link #lingerTime} (if non-zero), or, with a zero linger time (the default, "adaptive" or "smart"
 * batching), as soon as the consumer is free: a batch is then whatever accumulated while the
 * previous batch was processed.
 *
 * <p><b>Threading.</b> A builder is not thread-safe; the batchers it builds are.
 *
 * @param <T> the item type
 */
public final class BatcherBuilder<T> {
  private static final AtomicInteger SEQUENCE = new AtomicInteger();
  private static final int UNSET = -1;

  private String name;
  private int maxBatchSize = UNSET;
  private long lingerNanos = UNSET;
  private int capacity = UNSET;
  private BackpressurePolicy backpressure;
  private long offerTimeoutNanos = UNSET;
  private int maxRetries = UNSET;
  private long retryBackoffNanos = UNSET;
  private long maxRetryBackoffNanos = UNSET;
  private DeadLetterHandler<T> deadLetterHandler;
  private Consumer<? super T> dropListener;
  private LongSupplier ticker;
  private Executor executor;
  private Boolean daemon;
  private MappedLog journalLog;
  private boolean recordLatency;
  private boolean recordLatencySet;
  private ItemSerializer<T> journalSerializer;

  BatcherBuilder() {}

  /**
   * Names the batcher (its consumer thread is {@code "perfkit-batcher-" + name}). Default:
   * a sequence number.
   *
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> name(String name) {
    Checks.requireState(this.name == null, "name was already set to %s", this.name);
    this.name = Checks.requireNonNull(name, "name");
    return this;
  }

  /**
   * The most items handed to the processor in one call; a full buffer is flushed at once. Default
   * 256.
   *
   * @throws IllegalArgumentException if {@code maxBatchSize <= 0}
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> maxBatchSize(int maxBatchSize) {
    Checks.requireState(this.maxBatchSize == UNSET, "maxBatchSize was already set to %s",
        this.maxBatchSize);
    this.maxBatchSize = Checks.checkPositive(maxBatchSize, "maxBatchSize");
    return this;
  }

  /**
   * The longest an item waits in a partly filled batch before the batch is flushed. Zero (the
   * default) selects adaptive batching: no added wait at low load.
   *
   * @throws NullPointerException if {@code lingerTime} is null
   * @throws IllegalArgumentException if {@code lingerTime} is negative
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> lingerTime(Duration lingerTime) {
    Checks.requireState(this.lingerNanos == UNSET, "lingerTime was already set to %s ns",
        this.lingerNanos);
    this.lingerNanos = nonNegativeNanos(lingerTime, "lingerTime");
    return this;
  }

  /**
   * Bound of the intake queue, rounded up to a power of two. Default 65,536.
   *
   * @throws IllegalArgumentException if {@code capacity} is not in {@code [2, 2^30]}
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> capacity(int capacity) {
    Checks.requireState(this.capacity == UNSET, "capacity was already set to %s", this.capacity);
    this.capacity = Checks.checkInRange(capacity, 2, Queues.MAX_CAPACITY, "capacity");
    return this;
  }

  /**
   * What happens when the intake is full. Default {@link BackpressurePolicy#BLOCK}.
   *
   * @throws NullPointerException if {@code policy} is null
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> backpressure(BackpressurePolicy policy) {
    Checks.requireState(this.backpressure == null, "backpressure was already set to %s",
        this.backpressure);
    this.backpressure = Checks.requireNonNull(policy, "policy");
    return this;
  }

  /**
   * How long a producer waits for room under {@link BackpressurePolicy#BLOCK}. Default 30 s.
   *
   * @throws NullPointerException if {@code timeout} is null
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> offerTimeout(Duration timeout) {
    Checks.requireState(this.offerTimeoutNanos == UNSET, "offerTimeout was already set to %s ns",
        this.offerTimeoutNanos);
    this.offerTimeoutNanos = nonNegativeNanos(timeout, "offerTimeout");
    return this;
  }

  /**
   * How many times a failed batch is retried before it is dead-lettered. Default 3.
   *
   * @throws IllegalArgumentException if {@code maxRetries < 0}
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> maxRetries(int maxRetries) {
    Checks.requireState(this.maxRetries == UNSET, "maxRetries was already set to %s",
        this.maxRetries);
    this.maxRetries = Checks.checkNonNegative(maxRetries, "maxRetries");
    return this;
  }

  /**
   * Backoff before the first retry, doubling per retry up to {@code max}. Defaults 10 ms and 1 s.
   * The consumer sleeps during the backoff (real time, not the ticker); {@code close} cuts it
   * short.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if an argument is negative or {@code initial > max}
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> retryBackoff(Duration initial, Duration max) {
    Checks.requireState(this.retryBackoffNanos == UNSET, "retryBackoff was already set to %s ns",
        this.retryBackoffNanos);
    long first = nonNegativeNanos(initial, "initial");
    long last = nonNegativeNanos(max, "max");
    Checks.requireArgument(first <= last, "initial: %s (expected: <= max %s)", initial, max);
    this.retryBackoffNanos = first;
    this.maxRetryBackoffNanos = last;
    return this;
  }

  /**
   * Receives batches that failed every retry. Default: none, the items are kept and returned by
   * {@link CloseReport#failed()}.
   *
   * @throws NullPointerException if {@code handler} is null
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> deadLetterHandler(DeadLetterHandler<T> handler) {
    Checks.requireState(this.deadLetterHandler == null, "deadLetterHandler was already set");
    this.deadLetterHandler = Checks.requireNonNull(handler, "handler");
    return this;
  }

  /**
   * Told of every item dropped under {@link BackpressurePolicy#DROP}, on the producer's thread.
   * Default: none (drops are still counted).
   *
   * @throws NullPointerException if {@code listener} is null
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> dropListener(Consumer<? super T> listener) {
    Checks.requireState(this.dropListener == null, "dropListener was already set");
    this.dropListener = Checks.requireNonNull(listener, "listener");
    return this;
  }

  /**
   * Source of time in nanoseconds for linger deadlines and offer timeouts, for tests with fake
   * time. Default {@link System#nanoTime()}.
   *
   * @throws NullPointerException if {@code ticker} is null
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> ticker(LongSupplier ticker) {
    Checks.requireState(this.ticker == null, "ticker was already set");
    this.ticker = Checks.requireNonNull(ticker, "ticker");
    return this;
  }

  /**
   * Runs the consumer loop as one long-running task on {@code executor} instead of on a thread the
   * batcher owns. The task occupies one executor thread until {@code close}. Not combinable with
   * {@link #daemon}.
   *
   * @throws NullPointerException if {@code executor} is null
   * @throws IllegalStateException if already set, or if {@link #daemon} was set
   */
  public BatcherBuilder<T> executor(Executor executor) {
    Checks.requireState(this.executor == null, "executor was already set");
    Checks.requireState(daemon == null, "executor cannot be combined with daemon");
    this.executor = Checks.requireNonNull(executor, "executor");
    return this;
  }

  /**
   * Whether the owned consumer thread is a daemon thread. Default {@code true}: a forgotten batcher
   * does not keep the JVM alive, so call {@code close} (for example from a shutdown hook) to flush
   * before exit.
   *
   * @throws IllegalStateException if already set, or if {@link #executor} was set
   */
  public BatcherBuilder<T> daemon(boolean daemon) {
    Checks.requireState(this.daemon == null, "daemon was already set to %s", this.daemon);
    Checks.requireState(executor == null, "daemon cannot be combined with executor");
    this.daemon = daemon;
    return this;
  }

  /**
   * Records each item's offer-to-processed latency (real time, {@code System.nanoTime()}, two reads
   * per item and one small object per item) into {@link BatcherStats#latency()}. Default off.
   *
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> recordLatency(boolean record) {
    Checks.requireState(!recordLatencySet, "recordLatency was already set to %s", recordLatency);
    this.recordLatency = record;
    this.recordLatencySet = true;
    return this;
  }

  /**
   * Makes a plain batcher ({@link #build}) durable for write-behind: each item is appended to
   * {@code log} before {@code offer} returns {@code true}; the log's processed mark advances as
   * batches are processed or dead-lettered; and {@link #build} first replays the records that were
   * accepted but not done (after a crash, a batch that finished just before it may be replayed:
   * at-least-once). Producers are serialized on the journal. The caller owns {@code log}: close it
   * after the batcher. An item the intake cannot take (FAIL_FAST, DROP, BLOCK timeout) is not
   * journaled. Not available for keyed or coalescing batchers.
   *
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if already set
   */
  public BatcherBuilder<T> journal(MappedLog log, ItemSerializer<T> serializer) {
    Checks.requireState(journalLog == null, "journal was already set");
    this.journalLog = Checks.requireNonNull(log, "log");
    this.journalSerializer = Checks.requireNonNull(serializer, "serializer");
    return this;
  }

  // ---------------------------------------------------------------- terminal operations

  /**
   * Builds and starts a batcher that hands batches to {@code processor}.
   *
   * @throws NullPointerException if {@code processor} is null
   * @throws java.util.concurrent.RejectedExecutionException if the executor rejects the consumer
   * @throws IllegalStateException if a journal is set and its records cannot be read
   */
  public Batcher<T> build(BatchProcessor<T> processor) {
    Checks.requireNonNull(processor, "processor");
    return buildBatcher(null, Boolean.TRUE, (key, batch) -> processor.process(batch));
  }

  /**
   * Builds and starts a keyed batcher: each item goes to the batch of {@code keyFunction(item)},
   * each key's batches to {@code processor} with that key. Triggers apply per key.
   *
   * @param keyFunction maps an item to its key (called on the consumer thread; keys must have
   *     consistent {@code equals}/{@code hashCode})
   * @param processor processes one key's batch
   * @throws NullPointerException if an argument is null
   * @throws IllegalStateException if a journal was set
   * @throws java.util.concurrent.RejectedExecutionException if the executor rejects the consumer
   */
  public <K> Batcher<T> buildKeyed(
      Function<? super T, ? extends K> keyFunction, KeyedBatchProcessor<K, T> processor) {
    Checks.requireNonNull(keyFunction, "keyFunction");
    Checks.requireNonNull(processor, "processor");
    Checks.requireState(journalLog == null, "a journal is only supported by build()");
    return buildBatcher(keyFunction, null, processor);
  }

  private <K> Batcher<T> buildBatcher(
      Function<? super T, ? extends K> keyFunction, K constantKey,
      KeyedBatchProcessor<K, T> processor) {
    DeadLetterHandler<T> handler = deadLetterHandler;
    Consumer<? super T> drops = dropListener;
    if (!recordLatency) {
      BatchEngine<K, T> engine = new BatchEngine<>(config(), keyFunction, constantKey,
          processor::process, handler == null ? null : handler::onDeadLetter, drops,
          Queues.mpsc(capacityOrDefault()), null);
      startWithJournal(engine, journalSerializer);
      return new Batcher<>(new Batcher.Binding<>(engine, item -> item, item -> item));
    }
    LatencyRecorder latency = LatencyRecorder.create();
    BatchEngine<K, Stamped<T>> engine = new BatchEngine<>(config(),
        keyFunction == null ? null : s -> keyFunction.apply(s.item()), constantKey,
        (key, stamped) -> {
          processor.process(key, Stamped.items(stamped));
          long now = System.nanoTime();
          for (Stamped<T> s : stamped) {
            latency.record(now - s.enqueuedNanos());
          }
        },
        handler == null ? null : (batch, cause) -> handler.onDeadLetter(Stamped.items(batch), cause),
        drops == null ? null : s -> drops.accept(s.item()),
        Queues.mpsc(capacityOrDefault()), latency);
    ItemSerializer<T> serializer = journalSerializer;
    startWithJournal(engine, serializer == null ? null : new ItemSerializer<>() {
      @Override
      public byte[] serialize(Stamped<T> item) {
        return serializer.serialize(item.item());
      }

      @Override
      public Stamped<T> deserialize(byte[] bytes) {
        return new Stamped<>(serializer.deserialize(bytes), System.nanoTime());
      }
    });
    return new Batcher<>(new Batcher.Binding<>(engine,
        item -> new Stamped<>(item, System.nanoTime()), Stamped::item));
  }

  private <E> void startWithJournal(BatchEngine<?, E> engine, ItemSerializer<E> serializer) {
    if (journalLog != null) {
      engine.setJournal(new BatchJournal<>(journalLog, serializer));
    }
    start(engine);
    if (journalLog != null) {
      engine.replayJournal();
    }
  }

  /**
   * Builds and starts a coalescing batcher: {@link CoalescingBatcher#submit} returns a future per
   * request, completed with that request's element of {@code processor}'s result. A configured
   * dead-letter handler also receives the requests of a batch that failed every retry (their
   * futures have already failed); a drop listener receives dropped requests.
   *
   * @throws NullPointerException if {@code processor} is null
   * @throws IllegalStateException if a journal was set
   * @throws java.util.concurrent.RejectedExecutionException if the executor rejects the consumer
   */
  public <R> CoalescingBatcher<T, R> buildCoalescing(CoalescingProcessor<T, R> processor) {
    Checks.requireNonNull(processor, "processor");
    Checks.requireState(journalLog == null, "a journal is only supported by build()");
    DeadLetterHandler<T> handler = deadLetterHandler;
    Consumer<? super T> drops = dropListener;
    BatchEngine.Failure<CoalescingBatcher.Call<T, R>> failure = (calls, cause) -> {
      for (CoalescingBatcher.Call<T, R> call : calls) {
        call.future().completeExceptionally(cause);
      }
      if (handler != null) {
        handler.onDeadLetter(CoalescingBatcher.requests(calls), cause);
      }
    };
    Consumer<CoalescingBatcher.Call<T, R>> dropped = call -> {
      call.future().completeExceptionally(new java.util.concurrent.RejectedExecutionException(
          "request dropped: intake full"));
      if (drops != null) {
        drops.accept(call.request());
      }
    };
    BatchEngine<Boolean, CoalescingBatcher.Call<T, R>> engine = new BatchEngine<>(config(),
        null, Boolean.TRUE, (key, calls) -> CoalescingBatcher.complete(processor, calls),
        failure, dropped, Queues.mpsc(capacityOrDefault()), null);
    start(engine);
    return new CoalescingBatcher<>(engine);
  }

  // ---------------------------------------------------------------- internals

  private BatchEngine.Config config() {
    String batcherName = name != null ? name : Integer.toString(SEQUENCE.incrementAndGet());
    return new BatchEngine.Config(
        batcherName,
        maxBatchSize == UNSET ? 256 : maxBatchSize,
        lingerNanos == UNSET ? 0 : lingerNanos,
        ticker == null ? System::nanoTime : ticker,
        backpressure == null ? BackpressurePolicy.BLOCK : backpressure,
        offerTimeoutNanos == UNSET ? Duration.ofSeconds(30).toNanos() : offerTimeoutNanos,
        maxRetries == UNSET ? 3 : maxRetries,
        retryBackoffNanos == UNSET ? Duration.ofMillis(10).toNanos() : retryBackoffNanos,
        maxRetryBackoffNanos == UNSET ? Duration.ofSeconds(1).toNanos() : maxRetryBackoffNanos);
  }

  private int capacityOrDefault() {
    return capacity == UNSET ? 1 << 16 : capacity;
  }

  private void start(BatchEngine<?, ?> engine) {
    if (executor != null) {
      executor.execute(engine);
    } else {
      Thread thread = new Thread(engine, "perfkit-batcher-" + engine.name);
      thread.setDaemon(daemon == null || daemon);
      thread.start();
    }
  }

  private static long nonNegativeNanos(Duration duration, String name) {
    Objects.requireNonNull(duration, () -> name + " must not be null");
    Checks.requireArgument(!duration.isNegative(), "%s: %s (expected: >= 0)", name, duration);
    return saturatedNanos(duration);
  }

  private static long saturatedNanos(Duration duration) {
    long cap = Long.MAX_VALUE / 4; // "forever" without overflowing deadline arithmetic
    try {
      return Math.min(duration.toNanos(), cap);
    } catch (ArithmeticException overflow) {
      return cap;
    }
  }
}
