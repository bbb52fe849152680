package io.perfkit.core.pool;

import io.perfkit.core.queue.Queues;
import java.util.function.Consumer;
import org.jctools.queues.MessagePassingQueue;

/**
 * The shared, lock-free part of a pool: a power-of-two number of stripes, each a bounded MPMC
 * queue (JCTools' VarHandle queue, padded between its producer and consumer indices). A thread
 * works on its home stripe first and visits the others only when that one is empty (acquire) or
 * full (release), so threads on different stripes do not share cache lines.
 *
 * <p>Capacity: {@code stripes * perStripe} where {@code perStripe} is a power of two, at least 2
 * (JCTools' MPMC queue needs two slots). The pool reports this rounded capacity.
 */
final class StripedStore<E> {
  private final MessagePassingQueue<E>[] stripes;
  private final int mask;
  private final int capacity;

  StripedStore(int requestedCapacity, int requestedStripes) {
    int stripeCount = Math.min(ceilPowerOfTwo(requestedStripes), ceilPowerOfTwo(requestedCapacity));
    int perStripe = Math.max(2, ceilPowerOfTwo((requestedCapacity + stripeCount - 1) / stripeCount));
    this.stripes = newStripes(stripeCount);
    for (int i = 0; i < stripeCount; i++) {
      stripes[i] = Queues.mpmc(perStripe);
    }
    this.mask = stripeCount - 1;
    this.capacity = stripeCount * perStripe;
  }

  // Generic array creation: the array never escapes this class and holds only MPMC queues of E.
  @SuppressWarnings("unchecked")
  private static <E> MessagePassingQueue<E>[] newStripes(int count) {
    return (MessagePassingQueue<E>[]) new MessagePassingQueue<?>[count];
  }

  /** A stripe index for a thread id: Fibonacci hashing spreads sequential ids over the stripes. */
  static int homeOf(long threadId) {
    return (int) ((threadId * 0x9E3779B97F4A7C15L) >>> 40);
  }

  /** Total capacity over all stripes. */
  int capacity() {
    return capacity;
  }

  /** Adds {@code e} to the home stripe, or any other with room; false if every stripe is full. */
  boolean offer(E e, int home) {
    MessagePassingQueue<E>[] s = stripes;
    int m = mask;
    for (int i = 0; i <= m; i++) {
      // The queue's release store of the element pairs with the acquiring poll's load: writes to
      // the object before release happen-before the next holder's reads.
      if (s[(home + i) & m].relaxedOffer(e)) {
        return true;
      }
    }
    return false;
  }

  /** Takes an element from the home stripe, or any other; null if all were seen empty. */
  E poll(int home) {
    MessagePassingQueue<E>[] s = stripes;
    int m = mask;
    for (int i = 0; i <= m; i++) {
      E e = s[(home + i) & m].relaxedPoll();
      if (e != null) {
        return e;
      }
    }
    return null;
  }

  /** Elements held now (racy while others offer or poll). */
  int size() {
    int size = 0;
    for (MessagePassingQueue<E> q : stripes) {
      size += q.size();
    }
    return size;
  }

  /** Removes every element and passes it to {@code sink}; returns how many. */
  int drain(Consumer<? super E> sink) {
    int drained = 0;
    for (MessagePassingQueue<E> q : stripes) {
      E e;
      while ((e = q.poll()) != null) {
        drained++;
        sink.accept(e);
      }
    }
    return drained;
  }

  private static int ceilPowerOfTwo(int value) {
    return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
  }
}
