package io.perfkit.pool.batch;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.metrics.LatencySnapshot;
import io.perfkit.core.metrics.RateMeter;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.jctools.queues.MessagePassingQueue;

/**
 * The consumer loop shared by every batcher flavour: a bounded MPSC intake, per-key buffers, the
 * size/linger/adaptive triggers, retries, dead letters, flush and close.
 *
 * @param <K> key type ({@code Object} and a constant key for unkeyed batchers)
 * @param <T> item type
 */
final class BatchEngine<K, T> implements Runnable {
  /*
   * Design.
   *
   * Producers offer into a bounded JCTools MPSC queue (perf-core's Queues.mpsc). One consumer, on a
   * thread the engine owns or on one task of a user executor, drains up to maxBatchSize items per
   * loop into per-key buffers and hands a batch to the sink when a trigger fires:
   *   size     - a buffer holds maxBatchSize items;
   *   linger   - the oldest buffered item was drained lingerNanos ago (linger > 0);
   *   adaptive - linger == 0: any non-empty buffer is flushed as soon as the consumer is free, so a
   *              batch is whatever accumulated while the previous batch was processed ("smart
   *              batching"): 1 item at low load, up to maxBatchSize under load;
   *   flush()  - everything accepted before the call; close() - everything.
   *
   * Wake-ups: the consumer publishes consumerParked = true (volatile) and then re-reads the intake
   * (JCTools' isEmpty reads both indices with volatile loads) before parking; a producer CASes the
   * producer index and then reads consumerParked (volatile). Sequential consistency of these
   * volatile/CAS accesses means one of the two sees the other: no lost wake-up (Dekker).
   *
   * Ownership: the consumer touches the queue and the buffers only while holding consumerLock, and
   * never holds it while running the sink or parking. close() waits for the consumer to finish; on
   * timeout it takes the lock, marks the engine ABANDONED (the consumer exits the next time it
   * takes the lock) and collects the buffers and the intake itself, so the single-consumer rule of
   * the MPSC queue always holds. Producers that offered concurrently with the final sweep see
   * state == CLOSED after their offer (same Dekker argument: offer CAS, then volatile state read,
   * versus the closer's volatile state write, then its isEmpty/poll) and sweep the intake into the
   * dead-letter path themselves, under the same lock.
   *
   * Accounting at an expired close: a batch taken from the buffers is published as inFlight while
   * the consumer still holds the lock, so close() either collects an item from the buffers/intake
   * or reports the batch holding it in flight. An in-flight batch ends as processed or
   * dead-lettered; both counters move only after the processor returned or the handler took (or
   * the engine retained) the batch, so stats never account for items that are nowhere yet.
   */

  static final int RUNNING = 0;
  static final int CLOSING = 1;
  static final int ABANDONED = 2;
  static final int CLOSED = 3;

  /*
   * A few spins before parking catch an item that arrives right after a batch. No Thread.yield():
   * on an oversubscribed machine a yielding thread loses the wake-up preemption a parked one gets,
   * which measured as milliseconds of added latency at low load (docs/benchmarks/pooling.md).
   */
  private static final int SPIN_TRIES = 32;
  private static final long MAX_BLOCK_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(50);
  private static final System.Logger LOG = System.getLogger(BatchEngine.class.getName());

  /** The work a batch goes to. */
  interface Sink<K, T> {
    void process(K key, List<T> batch) throws Exception;
  }

  /**
   * Where given-up batches go; must not lose them (it may throw: the engine then keeps them). A null
   * Failure means "keep them for the close report".
   */
  interface Failure<T> {
    void deadLetter(List<T> batch, Throwable cause);
  }

  /** One key's pending items and when the oldest was drained. */
  private static final class Buffer<T> {
    ArrayList<T> items = new ArrayList<>();
    long firstNanos;
  }

  // ---------------------------------------------------------------- configuration
  final String name;
  private final int maxBatchSize;
  private final long lingerNanos;
  private final LongSupplier ticker;
  private final BackpressurePolicy backpressure;
  private final long offerTimeoutNanos;
  private final int maxRetries;
  private final long retryBackoffNanos;
  private final long maxRetryBackoffNanos;
  private final Function<? super T, ? extends K> keyFunction;
  private final K constantKey;
  private final Sink<K, T> sink;
  private final Failure<T> failure;
  private final Consumer<? super T> dropListener;
  private BatchJournal<T> journal; // set once, before the engine is published

