package io.perfkit.bench.queue;

import io.perfkit.core.metrics.LatencyRecorder;
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

  /**
   * The queue an instrumented-queue benchmark measures: {@code kind} = {@code spsc} or {@code
   * mpsc}; {@code impl} = {@code perfkit-instrumented} (what the factory hands out for a new queue:
   * {@code Queues.instrumentedSpsc/instrumentedMpsc}, counting inside the queue), {@code
   * perfkit-instrumented-unsampled} (the same with one position in 2^30 timed: the counting
   * without the clock reads and recording), {@code perfkit-wrapper} ({@code Queues.instrumented} around the bare queue), {@code holder-v1} and
   * {@code forwarding} (reference wrappers around the bare queue), {@code bare} (the factory's
   * bare queue: {@code Queues.spsc}, i.e. perfkit's own SPSC, or {@code Queues.mpsc}, i.e.
   * JCTools' VarHandle MPSC) or {@code bare-own} (perfkit's own array queue of the kind, the one
   * the instrumented queue is built on: for {@code mpsc} it separates the instrumentation's cost
   * from the difference between the two MPSC queues).
   */
  static <E> Queue<E> instrumented(String impl, String kind, int capacity) {
    boolean spsc;
    switch (kind) {
      case "spsc":
        spsc = true;
        break;
      case "mpsc":
        spsc = false;
        break;
      default:
        throw new IllegalArgumentException("kind: " + kind);
    }
    // Only the implementations that wrap the bare queue allocate it: an unused queue allocated
    // first shifts where the measured queue's arrays land in the heap, which changed the two-thread
    // SPSC transfer of the same class 2x between impls (session 3 quiet run).
    switch (impl) {
      case "perfkit-instrumented":
        return spsc ? Queues.instrumentedSpsc(capacity) : Queues.instrumentedMpsc(capacity);
      case "perfkit-instrumented-unsampled":
        // the counters without the timing: one position in 2^30 is sampled
        return spsc
            ? Queues.instrumentedSpsc(capacity, Queues.MAX_CAPACITY, LatencyRecorder.create())
            : Queues.instrumentedMpsc(capacity, Queues.MAX_CAPACITY, LatencyRecorder.create());
      case "perfkit-wrapper":
        return Queues.instrumented(bare(spsc, capacity));
      case "holder-v1":
        return new HolderInstrumentedQueue<>(bare(spsc, capacity), Queues.DEFAULT_SAMPLE_INTERVAL);
      case "forwarding":
        return new ForwardingQueue<>(bare(spsc, capacity));
      case "bare":
        return asQueue(bare(spsc, capacity));
      case "bare-own":
        return spsc
            ? new io.perfkit.core.queue.internal.SpscArrayQueue<>(capacity)
            : new io.perfkit.core.queue.internal.MpscArrayQueue<>(capacity);
      case "jctools-unsafe":
        // the peer, for the paired probe's CPU split (session 8): JCTools' Unsafe queue
        return spsc
            ? new org.jctools.queues.SpscArrayQueue<>(capacity)
            : new org.jctools.queues.MpscArrayQueue<>(capacity);
      default:
        throw new IllegalArgumentException("impl: " + impl);
    }
  }

  private static <E> org.jctools.queues.MessagePassingQueue<E> bare(boolean spsc, int capacity) {
    return spsc ? Queues.<E>spsc(capacity) : Queues.<E>mpsc(capacity);
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
