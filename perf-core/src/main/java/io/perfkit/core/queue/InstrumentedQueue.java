package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.internal.QueueChecks;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.jctools.queues.MessagePassingQueue;

/** Cold, read-only state of an {@link InstrumentedQueue}, ahead of the padding. */
abstract class InstrumentedQueueFields<E> extends AbstractQueue<E> implements MessagePassingQueue<E> {
  /** Holds the raw queue: elements, or {@link Stamped} wrappers around sampled elements. */
  final MessagePassingQueue<Object> delegate;
  final int sampleMask;
  final LatencyRecorder timeInQueue;
  /** The wrapped queue allows one producer thread only, so offersRejected has a single writer. */
  final boolean singleProducer;
  /** The wrapped queue allows one consumer thread only, so pollsEmpty has a single writer. */
  final boolean singleConsumer;

  InstrumentedQueueFields(MessagePassingQueue<Object> delegate, int sampleMask, LatencyRecorder r) {
    this.delegate = delegate;
    this.sampleMask = sampleMask;
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

  InstrumentedQueuePad0(MessagePassingQueue<Object> delegate, int sampleMask, LatencyRecorder r) {
    super(delegate, sampleMask, r);
  }
}

/** The producers' sampling counter, on its own cache lines. */
abstract class InstrumentedQueueProducerFields<E> extends InstrumentedQueuePad0<E> {
  /**
   * Offers seen, counted with plain (racy) increments: concurrent producers may lose increments,
   * which only makes the sampling period slightly irregular. Never read by the consumer.
   */
  int offerCount;

  /**
   * Offers that found the queue full: single-writer opaque increments when the wrapped queue has one
   * producer, atomic adds otherwise.
   */
  volatile long offersRejected;

  InstrumentedQueueProducerFields(
      MessagePassingQueue<Object> delegate, int sampleMask, LatencyRecorder r) {
    super(delegate, sampleMask, r);
  }
}

abstract class InstrumentedQueuePad1<E> extends InstrumentedQueueProducerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedQueuePad1(MessagePassingQueue<Object> delegate, int sampleMask, LatencyRecorder r) {
    super(delegate, sampleMask, r);
  }
}

/** The consumers' counter, on its own cache lines. */
abstract class InstrumentedQueueConsumerFields<E> extends InstrumentedQueuePad1<E> {
  /**
   * Polls that found the queue empty: single-writer opaque increments when the wrapped queue has one
   * consumer, atomic adds otherwise.
   */
  volatile long pollsEmpty;

  InstrumentedQueueConsumerFields(
      MessagePassingQueue<Object> delegate, int sampleMask, LatencyRecorder r) {
    super(delegate, sampleMask, r);
  }
}

abstract class InstrumentedQueuePad2<E> extends InstrumentedQueueConsumerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedQueuePad2(MessagePassingQueue<Object> delegate, int sampleMask, LatencyRecorder r) {
    super(delegate, sampleMask, r);
  }
}

/**
 * A {@link MessagePassingQueue} that counts what the wrapped queue does: depth, offers rejected
 * because it was full, polls that found it empty, and the time sampled elements spent queued
 * (every {@code sampleInterval}-th offer, into a {@link LatencyRecorder}). Created by {@link
 * Queues#instrumented}; read with {@link #stats()}.
 *
 * <p>The wrapper owns the wrapped queue: once wrapped, use the queue only through the wrapper
 * (sampled elements travel inside a private holder object that only the wrapper unwraps).
 *
 * <p><b>Threading:</b> the wrapped queue's producer/consumer contract applies unchanged; {@link
 * #stats()} may be called from any thread. <b>Ordering:</b> that of the wrapped queue; the counters
 * are weakly consistent with it (a snapshot may miss operations that overlap it). <b>Progress:</b>
 * that of the wrapped queue, plus wait-free counting. <b>Allocation:</b> one small holder per
 * sampled element.
 *
 * @param <E> element type (non-null)
 */
public final class InstrumentedQueue<E> extends InstrumentedQueuePad2<E> {
  /*
   * Cost model: the unsampled offer adds a plain increment and a mask test on a producer-private
   * cache line; the poll adds a type check on the element it already loaded. The failure counters
   * are touched only on the failure paths, each on its own side's padded cache lines (two
   * LongAdders allocated side by side would share a line between the producer and the consumer). A sampled offer reads System.nanoTime and
   * allocates a Stamped; polling it reads nanoTime again and records the difference.
   */