  // ---------------------------------------------------------------- shared state
  private final MessagePassingQueue<T> intake;
  private final ReentrantLock consumerLock = new ReentrantLock();
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final AtomicBoolean consumerParked = new AtomicBoolean();
  private volatile Thread consumer;
  private final AtomicLong flushRequests = new AtomicLong();
  private volatile long flushesDone;
  private final Object flushMonitor = new Object();
  private final List<T> retainedFailures = new ArrayList<>(); // guarded by itself
  private boolean failuresReported; // guarded by retainedFailures: close() copied them
  private volatile Consumer<String> lateFailureLog =
      message -> LOG.log(System.Logger.Level.WARNING, message);
  // serializes dead-letter hand-overs: the consumer and a sweeping producer never overlap
  private final ReentrantLock deadLetterLock = new ReentrantLock();
  // size of the batch taken from the buffers and not yet counted as processed or dead-lettered;
  // written under consumerLock when taken (so an expiring close() cannot miss it), reset after
  private volatile int inFlight;
  private CloseReport<T> closeReport; // guarded by this

  // counters written by producers
  private final LongAdder accepted = new LongAdder();
  private final LongAdder rejected = new LongAdder();
  private final LongAdder dropped = new LongAdder();
  // counters written by the consumer (or, for dead letters, a sweeping producer)
  private final LongAdder deadLettered = new LongAdder();
  private final AtomicLong processed = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong retries = new AtomicLong();
  private final AtomicLongArray sizeBuckets = new AtomicLongArray(31);
  private final RateMeter processedRate = RateMeter.create();
  private final LatencyRecorder latency; // recorded by the sink wrapper; null if off

  // ---------------------------------------------------------------- consumer-only state (under lock)
  private final Map<K, Buffer<T>> buffers = new LinkedHashMap<>();
  private final MessagePassingQueue.Consumer<T> router = this::route;
  private K lastKey;
  private Buffer<T> lastBuffer;
  private K readyKey;
  private long drained;
  private long flushTicket;
  private long flushTarget = -1;
  private long now;

  /** The builder's settings, validated. */
  record Config(
      String name,
      int maxBatchSize,
      long lingerNanos,
      LongSupplier ticker,
      BackpressurePolicy backpressure,
      long offerTimeoutNanos,
      int maxRetries,
      long retryBackoffNanos,
      long maxRetryBackoffNanos) {}

  BatchEngine(
      Config config,
      Function<? super T, ? extends K> keyFunction,
      K constantKey,
      Sink<K, T> sink,
      Failure<T> failure,
      Consumer<? super T> dropListener,
      MessagePassingQueue<T> intake,
      LatencyRecorder latency) {
    this.name = config.name();
    this.maxBatchSize = config.maxBatchSize();
    this.lingerNanos = config.lingerNanos();
    this.ticker = config.ticker();
    this.backpressure = config.backpressure();
    this.offerTimeoutNanos = config.offerTimeoutNanos();
    this.maxRetries = config.maxRetries();
    this.retryBackoffNanos = config.retryBackoffNanos();
    this.maxRetryBackoffNanos = config.maxRetryBackoffNanos();
    this.keyFunction = keyFunction;
    this.constantKey = constantKey;
    this.sink = sink;
    this.failure = failure;
    this.dropListener = dropListener;
    this.intake = intake;
    this.latency = latency;
  }

  // ================================================================ producer side

  /** Offers under the configured policy; true if accepted. Never blocks except under BLOCK. */
  boolean offer(T item) {
    if (item == null) {
      throw new NullPointerException("item must not be null");
    }
    if (state.get() != RUNNING) {
      throw new IllegalStateException("batcher '" + name + "' is closed");
    }
    if (journal != null) {
      if (!offerJournaled(item)) {
        return false;
      }
    } else if (!intake.offer(item) && !offerSlowPath(item)) {
      return false;
    }
    accepted.increment();
    if (consumerParked.get() && consumerParked.compareAndSet(true, false)) {
      // Dekker read after the offer's CAS: see the class comment.
      LockSupport.unpark(consumer);
    }
    if (state.get() == CLOSED) {
      // our item raced with close()'s final sweep: report it (and any other straggler).
      sweepAfterClose();
    }
    return true;
  }

  private boolean offerSlowPath(T item) {
    switch (backpressure) {
      case FAIL_FAST:
        rejected.increment();
        return false;
      case DROP:
        dropped.increment();
        if (dropListener != null) {
          dropListener.accept(item);
        }
        return false;
      case BLOCK:
      default:
        long deadline = ticker.getAsLong() + offerTimeoutNanos;
        long parkNanos = 1_000;
        while (true) {
          wakeConsumer();
          if (intake.offer(item)) {
            return true;
          }
          if (state.get() != RUNNING || ticker.getAsLong() - deadline >= 0) {
            rejected.increment();
            return false;
          }
          LockSupport.parkNanos(this, parkNanos);
          parkNanos = Math.min(parkNanos * 2, MAX_BLOCK_PARK_NANOS);
        }
    }
  }

