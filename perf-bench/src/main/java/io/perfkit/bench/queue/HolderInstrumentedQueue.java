package io.perfkit.bench.queue;

import io.perfkit.core.metrics.LatencyRecorder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractQueue;
import java.util.Iterator;
import org.jctools.queues.MessagePassingQueue;

/** Cold state of {@link HolderInstrumentedQueue}, ahead of the padding (as in session 1). */
abstract class HolderQueueFields<E> extends AbstractQueue<E> {
  final MessagePassingQueue<Object> delegate;
  final int sampleMask;
  final LatencyRecorder timeInQueue = LatencyRecorder.create();

  HolderQueueFields(MessagePassingQueue<Object> delegate, int sampleMask) {
    this.delegate = delegate;
    this.sampleMask = sampleMask;
  }
}

abstract class HolderQueuePad0<E> extends HolderQueueFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;

  HolderQueuePad0(MessagePassingQueue<Object> delegate, int sampleMask) {
    super(delegate, sampleMask);
  }
}

abstract class HolderQueueProducer<E> extends HolderQueuePad0<E> {
  int offerCount;
  volatile long offersRejected;

  HolderQueueProducer(MessagePassingQueue<Object> delegate, int sampleMask) {
    super(delegate, sampleMask);
  }
}

abstract class HolderQueuePad1<E> extends HolderQueueProducer<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;

  HolderQueuePad1(MessagePassingQueue<Object> delegate, int sampleMask) {
    super(delegate, sampleMask);
  }
}

abstract class HolderQueueConsumer<E> extends HolderQueuePad1<E> {
  volatile long pollsEmpty;

  HolderQueueConsumer(MessagePassingQueue<Object> delegate, int sampleMask) {
    super(delegate, sampleMask);
  }
}

abstract class HolderQueuePad2<E> extends HolderQueueConsumer<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07, p10, p11, p12, p13, p14, p15, p16, p17;

  HolderQueuePad2(MessagePassingQueue<Object> delegate, int sampleMask) {
    super(delegate, sampleMask);
  }
}

/**
 * Session 1's design of {@code Queues.instrumented}, kept so that the benchmarks can compare it
 * with the shipped one (impl {@code holder-v1}): every sampleInterval-th offer (a racy plain
 * counter) wraps the element in a holder carrying its offer time, and every poll type-checks the
 * element it got to find the holders. Offer and poll only (what the benchmarks call), with the same
 * padded single-writer failure counters as the shipped wrapper; the wrapped queue must have one
 * producer and one consumer thread.
 */
final class HolderInstrumentedQueue<E> extends HolderQueuePad2<E> {
  private static final VarHandle OFFERS_REJECTED;
  private static final VarHandle POLLS_EMPTY;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      OFFERS_REJECTED =
          lookup.findVarHandle(HolderQueueProducer.class, "offersRejected", long.class);
      POLLS_EMPTY = lookup.findVarHandle(HolderQueueConsumer.class, "pollsEmpty", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** A sampled element and the time it was offered. */
  static final class Stamped {
    final Object element;
    final long offeredNanos;

    Stamped(Object element, long offeredNanos) {
      this.element = element;
      this.offeredNanos = offeredNanos;
    }
  }

  HolderInstrumentedQueue(MessagePassingQueue<? super E> delegate, int sampleInterval) {
    super(raw(delegate), sampleInterval - 1);
  }

  @SuppressWarnings("unchecked") // the wrapper owns the queue and stores E or its holder
  private static MessagePassingQueue<Object> raw(MessagePassingQueue<?> queue) {
    return (MessagePassingQueue<Object>) queue;
  }

  @Override
  public boolean offer(E e) {
    if (e == null) {
      throw new NullPointerException("element");
    }
    int count = offerCount; // plain: a racy counter
    offerCount = count + 1;
    Object wrapped = (count & sampleMask) == 0 ? new Stamped(e, System.nanoTime()) : e;
    if (delegate.offer(wrapped)) {
      return true;
    }
    OFFERS_REJECTED.setOpaque(this, (long) OFFERS_REJECTED.getOpaque(this) + 1L); // one producer
    return false;
  }

  @Override
  public E poll() {
    Object polled = delegate.poll();
    if (polled == null) {
      POLLS_EMPTY.setOpaque(this, (long) POLLS_EMPTY.getOpaque(this) + 1L); // one consumer
      return null;
    }
    if (polled instanceof Stamped) {
      Stamped stamped = (Stamped) polled;
      timeInQueue.record(Math.max(0, System.nanoTime() - stamped.offeredNanos));
      return cast(stamped.element);
    }
    return cast(polled);
  }

  @SuppressWarnings("unchecked") // only offer puts elements (or holders of E) into the queue
  private static <E> E cast(Object element) {
    return (E) element;
  }

  @Override
  public E peek() {
    throw new UnsupportedOperationException("peek");
  }

  @Override
  public int size() {
    return delegate.size();
  }

  @Override
  public Iterator<E> iterator() {
    throw new UnsupportedOperationException("iterator");
  }
}
