package io.perfkit.core.queue.internal;

import io.perfkit.core.metrics.LatencyRecorder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The consumer's buffer of time-in-queue samples on their way to a {@link LatencyRecorder}: the
 * consumer {@linkplain #add adds} a sample with two plain stores and a release store, and the
 * samples reach the recorder in batches, either when the buffer is full (the consumer hands them
 * over itself) or when a reader asks for them ({@link #handOver()}, from {@code stats()}, any
 * thread). Every sample reaches the recorder exactly once.
 *
 * <p><b>Threading:</b> {@link #add} from the queue's one consumer thread at a time; {@link
 * #handOver()} from any thread. <b>Ordering:</b> a sample added before {@code handOver()} starts
 * (happens-before) is in the recorder when it returns. <b>Progress:</b> {@code add} is wait-free
 * (every {@link #CAPACITY}th add records the batch); {@code handOver} is lock-free.
 * <b>Allocation:</b> {@code add} none; {@code handOver} one 32-element copy buffer
 * per call (the {@code stats()} path).
 */
final class PendingTimes {
  /*
   * Why: recording into a LatencyRecorder (stripe lookup, HdrHistogram's phaser and counts) costs
   * tens of ns, most of it cache misses on the recorder's state when it runs once per 1,024 polls;
   * on the consumer of a two-thread queue running at ~3 ns per element, that time is taken from
   * the queue's critical path. Batches run with the recorder's lines warm, and a reader that calls
   * stats() often takes the recording off the consumer entirely.
   *
   * Protocol. written (consumer-only writer) counts samples added; sample n lives in
   * times[n & (CAPACITY - 1)]. handedOver counts samples claimed for the recorder; it only grows,
   * by CAS, from the consumer (when written reaches a multiple of CAPACITY) or from a reader.
   * Invariant: the consumer writes sample n only after handedOver > n - CAPACITY (the consumer's own
   * hand-over at the last multiple of CAPACITY claimed everything below it), so a slot is never
   * overwritten before the sample in it was claimed.
   *
   * A reader reads written (acquire: the samples below it are visible), handedOver, copies the
   * samples in between, and then claims them by CAS(handedOver: from -> to). The copy is validated
   * by that CAS: the consumer can overwrite sample k (k >= from) only after a hand-over moved
   * handedOver past from, and handedOver never returns to a value it had, so a successful CAS means
   * no such hand-over preceded it; then our reads happen-before the consumer's later CAS and
   * therefore before its overwrite, and cannot see it. On a failed CAS the copy is discarded and
   * the reader retries. A claimed batch is recorded by the thread that claimed it.
   */
  static final int CAPACITY = 32;

  private static final VarHandle WRITTEN;
  private static final VarHandle HANDED_OVER;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      WRITTEN = lookup.findVarHandle(PendingTimes.class, "written", long.class);
      HANDED_OVER = lookup.findVarHandle(PendingTimes.class, "handedOver", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final long[] times = new long[CAPACITY];
  private final LatencyRecorder recorder;

  /** Samples added; written by the consumer only (release), read by readers (acquire). */
  private long written;

  /** Samples claimed for the recorder; grows by CAS only. */
  private long handedOver;

  PendingTimes(LatencyRecorder recorder) {
    this.recorder = recorder;
  }

  /** Consumer: adds one sample ({@code nanos >= 0}); every CAPACITY-th add records the batch. */
  void add(long nanos) {
    final long n = written; // plain: this (consumer) thread is the only writer
    // plain: published by the release store below; the slot's previous sample was claimed already
    times[(int) n & (CAPACITY - 1)] = nanos;
    // release: a reader that sees n + 1 (acquire) sees the sample
    WRITTEN.setRelease(this, n + 1);
    if (((n + 1) & (CAPACITY - 1)) == 0) {
      handOverAsConsumer(n + 1);
    }
  }

  /** Consumer, buffer full: claims and records every sample below {@code to} not yet claimed. */
  private void handOverAsConsumer(long to) {
    long from;
    do {
      // acquire: a reader's claim (and its reads of our slots) is ordered before our overwrite
      from = (long) HANDED_OVER.getAcquire(this);
    } while (from < to && !HANDED_OVER.compareAndSet(this, from, to));
    // our own samples: no copy needed, only this thread writes the slots
    for (long k = from; k < to; k++) {
      recorder.record(times[(int) k & (CAPACITY - 1)]);
    }
  }

  /**
   * Any thread: records every sample added before this call into the recorder (those not yet
   * handed over).
   */
  void handOver() {
    final long[] copy = new long[CAPACITY];
    while (true) {
      // acquire: pairs with add()'s release store; the samples below `to` are visible
      final long to = (long) WRITTEN.getAcquire(this);
      // acquire: at least the hand-over the consumer had seen when it wrote sample to - 1, so
      // to - from <= CAPACITY (the class comment's invariant)
      final long from = (long) HANDED_OVER.getAcquire(this);
      if (from >= to) {
        return;
      }
      final int count = (int) (to - from);
      for (int i = 0; i < count; i++) {
        // plain: racy by design, validated by the CAS below (see the class comment)
        copy[i] = times[(int) (from + i) & (CAPACITY - 1)];
      }
      // volatile CAS: claims [from, to) if nobody claimed any of it since we read `from`
      if (HANDED_OVER.compareAndSet(this, from, to)) {
        for (int i = 0; i < count; i++) {
          recorder.record(copy[i]);
        }
        return;
      }
    }
  }
}