  /**
   * Journal mode: under the journal's monitor, wait for (or give up on) room first, so an item is
   * journaled only if it will be accepted; then append and enqueue, in the same order.
   */
  private boolean offerJournaled(T item) {
    synchronized (journal) {
      long deadline = ticker.getAsLong() + offerTimeoutNanos;
      long parkNanos = 1_000;
      // only the consumer removes concurrently, so size() < capacity() guarantees the offer below
      while (intake.size() >= intake.capacity()) {
        if (backpressure != BackpressurePolicy.BLOCK) {
          return offerSlowPath(item); // FAIL_FAST or DROP: counted, not journaled
        }
        if (state.get() != RUNNING || ticker.getAsLong() - deadline >= 0) {
          rejected.increment();
          return false;
        }
        wakeConsumer();
        LockSupport.parkNanos(this, parkNanos);
        parkNanos = Math.min(parkNanos * 2, MAX_BLOCK_PARK_NANOS);
      }
      journal.append(item);
      if (!intake.offer(item)) {
        throw new IllegalStateException("intake refused an item after room was checked");
      }
      return true;
    }
  }

  /** Sets the journal; called once, before the consumer starts (thread start publishes it). */
  void setJournal(BatchJournal<T> journal) {
    this.journal = journal;
  }

  /** Replays what the journal holds; called once, after the consumer started, before offers. */
  void replayJournal() {
    synchronized (journal) {
      journal.replay(item -> {
        while (!intake.offer(item)) {
          wakeConsumer();
          LockSupport.parkNanos(this, MAX_BLOCK_PARK_NANOS);
        }
        accepted.increment();
        wakeConsumer();
      });
    }
  }

  private void wakeConsumer() {
    consumerParked.set(false);
    Thread c = consumer;
    if (c != null) {
      LockSupport.unpark(c);
    }
  }

  private void sweepAfterClose() {
    List<T> orphans = new ArrayList<>();
    consumerLock.lock();
    try {
      pollAll(orphans);
    } finally {
      consumerLock.unlock();
    }
    if (!orphans.isEmpty()) {
      deadLetter(orphans, new RejectedExecutionException(
          "batcher '" + name + "' closed before the item could be processed"));
    }
  }

  /** Strict drain: poll() waits for an element whose slot is claimed but not yet written. */
  private void pollAll(List<T> into) {
    while (!intake.isEmpty()) {
      T t = intake.poll();
      if (t != null) {
        into.add(t);
      } else {
        Thread.onSpinWait();
      }
    }
  }

  // ================================================================ consumer side

  @Override
  public void run() {
    consumer = Thread.currentThread();
    try {
      loop();
    } finally {
      consumer = null;
      terminated.countDown();
      synchronized (flushMonitor) {
        flushMonitor.notifyAll();
      }
    }
  }

  private void loop() {
    int idle = 0;
    while (true) {
      List<T> batch;
      K key;
      long waitNanos = -1;
      consumerLock.lock();
      try {
        int s = state.get();
        if (s >= ABANDONED) {
          return;
        }
        boolean closing = s == CLOSING;
        now = ticker.getAsLong();
        long ticket = flushRequests.get();
        if (flushTarget < 0 && ticket > flushTicket) {
          // everything offered before flush() returned its ticket is counted by size() now
          flushTicket = ticket;
          flushTarget = drained + intake.size();
        }
        int limit = maxBatchSize;
        if (!closing && flushTarget >= 0) {
          limit = (int) Math.min(limit, Math.max(0, flushTarget - drained));
        }
        if (limit > 0) {
          drained += intake.drain(router, limit);
        }
        boolean flushTargetReached = flushTarget >= 0 && drained >= flushTarget;
        batch = takeReady(closing || flushTargetReached);
        key = readyKey;
        if (batch != null) {
          // still under the lock: a close() that expires from here on reports this batch in flight
          inFlight = batch.size();
        }
        if (batch == null) {
          // every buffer is empty if forced; otherwise nothing is due yet
          if (flushTargetReached) {
            completeFlush(flushTicket);
            flushTarget = -1;
            continue;
          }
          boolean intakeEmpty = intake.isEmpty();
          if (closing && intakeEmpty) {
            completeFlush(Long.MAX_VALUE); // everything accepted so far has been processed
            return;
          }
          waitNanos = (closing || flushTarget >= 0 || !intakeEmpty) ? 0 : nanosToNextDeadline();
        }
      } finally {
        consumerLock.unlock();
      }
      if (batch != null) {
        idle = 0;
        process(key, batch);
      } else {
        idle = idle(waitNanos, idle);
      }
    }
  }