  /** A sampled element and the time it was offered. */
  static final class Stamped {
    final Object element;
    final long offeredNanos;

    Stamped(Object element, long offeredNanos) {
      this.element = element;
      this.offeredNanos = offeredNanos;
    }
  }

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

  InstrumentedQueue(MessagePassingQueue<Object> delegate, int sampleInterval, LatencyRecorder r) {
    super(delegate, sampleInterval - 1, r);
  }

  /**
   * A snapshot of the counters and of the time-in-queue distribution since creation.
   *
   * @return the snapshot
   */
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

  private Object wrapForOffer(E element) {
    QueueChecks.checkElement(element);
    int count = offerCount; // plain: a racy counter, see the field
    offerCount = count + 1;
    return (count & sampleMask) == 0 ? new Stamped(element, System.nanoTime()) : element;
  }

  private E unwrap(Object polled) {
    if (polled instanceof Stamped) {
      Stamped stamped = (Stamped) polled;
      timeInQueue.record(Math.max(0, System.nanoTime() - stamped.offeredNanos));
      return cast(stamped.element);
    }
    return cast(polled);
  }

  @SuppressWarnings("unchecked") // only offer/fill, which take E, put elements into delegate
  private static <E> E cast(Object element) {
    return (E) element;
  }

  private static <E> E peeked(Object element) {
    return element instanceof Stamped ? cast(((Stamped) element).element) : cast(element);
  }

  @Override
  public boolean offer(E e) {
    if (delegate.offer(wrapForOffer(e))) {
      return true;
    }
    rejected();
    return false;
  }

  @Override
  public boolean relaxedOffer(E e) {
    if (delegate.relaxedOffer(wrapForOffer(e))) {
      return true;
    }
    rejected();
    return false;
  }

  @Override
  public E poll() {
    Object polled = delegate.poll();
    if (polled == null) {
      empty();
      return null;
    }
    return unwrap(polled);
  }

  @Override
  public E relaxedPoll() {
    Object polled = delegate.relaxedPoll();
    if (polled == null) {
      empty();
      return null;
    }
    return unwrap(polled);
  }

  @Override
  public E peek() {
    return peeked(delegate.peek());
  }

  @Override
  public E relaxedPeek() {
    return peeked(delegate.relaxedPeek());
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
    while (delegate.poll() != null) {
      // a consumer operation; cleared elements are not counted as time in queue
    }
  }

  @Override
  public int drain(Consumer<E> consumer, int limit) {
    Checks.requireNonNull(consumer, "consumer");
    QueueChecks.checkLimit(limit);
    int drained = delegate.drain(polled -> consumer.accept(unwrap(polled)), limit);
    if (drained == 0 && limit > 0) {
      empty();
    }
    return drained;
  }

  @Override
  public int drain(Consumer<E> consumer) {
    int capacity = capacity();
    return drain(consumer, capacity == UNBOUNDED_CAPACITY ? 4096 : capacity);
  }

  @Override
  public void drain(Consumer<E> consumer, WaitStrategy wait, ExitCondition exit) {
    Checks.requireNonNull(consumer, "consumer");
    Checks.requireNonNull(wait, "wait");
    Checks.requireNonNull(exit, "exit");
    delegate.drain(polled -> consumer.accept(unwrap(polled)), wait, exit);
  }

  @Override
  public int fill(Supplier<E> supplier, int limit) {
    Checks.requireNonNull(supplier, "supplier");
    QueueChecks.checkLimit(limit);
    int filled = delegate.fill(() -> wrapForOffer(supplier.get()), limit);
    if (filled == 0 && limit > 0) {
      rejected();
    }
    return filled;
  }

  @Override
  public int fill(Supplier<E> supplier) {
    int capacity = capacity();
    return fill(supplier, capacity == UNBOUNDED_CAPACITY ? 4096 : capacity);
  }

  @Override
  public void fill(Supplier<E> supplier, WaitStrategy wait, ExitCondition exit) {
    Checks.requireNonNull(supplier, "supplier");
    Checks.requireNonNull(wait, "wait");
    Checks.requireNonNull(exit, "exit");
    delegate.fill(() -> wrapForOffer(supplier.get()), wait, exit);
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
        return peeked(raw.next());
      }
    };
  }

  @Override
  public String toString() {
    return "InstrumentedQueue[" + delegate + "]";
  }
}
