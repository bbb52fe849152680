package io.perfkit.core.queue.internal;

import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.InstrumentedQueue;
import io.perfkit.core.queue.QueueStats;

/**
 * Cold part of perfkit's array queues that count inside themselves ({@link
 * InstrumentedSpscArrayQueue}, {@link InstrumentedMpscArrayQueue}): the sampling mask, the table of
 * offer stamps, the latency recorder, and the {@link InstrumentedQueue} methods that are the same
 * for both. Subclasses keep the failure counters on their producer's and consumer's own padded
 * cache lines.
 */
public abstract class InstrumentedArrayQueue<E> extends BaseArrayQueue<E>
    implements InstrumentedQueue<E> {
  /*
   * Stamp table. Position p is sampled iff (p & sampleMask) == 0; its offer time lives in
   * stamps[(p >>> stampShift) & (stamps.length - 1)], where stamps.length = max(1, capacity /
   * sampleInterval), so stamps.length * sampleInterval >= capacity: the positions p and p + lap
   * sharing an entry are at least a capacity apart.
   *
   * The producer that takes p writes the entry with a plain store before the release store that
   * publishes p's element; the consumer reads it with a plain load after the acquire load that
   * sees that element non-null: happens-before through the queue's own handover, no extra fence.
   * The consumer reads the entry BEFORE it frees p's slot (release), and a producer can take p +
   * lap only after the queue had room for it, i.e. after the consumer freed position p + lap -
   * capacity >= p; that freeing follows the read in program order and is what the producer
   * acquired, so the read happens-before the overwrite. Hence every sampled position that is polled
   * is timed exactly once, from its own stamp, with no key, CAS or seqlock: the queue's indices are
   * the keys.
   */

  /** sampleInterval - 1: position p is sampled iff {@code (p & sampleMask) == 0}. */
  final long sampleMask;
  /** log2(sampleInterval). */
  final int stampShift;
  /** Offer times of the sampled positions that may be in the queue, by position / interval. */
  final long[] stamps;

  final LatencyRecorder timeInQueue;
  /** The consumer's sampled times on their way to {@link #timeInQueue}. */
  final PendingTimes pendingTimes;

  InstrumentedArrayQueue(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity);
    QueueChecks.requireNonNull(timeInQueue, "timeInQueue");
    io.perfkit.core.internal.Checks.requireArgument(
        sampleInterval >= 1
            && sampleInterval <= QueueChecks.MAX_CAPACITY
            && Integer.bitCount(sampleInterval) == 1,
        "sampleInterval: %d (expected: a power of two in [1, 2^30])",
        sampleInterval);
    this.sampleMask = sampleInterval - 1L;
    this.stampShift = Integer.numberOfTrailingZeros(sampleInterval);
    this.stamps = new long[Math.max(1, capacity / sampleInterval)];
    this.timeInQueue = timeInQueue;
    this.pendingTimes = new PendingTimes(timeInQueue);
  }

  /** Producer: stamps sampled {@code position}; call before the element's release store. */
  final void stamp(long position) {
    final long[] stamps = this.stamps;
    // plain: published with the element by the release store that follows (see the class comment)
    stamps[(int) (position >>> stampShift) & (stamps.length - 1)] = System.nanoTime();
  }

  /**
   * Consumer, at a sampled position only: adds the time since {@code offeredNanos} to {@link
   * #pendingTimes}, which hands samples to the recorder in batches (or in {@link #stats()}): the
   * consumer pays a clock read and three stores per sample instead of a recording with cold
   * caches.
   *
   * <p>Callers reach this from a branch taken once per {@code sampleInterval} polls, through a
   * subclass method ({@code takeSampled}) whose bytecode is larger than C2's {@code MaxInlineSize}
   * (35 bytes): C2 inlines a method that large only at a call site it judges hot, so at a cold
   * site the sampling stays out of the compiled poll loop. C2 also judges a site hot once its
   * profiled count reaches InlineFrequencyCount, whatever its relative frequency, so for the SPSC
   * queue this is a heuristic, not a guarantee (docs/benchmarks/queues.md, session 3 follow-up).
   * The MPSC queue's takeSampled is larger than FreqInlineSize (325 bytes), which C2 never
   * inlines (session 5, part 2). The batch recording behind {@code PendingTimes.add} is a further
   * call that is not inlined into it.
   */
  final void recordSince(long offeredNanos) {
    recordSince(offeredNanos, System.nanoTime());
  }

  /** {@link #recordSince(long)} with the clock already read: {@code nowNanos}. */
  final void recordSince(long offeredNanos, long nowNanos) {
    pendingTimes.add(Math.max(0L, nowNanos - offeredNanos));
  }

  /** Offers rejected so far (for {@link #stats()}). */
  abstract long offersRejected();

  /** Polls that found the queue empty so far (for {@link #stats()}). */
  abstract long pollsEmpty();

  /** Counts one rejected offer or empty fill (producer side). */
  abstract void countRejected();

  /** Counts one empty poll or empty drain (consumer side). */
  abstract void countEmpty();

  /** Removes up to {@code limit} elements, timing sampled ones; counts nothing. */
  abstract int drainUncounted(Consumer<E> consumer, int limit);

  /** Adds up to {@code limit} supplied elements, stamping sampled ones; counts nothing. */
  abstract int fillUncounted(Supplier<E> supplier, int limit);

  /** Removes the next element without timing or counting it; null if there is none. */
  abstract Object pollUntimed();

  @Override
  public final QueueStats stats() {
    pendingTimes.handOver(); // the samples the consumer took so far, into timeInQueue
    return new QueueStats(size(), capacity(), offersRejected(), pollsEmpty(), timeInQueue.snapshot());
  }

  /** Removes every element; they are not timed and the final empty poll is not counted. */
  @Override
  public final void clear() {
    while (pollUntimed() != null) {
      // a consumer operation, like poll
    }
  }

  @Override
  public final int drain(Consumer<E> consumer, int limit) {
    QueueChecks.requireNonNull(consumer, "consumer");
    QueueChecks.checkLimit(limit);
    int drained = drainUncounted(consumer, limit);
    if (drained == 0 && limit > 0) {
      countEmpty();
    }
    return drained;
  }

  @Override
  public final int fill(Supplier<E> supplier, int limit) {
    QueueChecks.requireNonNull(supplier, "supplier");
    QueueChecks.checkLimit(limit);
    if (limit == 0) {
      return 0;
    }
    int filled = fillUncounted(supplier, limit);
    if (filled == 0) {
      countRejected();
    }
    return filled;
  }

  /** Drains in batches while {@code exit} says so; idle (empty) batches are not counted. */
  @Override
  public final void drain(Consumer<E> consumer, WaitStrategy wait, ExitCondition exit) {
    QueueChecks.requireNonNull(consumer, "consumer");
    QueueChecks.requireNonNull(wait, "wait");
    QueueChecks.requireNonNull(exit, "exit");
    int idleCounter = 0;
    while (exit.keepRunning()) {
      idleCounter = drainUncounted(consumer, slots.length) == 0 ? wait.idle(idleCounter) : 0;
    }
  }

  /** Fills in batches while {@code exit} says so; batches that found it full are not counted. */
  @Override
  public final void fill(Supplier<E> supplier, WaitStrategy wait, ExitCondition exit) {
    QueueChecks.requireNonNull(supplier, "supplier");
    QueueChecks.requireNonNull(wait, "wait");
    QueueChecks.requireNonNull(exit, "exit");
    int idleCounter = 0;
    while (exit.keepRunning()) {
      idleCounter = fillUncounted(supplier, 256) == 0 ? wait.idle(idleCounter) : 0;
    }
  }
}