  private void route(T item) {
    K key = keyFunction == null ? constantKey : keyFunction.apply(item);
    Buffer<T> buffer;
    if (key == lastKey && lastBuffer != null) {
      buffer = lastBuffer;
    } else {
      buffer = buffers.computeIfAbsent(key, k -> new Buffer<>());
      lastKey = key;
      lastBuffer = buffer;
    }
    if (buffer.items.isEmpty()) {
      buffer.firstNanos = now;
    }
    buffer.items.add(item);
  }

  /** Takes one due batch (and sets readyKey), or returns null. */
  private List<T> takeReady(boolean force) {
    for (Iterator<Map.Entry<K, Buffer<T>>> it = buffers.entrySet().iterator(); it.hasNext(); ) {
      Map.Entry<K, Buffer<T>> e = it.next();
      Buffer<T> b = e.getValue();
      int size = b.items.size();
      if (size == 0) {
        if (keyFunction != null) {
          it.remove(); // keyed: do not keep one buffer per key ever seen
          if (b == lastBuffer) {
            lastBuffer = null;
            lastKey = null;
          }
        }
        continue;
      }
      if (force || size >= maxBatchSize || lingerNanos == 0 || now - b.firstNanos >= lingerNanos) {
        List<T> batch;
        if (size <= maxBatchSize) {
          batch = b.items; // hand the whole buffer over: no copy
          b.items = new ArrayList<>(Math.min(size * 2, maxBatchSize));
        } else {
          List<T> head = b.items.subList(0, maxBatchSize);
          batch = new ArrayList<>(head);
          head.clear();
        }
        readyKey = e.getKey();
        return batch;
      }
    }
    return null;
  }

  private long nanosToNextDeadline() {
    long wait = -1;
    for (Buffer<T> b : buffers.values()) {
      if (!b.items.isEmpty()) {
        long left = Math.max(1, b.firstNanos + lingerNanos - now);
        wait = wait < 0 ? left : Math.min(wait, left);
      }
    }
    return wait;
  }

  /** Spins briefly (low wake-up latency at low load), then parks. */
  private int idle(long waitNanos, int idle) {
    if (waitNanos == 0) {
      Thread.onSpinWait();
      return idle;
    }
    if (waitNanos < 0 && idle < SPIN_TRIES) {
      Thread.onSpinWait();
      return idle + 1;
    }
    // volatile write, then volatile reads of the intake indices: pairs with offer (class comment)
    consumerParked.set(true);
    VarHandle.fullFence(); // isEmpty's acquire loads must not float above the volatile store
    if (intake.isEmpty() && flushRequests.get() == flushTicket && state.get() == RUNNING) {
      Thread.interrupted(); // a stray interrupt must not turn parking into spinning
      if (waitNanos < 0) {
        LockSupport.park(this);
      } else {
        LockSupport.parkNanos(this, waitNanos);
      }
    }
    consumerParked.set(false);
    return idle;
  }

  /** Processes, retries or dead-letters a batch; inFlight was set when it was taken. */
  private void process(K key, List<T> batch) {
    long backoff = retryBackoffNanos;
    int attempt = 0;
    while (true) {
      try {
        sink.process(key, batch);
        int n = batch.size();
        processed.addAndGet(n);
        batches.incrementAndGet();
        sizeBuckets.incrementAndGet(31 - Integer.numberOfLeadingZeros(n));
        processedRate.mark(n);
        if (journal != null) {
          journal.batchDone(n);
        }
        break;
      } catch (Throwable e) {
        if (attempt >= maxRetries || state.get() >= ABANDONED) {
          deadLetter(batch, e);
          if (journal != null) {
            journal.batchDone(batch.size()); // reported to the dead-letter handler: done
          }
          break;
        }
        attempt++;
        retries.incrementAndGet();
        backOff(backoff);
        backoff = Math.min(Math.max(backoff, 1) * 2, maxRetryBackoffNanos);
      }
    }
    inFlight = 0;
  }

  private void backOff(long nanos) {
    long deadline = System.nanoTime() + nanos;
    long left = nanos;
    while (left > 0 && state.get() < ABANDONED) {
      LockSupport.parkNanos(this, left);
      left = deadline - System.nanoTime();
    }
  }

