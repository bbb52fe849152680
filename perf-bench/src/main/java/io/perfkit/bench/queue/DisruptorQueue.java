package io.perfkit.bench.queue;

import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import java.util.AbstractQueue;
import java.util.Iterator;

/**
 * The LMAX Disruptor's {@link RingBuffer} behind a non-blocking single-consumer {@code offer}/{@code
 * poll} face, so it can run in the same throughput benchmarks as the queues. The producer side is
 * {@code tryNext}/{@code publish}; the consumer owns a gating {@link Sequence} and reads up to the
 * cursor (cached, as the Disruptor's batch processor does), checking each slot's availability flag
 * when there are many producers.
 *
 * <p><b>Threading:</b> one consumer thread; one producer for {@link #single}, many for {@link
 * #multi}. Only {@code offer}, {@code poll} and {@code size} are supported.
 */
final class DisruptorQueue<E> extends AbstractQueue<E> {
  /** The event: a mutable slot holding one reference. */
  static final class Slot {
    Object value;
  }

  private final RingBuffer<Slot> ring;
  private final Sequence consumed = new Sequence(-1);
  private final boolean multiProducer;
  private long available = -1;

  private DisruptorQueue(RingBuffer<Slot> ring, boolean multiProducer) {
    this.ring = ring;
    this.multiProducer = multiProducer;
    ring.addGatingSequences(consumed);
  }

  static <E> DisruptorQueue<E> single(int capacity) {
    return new DisruptorQueue<>(RingBuffer.createSingleProducer(Slot::new, capacity), false);
  }

  static <E> DisruptorQueue<E> multi(int capacity) {
    return new DisruptorQueue<>(RingBuffer.createMultiProducer(Slot::new, capacity), true);
  }

  @Override
  public boolean offer(E e) {
    long sequence;
    try {
      sequence = ring.tryNext();
    } catch (InsufficientCapacityException full) {
      return false; // the Disruptor's pre-allocated singleton: no stack trace cost
    }
    ring.get(sequence).value = e;
    ring.publish(sequence);
    return true;
  }

  @Override
  @SuppressWarnings("unchecked") // only offer(E) writes slots
  public E poll() {
    long next = consumed.get() + 1;
    if (next > available) {
      available = ring.getCursor();
      if (next > available) {
        return null;
      }
    }
    if (multiProducer && !ring.isAvailable(next)) {
      return null; // claimed by a producer but not yet published
    }
    Slot slot = ring.get(next);
    Object value = slot.value;
    slot.value = null;
    consumed.set(next); // release: frees the slot for the producers
    return (E) value;
  }

  @Override
  public E peek() {
    throw new UnsupportedOperationException();
  }

  @Override
  public Iterator<E> iterator() {
    throw new UnsupportedOperationException();
  }

  @Override
  public int size() {
    return (int) (ring.getCursor() - consumed.get());
  }
}
