package io.perfkit.bench.queue;

import io.perfkit.core.queue.Queues;
import java.util.Queue;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Builds the queue named by a benchmark's {@code impl} parameter. */
final class QueueKind {
  private QueueKind() {}

  /** A single-producer single-consumer queue of at least {@code capacity}. */
  static <E> Queue<E> spsc(String impl, int capacity) {
    switch (impl) {
      case "perfkit":
        return asQueue(Queues.<E>spsc(capacity));
      case "jctools-varhandle":
        return new org.jctools.queues.varhandle.SpscVarHandleArrayQueue<>(capacity);
      case "jctools-unsafe":
        return new org.jctools.queues.SpscArrayQueue<>(capacity);
      case "jctools-atomic":
        return new org.jctools.queues.atomic.SpscAtomicArrayQueue<>(capacity);
      case "disruptor":
        return DisruptorQueue.single(capacity);
      default:
        return common(impl, capacity);
    }
  }

  /** A multi-producer single-consumer queue of at least {@code capacity}. */
  static <E> Queue<E> mpsc(String impl, int capacity) {
    switch (impl) {
      case "perfkit":
        return asQueue(Queues.<E>mpsc(capacity));
      case "perfkit-own":
        return new io.perfkit.core.queue.internal.MpscArrayQueue<>(capacity);
      case "jctools-unsafe":
        return new org.jctools.queues.MpscArrayQueue<>(capacity);
      case "jctools-atomic":
        return new org.jctools.queues.atomic.MpscAtomicArrayQueue<>(capacity);
      case "disruptor":
        return DisruptorQueue.multi(capacity);
      default:
        return common(impl, capacity);
    }
  }

  /** Every queue {@code Queues} returns is also a {@code java.util.Queue} of the same elements. */
  @SuppressWarnings("unchecked") // same element type; the factory's queues all implement Queue
  static <E> Queue<E> asQueue(org.jctools.queues.MessagePassingQueue<E> queue) {
    return (Queue<E>) queue;
  }

  private static <E> Queue<E> common(String impl, int capacity) {
    switch (impl) {
      case "abq":
        return new ArrayBlockingQueue<>(capacity);
      case "lbq":
        return new LinkedBlockingQueue<>(capacity);
      case "clq":
        return new ConcurrentLinkedQueue<>();
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }
}
