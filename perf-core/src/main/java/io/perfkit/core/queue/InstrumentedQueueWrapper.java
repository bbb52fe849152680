package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.internal.QueueChecks;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.QueueProgressIndicators;

/** Cold, read-only state of an {@link InstrumentedQueue}, ahead of the padding. */
abstract class InstrumentedQueueFields<E> extends AbstractQueue<E> implements MessagePassingQueue<E> {
  /** The wrapped queue, seen raw: the wrapper stores only the E elements its callers offer. */
  final MessagePassingQueue<Object> delegate;
  /** The wrapped queue's own indices, or null if it does not expose them. */
  final QueueProgressIndicators progress;
  /** Offer times of the sampled positions. */
  final OfferStamps stamps;
  /** sampleInterval - 1: position p is sampled iff {@code (p & sampleMask) == 0}. */
  final long sampleMask;
  final LatencyRecorder timeInQueue;
  /** The wrapped queue allows one producer thread only: positions come from producerPosition. */
  final boolean singleProducer;
  /** The wrapped queue allows one consumer thread only: positions come from consumerPosition. */
  final boolean singleConsumer;

  InstrumentedQueueFields(MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    this.delegate = delegate;
    this.progress =
        delegate instanceof QueueProgressIndicators ? (QueueProgressIndicators) delegate : null;
    this.stamps = new OfferStamps(sampleInterval, delegate.capacity());
    this.sampleMask = sampleInterval - 1L;
    this.timeInQueue = r;
    // JCTools' naming convention (and ours) states the contract: Spsc*, Mpsc*, Spmc*, Mpmc*. A
    // queue of any other name is treated as many-to-many, which is always correct, only slower.
    String name = delegate.getClass().getSimpleName();
    this.singleProducer = name.startsWith("Spsc") || name.startsWith("Spmc");
    this.singleConsumer = name.startsWith("Spsc") || name.startsWith("Mpsc");
  }
}

abstract class InstrumentedQueuePad0<E> extends InstrumentedQueueFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedQueuePad0(MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval, r);
  }
}

/** The producers' fields, on their own cache lines. */
abstract class InstrumentedQueueProducerFields<E> extends InstrumentedQueuePad0<E> {
  /**
   * Single-producer queues only: the position the next successful offer takes (positions count
   * from the wrapped queue's producer index, or its size, at wrapping). Producer-private, plain.
   */
  long producerPosition;

  /**
   * Offers that found the queue full: single-writer opaque increments when the wrapped queue has one
   * producer, atomic adds otherwise.
   */
  volatile long offersRejected;

  InstrumentedQueueProducerFields(
      MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval, r);
    // plain: the wrapper is published to the producer like the wrapped queue itself
    this.producerPosition = progress != null ? progress.currentProducerIndex() : delegate.size();
  }
}

abstract class InstrumentedQueuePad1<E> extends InstrumentedQueueProducerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedQueuePad1(MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval, r);
  }
}

/** The consumers' fields, on their own cache lines. */
abstract class InstrumentedQueueConsumerFields<E> extends InstrumentedQueuePad1<E> {
  /**
   * Single-consumer queues only: the position the next successful poll takes (counted like
   * producerPosition). Consumer-private, plain.
   */
  long consumerPosition;

  /**
   * Polls that found the queue empty: single-writer opaque increments when the wrapped queue has one
   * consumer, atomic adds otherwise.
   */
  volatile long pollsEmpty;

  InstrumentedQueueConsumerFields(
      MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval, r);
    this.consumerPosition = progress != null ? progress.currentConsumerIndex() : 0L; // plain, as above
  }
}

abstract class InstrumentedQueuePad2<E> extends InstrumentedQueueConsumerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedQueuePad2(MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval, r);
  }
}

/**
 * The {@link InstrumentedQueue} that {@link Queues#instrumented} wraps around any {@link
 * MessagePassingQueue}: it forwards every call and counts around it. The sampling semantics per
 * threading contract are stated on {@link InstrumentedQueue}.
 *
 * @param <E> element type (non-null)
 */
