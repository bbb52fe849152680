package io.perfkit.core.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractQueue;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.jctools.queues.MessagePassingQueue;

/**
 * Shared, cold part of perfkit's bounded array queues: the slot array, its element VarHandle, and
 * the {@link MessagePassingQueue} methods that are pure loops over {@code relaxedPoll}/{@code
 * relaxedOffer}. Subclasses add the padded index fields and the hot paths.
 */
public abstract class BaseArrayQueue<E> extends AbstractQueue<E> implements MessagePassingQueue<E> {
  /*
   * Slots hold a reference or null. A non-null slot is a published element; the consumer nulls a
   * slot after reading it, which is what hands the slot back to the producers. The slot array's
   * length is the (power-of-two) capacity. Two ways to turn a sequence into an index:
   *
   * - slotIndex: (int) sequence & (slots.length - 1). C2 can then reduce the bounds check to
   *   "length != 0" (JDK-8003585), but the index depends on a load of the array's length, which
   *   depends on the load of `slots`: two loads in a row before the slot's address is known.
   * - slotOf: (int) (sequence & mask), with mask = capacity - 1 in a final field of its own
   *   (JCTools' form). The loads of `mask` and `slots` are independent, and the bounds check,
   *   which reads the length, is off the address's path (a predicted branch).
   *
   * The MPSC queues use slotOf: after the producer's CAS (a full fence on x86) and at the head of
   * each poll, the dependent length load sat on the critical path, and that alone made perfkit's
   * MPSC 0.90x JCTools' VarHandle MPSC for one-thread offer+poll; with `mask` it measures the same
   * (CPU time, docs/benchmarks/queues.md, session 5). The instrumented SPSC's offer and poll use
   * slotOf: 0.900x -> 0.943x the bare SPSC one thread (session 10). The bare SPSC still uses
   * slotIndex: with VarHandle slot accesses the change measured nothing (session 5); with session
   * 9's plain accesses it made one-thread offer+poll 11 % faster in a scratch build, and two threads
   * were inconclusive in 6 forks (session 10), so that change is left to a two-thread measurement.
   */
  static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);

  final Object[] slots;

  /** {@code slots.length - 1}: read by {@link #slotOf} independently of {@link #slots}. */
  final long mask;

  BaseArrayQueue(int capacity) {
    this.slots = new Object[capacity];
    this.mask = capacity - 1L;
  }

  static int slotIndex(Object[] slots, long sequence) {
    return (int) sequence & (slots.length - 1);
  }

  /** The index of {@code sequence}'s slot, from the {@link #mask} field (see the class comment). */
  final int slotOf(long sequence) {
    return (int) (sequence & mask);
  }

  @SuppressWarnings("unchecked") // only offer/fill, which take E, store non-null slots
  static <E> E cast(Object element) {
    return (E) element;
  }

  /** The producer sequence, read with acquire (for size and iteration). */
  abstract long producerIndexAcquire();

  /** The consumer sequence, read with acquire (for size and iteration). */
  abstract long consumerIndexAcquire();

  @Override
  public final int capacity() {
    return slots.length;
  }

  /**
   * Reads the consumer index, the producer index, and the consumer index again until the first
   * and last agree, so the difference is a size the queue really had (JCTools' algorithm).
   */
  @Override
  public final int size() {
    long after = consumerIndexAcquire();
    while (true) {
      long before = after;
      long producerIndex = producerIndexAcquire();
      after = consumerIndexAcquire();
      if (before == after) {
        long size = producerIndex - after;
        // a multi-producer queue may briefly show a claimed but unpublished slot beyond capacity
        return (int) Math.max(0, Math.min(size, slots.length));
      }
    }
  }

  @Override
  public final boolean isEmpty() {
    // consumer first: a producer index read after it can only be larger (never a false "empty")
    return consumerIndexAcquire() >= producerIndexAcquire();
  }

  @Override
  public void clear() { // not final: the instrumented queues clear without counting or timing
    while (poll() != null) {
      // poll is a consumer operation: clear() is too
    }
  }

  @Override
  public final int drain(Consumer<E> consumer) {
    return drain(consumer, slots.length);
  }

  @Override
  public final int fill(Supplier<E> supplier) {
    return fill(supplier, slots.length);
  }

  @Override
  public void drain(Consumer<E> consumer, WaitStrategy wait, ExitCondition exit) {
    QueueChecks.requireNonNull(consumer, "consumer");
    QueueChecks.requireNonNull(wait, "wait");
    QueueChecks.requireNonNull(exit, "exit");
    int idleCounter = 0;
    while (exit.keepRunning()) {
      E element = relaxedPoll();
      if (element == null) {
        idleCounter = wait.idle(idleCounter);
        continue;
      }
      idleCounter = 0;
      consumer.accept(element);
    }
  }

  @Override
  public void fill(Supplier<E> supplier, WaitStrategy wait, ExitCondition exit) {
    QueueChecks.requireNonNull(supplier, "supplier");
    QueueChecks.requireNonNull(wait, "wait");
    QueueChecks.requireNonNull(exit, "exit");
    int idleCounter = 0;
    while (exit.keepRunning()) {
      if (fill(supplier, 256) == 0) {
        idleCounter = wait.idle(idleCounter);
      } else {
        idleCounter = 0;
      }
    }
  }

  /**
   * A weakly consistent iterator: it walks the slots between the consumer and producer indices
   * read at creation, returning the non-null ones. It never throws {@code
   * ConcurrentModificationException} and does not support {@code remove}.
   */
  @Override
  public final Iterator<E> iterator() {
    long from = consumerIndexAcquire();
    long to = producerIndexAcquire();
    return new Iterator<>() {
      private long next = from;
      private E pending = advance();

      private E advance() {
        while (next < to) {
          // acquire: pairs with the producer's release store of the slot
          Object element = SLOT.getAcquire(slots, slotIndex(slots, next++));
          if (element != null) {
            return cast(element);
          }
        }
        return null;
      }

      @Override
      public boolean hasNext() {
        return pending != null;
      }

      @Override
      public E next() {
        E current = pending;
        if (current == null) {
          throw new NoSuchElementException();
        }
        pending = advance();
        return current;
      }
    };
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "[size=" + size() + ", capacity=" + capacity() + "]";
  }
}