  /**
   * Hands a given-up batch to the handler (or keeps it), and only then counts it: a reader that
   * sees deadLettered cover an item can find that item in the handler's hands or in the retained
   * failures. Counting first opened a window in which stats accounted for a batch that was in
   * neither place (issue: a batch in flight at an expired close, dead-lettered afterwards).
   */
  private void deadLetter(List<T> batch, Throwable cause) {
    int n = batch.size();
    deadLetterLock.lock();
    try {
      if (failure == null) {
        retain(batch);
      } else {
        try {
          failure.deadLetter(batch, cause);
        } catch (Throwable handlerFailure) {
          retain(batch);
        }
      }
      deadLettered.add(n);
    } finally {
      deadLetterLock.unlock();
    }
  }

  private void retain(List<T> batch) {
    synchronized (retainedFailures) {
      if (!failuresReported) {
        retainedFailures.addAll(batch); // close() will put them into CloseReport.failed()
        return;
      }
    }
    // close() already built its report (an in-flight batch that failed after an expired close,
    // or an offer that raced close's sweep, with no handler or a throwing one): the report cannot
    // take them any more, so say so rather than keep them where nobody looks
    lateFailureLog.accept("batcher '" + name + "': " + batch.size() + " item(s) failed after "
        + "close() returned its report and no dead-letter handler took them: " + batch);
  }

  private void completeFlush(long ticket) {
    flushesDone = ticket;
    synchronized (flushMonitor) {
      flushMonitor.notifyAll();
    }
  }

  // ================================================================ control

  boolean flush(long timeoutNanos) throws InterruptedException {
    if (state.get() != RUNNING) {
      throw new IllegalStateException("batcher '" + name + "' is closed");
    }
    long ticket = flushRequests.incrementAndGet();
    wakeConsumer();
    long deadline = System.nanoTime() + timeoutNanos;
    synchronized (flushMonitor) {
      while (flushesDone < ticket) {
        if (terminated.getCount() == 0) {
          return flushesDone >= ticket;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(flushMonitor, left);
      }
    }
    return true;
  }

  synchronized CloseReport<T> close(long timeoutNanos) throws InterruptedException {
    if (closeReport != null) {
      return closeReport;
    }
    state.compareAndSet(RUNNING, CLOSING);
    wakeConsumer();
    boolean completed = terminated.await(timeoutNanos, TimeUnit.NANOSECONDS);
    List<T> unprocessed = new ArrayList<>();
    int stillInFlight = 0;
    consumerLock.lock();
    try {
      if (!completed) {
        state.set(ABANDONED); // the consumer exits the next time it takes the lock
        stillInFlight = inFlight;
        for (Buffer<T> b : buffers.values()) {
          unprocessed.addAll(b.items);
          b.items.clear();
        }
        wakeConsumer();
      }
      state.set(CLOSED); // volatile write, then the sweep's reads of the indices: pairs with offer
      // the queue's isEmpty() reads its indices with acquire loads, which the JMM lets float above
      // a volatile store; the fence keeps the Dekker pairing with offer's CAS-then-state-read
      VarHandle.fullFence();
      pollAll(unprocessed);
    } finally {
      consumerLock.unlock();
    }
    List<T> failed;
    synchronized (retainedFailures) {
      failed = new ArrayList<>(retainedFailures);
      failuresReported = true; // later retains are logged instead (see retain)
    }
    closeReport = new CloseReport<>(completed && unprocessed.isEmpty(), unprocessed, failed,
        stillInFlight);
    if (journal != null && closeReport.completed()) {
      journal.allDone();
    }
    return closeReport;
  }

  boolean isClosed() {
    return state.get() != RUNNING;
  }

  BatcherStats stats() {
    long[] buckets = new long[sizeBuckets.length()];
    for (int i = 0; i < buckets.length; i++) {
      buckets[i] = sizeBuckets.get(i);
    }
    return new BatcherStats(accepted.sum(), processed.get(), batches.get(), rejected.sum(),
        dropped.sum(), retries.get(), deadLettered.sum(), buckets, processedRate.snapshot(),
        latency == null ? LatencySnapshot.empty() : latency.snapshot());
  }

  /** Package-private test hook: how many items the consumer has moved into its buffers. */
  long drainedForTest() {
    consumerLock.lock();
    try {
      return drained;
    } finally {
      consumerLock.unlock();
    }
  }

  /** Package-private test hook: where late failures are reported instead of System.Logger. */
  void lateFailureLogForTest(Consumer<String> log) {
    lateFailureLog = log;
  }

  /** Package-private test hook: wakes the consumer so it re-reads a fake ticker. */
  void wakeForTest() {
    wakeConsumer();
  }
}