final class InstrumentedQueueWrapper<E> extends InstrumentedQueuePad2<E>
    implements InstrumentedQueue<E> {
  /*
   * Cost model: a single-producer offer adds a load, a mask test and a store of the producer's own
   * position (on a producer-private cache line); a single-consumer poll adds the same on the
   * consumer's line. Neither touches the element: an earlier design wrapped sampled elements in a
   * holder and type-checked every polled element, which loads the element's header (a cache miss
   * per element when elements are not already cached) and allocated per sample. With several
   * producers (consumers) the offer (poll) instead reads the wrapped queue's producer (consumer)
   * index, a line the operation itself touches. Sampled positions (one in sampleInterval) cost a
   * nanoTime and a few stores into OfferStamps; the failure counters are touched only on the failure
   * paths, each on its own side's padded cache lines (two LongAdders allocated side by side would
   * share a line between the producer and the consumer).
   */

  /** Batch size of the wait-strategy drain/fill loops and of unbounded drain/fill. */
  private static final int BATCH = 4096;
  /** "Not sampled" for multi-producer stamping and multi-consumer polls. */
  private static final long NO_POSITION = -1L;

  private static final VarHandle OFFERS_REJECTED;
  private static final VarHandle POLLS_EMPTY;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OFFERS_REJECTED =
          lookup.findVarHandle(InstrumentedQueueProducerFields.class, "offersRejected", long.class);
      POLLS_EMPTY =
          lookup.findVarHandle(InstrumentedQueueConsumerFields.class, "pollsEmpty", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  InstrumentedQueueWrapper(MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval, r);
  }

  @Override
  public QueueStats stats() {
    return new QueueStats(
        delegate.size(),
        delegate.capacity(),
        offersRejected, // volatile read: sees the latest atomic add or opaque store
        pollsEmpty, // volatile read: sees the latest atomic add or opaque store
        timeInQueue.snapshot());
  }

  private void rejected() {
    if (singleProducer) {
      // Single writer (the queue's one producer): a plain read-modify-write loses nothing, and the
      // opaque store is enough for stats() readers, which need a recent value, not an ordering.
      // A locked add here cost 43 % of throughput in a spin-retry transfer benchmark.
      OFFERS_REJECTED.setOpaque(this, (long) OFFERS_REJECTED.getOpaque(this) + 1L);
    } else {
      OFFERS_REJECTED.getAndAdd(this, 1L); // atomic: producers may fail concurrently
    }
  }

  private void empty() {
    if (singleConsumer) {
      // Single writer (the queue's one consumer): as for rejected(), opaque suffices.
      POLLS_EMPTY.setOpaque(this, (long) POLLS_EMPTY.getOpaque(this) + 1L);
    } else {
      POLLS_EMPTY.getAndAdd(this, 1L); // atomic: consumers may fail concurrently
    }
  }

  @SuppressWarnings("unchecked") // only offer/fill, which take E, put elements into delegate
  private static <E> E cast(Object element) {
    return (E) element;
  }

  /* ---------------- producer side ---------------- */

  /** Several producers: stamps the queue's next position if it is sampled; returns it or NO_POSITION. */
  private long stampNextPosition() {
    if (progress == null) {
      return NO_POSITION;
    }
    long position = progress.currentProducerIndex();
    if ((position & sampleMask) != 0 || !stamps.stampShared(position, System.nanoTime())) {
      return NO_POSITION;
    }
    return position;
  }

  private boolean offer(E e, boolean relaxed) {
    QueueChecks.checkElement(e);
    if (singleProducer) {
      long position = producerPosition; // plain: producer-private
      if ((position & sampleMask) == 0) {
        // before the offer: the queue's release of the element publishes the stamp with it
        stamps.stampSingleWriter(position);
      }
      if (relaxed ? delegate.relaxedOffer(e) : delegate.offer(e)) {
        producerPosition = position + 1; // plain: producer-private
        return true;
      }
    } else {
      long stamped = stampNextPosition();
      if (relaxed ? delegate.relaxedOffer(e) : delegate.offer(e)) {
        return true;
      }
      if (stamped != NO_POSITION) {
        stamps.withdraw(stamped); // nobody took the position yet: a later offer will stamp it
      }
    }
    rejected();
    return false;
  }

  @Override
  public boolean offer(E e) {
    return offer(e, false);
  }

  @Override
  public boolean relaxedOffer(E e) {
    return offer(e, true);
  }

  /** Adds up to {@code limit} supplied elements; does not count an empty fill. */
  private int fillUncounted(Supplier<E> supplier, int limit) {
    if (singleProducer) {
      return delegate.fill(
          () -> {
            E e = supplier.get();
            QueueChecks.checkElement(e);
            long position = producerPosition; // plain: producer-private
            if ((position & sampleMask) == 0) {
              stamps.stampSingleWriter(position); // before the queue publishes the element
            }
            producerPosition = position + 1; // the queue asks only for elements it will add
            return e;
          },
          limit);
    }
    if (progress == null || limit == 0) {
      return delegate.fill(() -> checked(supplier.get()), limit);
    }
    // The batch takes positions at or after start: stamp the sampled ones it may take, then
    // withdraw the stamps of positions nobody took during the call. Only positions below
    // consumed + min(capacity, table lap) can be taken now; stamping beyond would overwrite the
    // stamps of queued positions one table lap earlier. (consumed is read first: a stale, smaller
    // value only narrows the range.)
    long interval = sampleMask + 1;
    long consumed = progress.currentConsumerIndex();
    long start = progress.currentProducerIndex();
    long lap = (long) stamps.slots() * interval;
    int capacity = delegate.capacity();
    long reach = capacity == UNBOUNDED_CAPACITY ? lap : Math.min(capacity, lap);
    long end = Math.min(start + limit, consumed + reach);
    long first = (start + sampleMask) & ~sampleMask;
    long now = System.nanoTime();
    for (long position = first; position < end; position += interval) {
      stamps.stampShared(position, now);
    }
    int filled = delegate.fill(() -> checked(supplier.get()), limit);
    long next = progress.currentProducerIndex();
    for (long position = Math.max(first, (next + sampleMask) & ~sampleMask);
        position < end;
        position += interval) {
      stamps.withdraw(position);
    }
    return filled;
  }

  private static <E> E checked(E element) {
    QueueChecks.checkElement(element);
    return element;
  }

  /* ---------------- consumer side ---------------- */

  /** Records the time since {@code offeredNanos} unless there is no stamp. */
  private void recordSince(long offeredNanos) {
    if (offeredNanos != Long.MIN_VALUE) {
      timeInQueue.record(Math.max(0, System.nanoTime() - offeredNanos));
    }
  }

  /** Single consumer: advances the consumer's position past one removed element. */
  private void removedOne() {
    long position = consumerPosition; // plain: consumer-private
    consumerPosition = position + 1;
    if ((position & sampleMask) == 0) {
      recordSince(stamps.take(position));
    }
  }

  /** Polls without counting an empty poll. */
  private E pollUncounted(boolean relaxed) {
    if (singleConsumer) {
      Object polled = relaxed ? delegate.relaxedPoll() : delegate.poll();
      if (polled != null) {
        removedOne();
      }
      return cast(polled);
    }
    long position = progress == null ? NO_POSITION : progress.currentConsumerIndex();
    Object polled = relaxed ? delegate.relaxedPoll() : delegate.poll();
    if (polled != null && position != NO_POSITION && (position & sampleMask) == 0) {
      recordSince(stamps.takeShared(position));
    }
    return cast(polled);
  }

  @Override
  public E poll() {
    E polled = pollUncounted(false);
    if (polled == null) {
      empty();
    }
    return polled;
  }

  @Override
  public E relaxedPoll() {
    E polled = pollUncounted(true);
    if (polled == null) {
      empty();
    }
    return polled;
  }

  /** Removes up to {@code limit} elements; does not count an empty drain. */
  private int drainUncounted(Consumer<E> consumer, int limit) {
    if (singleConsumer) {
      return delegate.drain(
          polled -> {
            removedOne(); // before accepting: the consumer may throw
            consumer.accept(cast(polled));
          },
          limit);
    }
    // Several consumers: which position a drained element had is unknown, so drain by polls.
    int drained = 0;
    while (drained < limit) {
      E polled = pollUncounted(true);
      if (polled == null) {
        break;
      }
      drained++;
      consumer.accept(polled);
    }
    return drained;
  }

  @Override
  public E peek() {
    return cast(delegate.peek());
  }

  @Override
  public E relaxedPeek() {
    return cast(delegate.relaxedPeek());
  }

  @Override
  public int size() {
    return delegate.size();
  }

  @Override
  public boolean isEmpty() {
    return delegate.isEmpty();
  }

  @Override
  public int capacity() {
    return delegate.capacity();
  }

  @Override
  public void clear() {
    // a consumer operation; cleared elements are not timed, but they do take positions
    while (delegate.poll() != null) {
      if (singleConsumer) {
        consumerPosition++; // plain: consumer-private
      }
    }
  }

  @Override
  public int drain(Consumer<E> consumer, int limit) {
    Checks.requireNonNull(consumer, "consumer");
    QueueChecks.checkLimit(limit);
    int drained = drainUncounted(consumer, limit);
    if (drained == 0 && limit > 0) {
      empty();
    }
    return drained;
  }

  @Override
  public int drain(Consumer<E> consumer) {
    int capacity = capacity();
    return drain(consumer, capacity == UNBOUNDED_CAPACITY ? BATCH : capacity);
  }

  /**
   * Drains in batches while {@code exit} says to keep running, idling through {@code wait} after
   * each empty batch; empty batches are not counted as empty polls.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public void drain(Consumer<E> consumer, WaitStrategy wait, ExitCondition exit) {
    Checks.requireNonNull(consumer, "consumer");
    Checks.requireNonNull(wait, "wait");
    Checks.requireNonNull(exit, "exit");
    int idle = 0;
    while (exit.keepRunning()) {
      idle = drainUncounted(consumer, BATCH) == 0 ? wait.idle(idle) : 0;
    }
  }

  @Override
  public int fill(Supplier<E> supplier, int limit) {
    Checks.requireNonNull(supplier, "supplier");
    QueueChecks.checkLimit(limit);
    int filled = fillUncounted(supplier, limit);
    if (filled == 0 && limit > 0) {
      rejected();
    }
    return filled;
  }

  @Override
  public int fill(Supplier<E> supplier) {
    int capacity = capacity();
    return fill(supplier, capacity == UNBOUNDED_CAPACITY ? BATCH : capacity);
  }

  /**
   * Fills in batches while {@code exit} says to keep running, idling through {@code wait} after
   * each batch that found the queue full; full batches are not counted as rejected offers.
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public void fill(Supplier<E> supplier, WaitStrategy wait, ExitCondition exit) {
    Checks.requireNonNull(supplier, "supplier");
    Checks.requireNonNull(wait, "wait");
    Checks.requireNonNull(exit, "exit");
    int idle = 0;
    while (exit.keepRunning()) {
      idle = fillUncounted(supplier, BATCH) == 0 ? wait.idle(idle) : 0;
    }
  }

  /**
   * A weakly consistent iterator over the wrapped queue (if it is a {@link java.util.Queue});
   * {@code remove} is unsupported.
   *
   * @return an iterator
   * @throws UnsupportedOperationException if the wrapped queue cannot be iterated
   */
  @Override
  public Iterator<E> iterator() {
    if (!(delegate instanceof java.util.Queue)) {
      throw new UnsupportedOperationException("iteration: the wrapped queue is not a Queue");
    }
    Iterator<?> raw = ((java.util.Queue<?>) delegate).iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return raw.hasNext();
      }

      @Override
      public E next() {
        return cast(raw.next());
      }
    };
  }

  @Override
  public String toString() {
    return "InstrumentedQueue[" + delegate + "]";
  }
}
