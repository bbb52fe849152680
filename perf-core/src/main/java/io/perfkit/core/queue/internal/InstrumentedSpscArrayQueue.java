package io.perfkit.core.queue.internal;

import io.perfkit.core.metrics.LatencyRecorder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * SpscArrayQueue's layout (class-hierarchy padding, 128 bytes between the cold fields, the
 * producer's fields and the consumer's fields), with each side's failure counter on its own side.
 */

abstract class InstrumentedSpscPad0<E> extends InstrumentedArrayQueue<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedSpscPad0(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity, sampleInterval, timeInQueue);
  }
}

/** Fields written only by the producer thread. */
abstract class InstrumentedSpscProducerFields<E> extends InstrumentedSpscPad0<E> {
  static final VarHandle PRODUCER_INDEX;
  static final VarHandle OFFERS_REJECTED;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PRODUCER_INDEX =
          lookup.findVarHandle(InstrumentedSpscProducerFields.class, "producerIndex", long.class);
      OFFERS_REJECTED =
          lookup.findVarHandle(InstrumentedSpscProducerFields.class, "offersRejected", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to write. Written by the producer (release), read by anyone for size. */
  long producerIndex;

  /**
   * The offer fast path's one bound (producer-private, plain): the smaller of {@link #roomLimit}
   * and the next sampled position.
   */
  long producerLimit;

  /** Sequence below which the producer knows slots are free (producer-private, plain). */
  long roomLimit;

  /** Rejected offers and empty fills. Written by the producer (opaque), read by stats(). */
  long offersRejected;

  InstrumentedSpscProducerFields(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity, sampleInterval, timeInQueue);
  }
}

abstract class InstrumentedSpscPad1<E> extends InstrumentedSpscProducerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedSpscPad1(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity, sampleInterval, timeInQueue);
  }
}

/** Fields written only by the consumer thread. */
abstract class InstrumentedSpscConsumerFields<E> extends InstrumentedSpscPad1<E> {
  static final VarHandle CONSUMER_INDEX;
  static final VarHandle POLLS_EMPTY;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CONSUMER_INDEX =
          lookup.findVarHandle(InstrumentedSpscConsumerFields.class, "consumerIndex", long.class);
      POLLS_EMPTY =
          lookup.findVarHandle(InstrumentedSpscConsumerFields.class, "pollsEmpty", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to read. Written by the consumer (release), read by anyone for size. */
  long consumerIndex;

  /** Empty polls and empty drains. Written by the consumer (opaque), read by stats(). */
  long pollsEmpty;

  /**
   * The poll fast path's one bound (consumer-private, plain): a position below it is not sampled.
   * Never above the next sampled position at or after consumerIndex (0 at first: position 0 is
   * sampled).
   */
  long consumerLimit;

  InstrumentedSpscConsumerFields(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity, sampleInterval, timeInQueue);
  }
}

abstract class InstrumentedSpscPad2<E> extends InstrumentedSpscConsumerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedSpscPad2(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity, sampleInterval, timeInQueue);
  }
}

/**
 * {@link SpscArrayQueue} with the {@link io.perfkit.core.queue.InstrumentedQueue} counting compiled
 * in: the same algorithm and memory ordering, plus a sampling test per offer and poll, a stamp and a
 * recorded time at sampled positions, and failure counts on the failure paths. Offered and polled
 * counts need no counter: they are the producer and consumer indices.
 *
 * <p><b>Threading, ordering, progress:</b> those of {@link SpscArrayQueue}; {@link #stats()} from
 * any thread. <b>Allocation:</b> none after construction.
 *
 * @param <E> element type (non-null)
 */
public final class InstrumentedSpscArrayQueue<E> extends InstrumentedSpscPad2<E> {
  /*
   * Algorithm and ordering: SpscArrayQueue's; sampling: InstrumentedArrayQueue's class comment.
   * The producer's fast path is the bare queue's, instruction for instruction: one compare of the
   * index with producerLimit, which is capped at the next sampled position as well as at the room
   * the look-ahead proved (roomLimit). Past it, offer() runs inline what the bare queue runs
   * there (its room check, written out, only if the proven room ran out), then, at
   * a sampled position only, an out-of-line stampSampled(), and moves the cap.
   *
   * History (docs/benchmarks/queues.md, session 7): until session 6 the fast path was the bare
   * queue's plus a mask test with an out-of-line publishSampled() behind it; in the two-thread
   * transfer that cost the producer ~0.5 ns of CPU per offer. Sessions 3, early 4 and an early
   * session 7 version folded the test into producerLimit with the whole slow path (room check
   * included) out of line: in the full state every offer then made that call, and the contended
   * transfer stuck full (0.58x the bare queue, paired). Here the full path is the bare queue's.
   *
   * Consequence: a fill whose supplier throws after a sampled position was stamped leaves that
   * stamp; the offer that later takes the position is then timed from the earlier fill call.
   *
   * The consumer's fast path is the same shape (session 10): one compare of the index with
   * consumerLimit, the next sampled position, instead of a mask test (a load of sampleMask, an
   * and, a test); past it, passLimit() takes the position and moves the bound. And offer() and
   * poll() index the slot through the mask field (slotOf), not slots.length - 1 (slotIndex): the
   * index no longer waits for the array's length, a load that depends on the load of slots (see
   * BaseArrayQueue's class comment). One thread, offer+poll (InstrumentedQueueCostBenchmark):
   * 0.876x the bare SPSC before, 0.900x with the bound alone, 0.943x with both (interleaved
   * forks, docs/benchmarks/queues.md, session 10). What is left is C2's: the sampled calls in the
   * caller's loop make it keep the caller's loop invariants on the stack (three reloads per
   * offer+poll in JMH's loop that the bare queue's loop, which has no call, does not have).
   */
  private static final int MAX_LOOK_AHEAD_STEP = 4096;

  private final int lookAheadStep;

  /**
   * Creates a queue.
   *
   * @param capacity the exact capacity: a power of two in {@code [1, 2^30]}
   * @param sampleInterval a power of two in {@code [1, 2^30]}: one position in it is timed
   * @param timeInQueue where the sampled times go
   * @throws IllegalArgumentException if {@code capacity} or {@code sampleInterval} is out of range
   * @throws NullPointerException if {@code timeInQueue} is null
   */
  public InstrumentedSpscArrayQueue(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(QueueChecks.checkPowerOfTwoCapacity(capacity), sampleInterval, timeInQueue);
    this.lookAheadStep = Math.max(1, Math.min(capacity / 4, MAX_LOOK_AHEAD_STEP));
  }

  @Override
  long producerIndexAcquire() {
    return (long) PRODUCER_INDEX.getAcquire(this); // pairs with the producer's setRelease
  }

  @Override
  long consumerIndexAcquire() {
    return (long) CONSUMER_INDEX.getAcquire(this); // pairs with the consumer's setRelease
  }

  @Override
  long offersRejected() {
    return (long) OFFERS_REJECTED.getOpaque(this); // opaque: a recent value, no ordering needed
  }

  @Override
  long pollsEmpty() {
    return (long) POLLS_EMPTY.getOpaque(this); // opaque: a recent value, no ordering needed
  }

  @Override
  void countRejected() {
    // single writer (the producer): a plain read of our own field loses nothing; opaque store so
    // that stats() readers see a recent, untorn value
    OFFERS_REJECTED.setOpaque(this, offersRejected + 1L);
  }

  @Override
  void countEmpty() {
    // single writer (the consumer): as in countRejected()
    POLLS_EMPTY.setOpaque(this, pollsEmpty + 1L);
  }

  @Override
  public boolean offer(E element) {
    QueueChecks.checkElement(element);
    final Object[] slots = this.slots;
    final long index = producerIndex; // plain: only this (producer) thread writes it
    if (index >= producerLimit) {
      // the bare queue's room check, written out as its offer has it (no call whose inlining C2
      // decides per JVM; see SpscArrayQueue's class comment)
      if (index >= roomLimit) {
        final long ahead = index + lookAheadStep;
        // acquire: a null there was stored (release) by the consumer after it read every slot
        // (and stamp) up to it, so our later stores cannot overtake the consumer's reads
        if (SLOT.getAcquire(slots, slotIndex(slots, ahead)) == null) {
          roomLimit = ahead; // plain: producer-private cache
        } else if (SLOT.getAcquire(slots, slotIndex(slots, index)) != null) {
          // acquire: the same pairing, for the one slot we are about to write
          countRejected();
          return false;
        }
      }
      if ((index & sampleMask) == 0) {
        stampSampled(index); // cold: out of line, before the element's release store
      }
      // plain: producer-private; never above the next sampled position, and at most index when
      // the room check proved only slot index free (the next offer comes back here, as the bare
      // queue's)
      producerLimit = Math.min(roomLimit, (index | sampleMask) + 1);
    }
    // release (fence, then a plain store, as in SpscArrayQueue.offer): the element's fields (and a
    // stamp) become visible before the consumer can see the slot non-null
    VarHandle.releaseFence();
    slots[slotOf(index)] = element; // slotOf: the index does not wait for slots.length
    // release: size() readers that see index + 1 also see the element (ordered after the store)
    PRODUCER_INDEX.setRelease(this, index + 1);
    return true;
  }

  /**
   * Producer, at sampled position {@code index}, whose slot it found free and is about to
   * publish: stamps it. Out of line: with its assertions (which check real invariants when
   * enabled and fold away when not) its bytecode is larger than C2's MaxInlineSize (35 bytes), so
   * C2 inlines it only at a call site it judges hot, which keeps the clock read (a call) out of
   * offer()'s compiled code (a heuristic, as the old publishSampled's was).
   */
  private void stampSampled(long index) {
    final long[] stamps = this.stamps;
    // Invariants, checked with assertions enabled (diagnostic reads, no part of the ordering)
    assert (index & sampleMask) == 0
        : "position " + index + " is not sampled (sampleInterval " + (sampleMask + 1) + ")";
    assert SLOT.getAcquire(slots, slotIndex(slots, index)) == null
        : "slot of position " + index + " is not free (capacity " + slots.length + ")";
    assert producerIndex == index
        : "position " + index + " is not the producer's next (producerIndex " + producerIndex + ")";
    // (<= and >= below, not < and >: the consumer frees a slot before its index store that follows)
    assert index - consumerIndexAcquire() <= slots.length
        : "position " + index + " is beyond the capacity " + slots.length + " (consumerIndex "
            + consumerIndexAcquire() + ")";
    // the stamp entry's previous owner, one period (stamps.length sampled positions) back, was
    // taken: the consumer reads a position's stamp before it frees the slot
    assert consumerIndexAcquire() >= index - ((long) stamps.length << stampShift)
        : "stamp entry of position " + index + " still belongs to position "
            + (index - ((long) stamps.length << stampShift)) + " (consumerIndex "
            + consumerIndexAcquire() + ", " + stamps.length + " stamp entries)";
    // the table has one entry per sampled position of a capacity's worth (at least one), which is
    // what makes the period above at least the capacity
    assert stamps.length == Math.max(1, slots.length >>> stampShift)
        : stamps.length + " stamp entries for capacity " + slots.length + " and sampleInterval "
            + (sampleMask + 1);
    // (0: never stamped yet; a stamp taken earlier is not later than the clock, whatever its origin)
    assert stamps[(int) (index >>> stampShift) & (stamps.length - 1)] == 0
            || System.nanoTime() - stamps[(int) (index >>> stampShift) & (stamps.length - 1)] >= 0
        : "stamp entry of position " + index + " holds a time later than the clock";
    // plain: published by the caller's release store of the element
    stamps[(int) (index >>> stampShift) & (stamps.length - 1)] = System.nanoTime();
  }

  @Override
  public E poll() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: only this (consumer) thread writes it
    final int slot = slotOf(index); // the index does not wait for slots.length (class comment)
    // acquire (a plain load, then the fence, as in SpscArrayQueue.poll: C2 then checks the load's
    // and free()'s store's bounds once): pairs with the producer's release, so the element (and a
    // stamp) is visible
    final Object element = slots[slot];
    VarHandle.acquireFence();
    if (element == null) {
      countEmpty();
      return null;
    }
    // one compare with a consumer-private bound (as the producer's producerLimit), not a mask test
    // (a load, an and and a test; see the class comment)
    if (index < consumerLimit) {
      free(slots, slot, index);
    } else {
      passLimit(slots, slot, index); // cold: one poll in sampleInterval
    }
    return cast(element);
  }

  /**
   * Consumer at or past {@link #consumerLimit}: takes position {@code index} (timing it if it is
   * sampled) and moves the bound to the next sampled position. Reached once per sampleInterval
   * polls; whether C2 inlines it or not, takeSampled behind it stays a call (SampledPathSizeTest).
   */
  private void passLimit(Object[] slots, int slot, long index) {
    if ((index & sampleMask) == 0) {
      takeSampled(slots, slot, index);
    } else {
      // past the bound, not sampled: clear() (pollUntimed), which leaves the bound, went past it
      free(slots, slot, index);
    }
    // plain: consumer-private; the next sampled position after index, so every position below it
    // that the consumer can still reach is unsampled
    consumerLimit = (index | sampleMask) + 1;
  }

  /**
   * Consumer slow path for a sampled position: reads its stamp, frees its slot, records its time
   * in queue. A separate method, larger than C2's MaxInlineSize, so that C2 does not inline it
   * (nor the recording behind it) at its cold call sites in poll() and drain(); see
   * InstrumentedArrayQueue.recordSince.
   */
  private void takeSampled(Object[] slots, int slot, long index) {
    final long[] stamps = this.stamps;
    // Invariants, checked with assertions enabled (diagnostic reads, no part of the ordering)
    assert (index & sampleMask) == 0
        : "position " + index + " is not sampled (sampleInterval " + (sampleMask + 1) + ")";
    assert index == consumerIndex
        : "position " + index + " is not the consumer's next (consumerIndex " + consumerIndex + ")";
    assert slot == slotIndex(slots, index)
        : "slot " + slot + " is not position " + index + "'s (capacity " + slots.length + ")";
    // (>=, not >: the consumer may see the element before the producer's index store that follows it)
    assert producerIndexAcquire() >= index
        : "position " + index + " is ahead of the producer (producerIndex " + producerIndexAcquire()
            + ")";
    assert SLOT.getAcquire(slots, slot) != null
        : "slot of position " + index + " is empty (producerIndex " + producerIndexAcquire() + ")";
    // plain, and before free(): the acquire load of the element ordered the producer's stamp
    // before this read; once the slot is freed the producer may restamp the entry
    final long offered = stamps[(int) (index >>> stampShift) & (stamps.length - 1)];
    // no later sampled position can have restamped the entry: the producer cannot pass this slot
    // before it is freed below, and the table's period is at least the capacity
    assert producerIndexAcquire() - index <= ((long) stamps.length << stampShift)
        : "stamp entry of position " + index + " overwritten (producerIndex "
            + producerIndexAcquire() + ", " + stamps.length + " stamp entries)";
    assert stamps.length == Math.max(1, slots.length >>> stampShift)
        : stamps.length + " stamp entries for capacity " + slots.length + " and sampleInterval "
            + (sampleMask + 1);
    assert offered - System.nanoTime() <= 0
        : "stamp of position " + index + " (" + offered + ") is later than the clock ("
            + System.nanoTime() + ")";
    free(slots, slot, index);
    recordSince(offered);
  }

  /** Hands slot {@code slot} (sequence {@code index}) back to the producer. */
  private void free(Object[] slots, int slot, long index) {
    // release fence, then a plain store of null: our reads of the element and its stamp are ordered
    // before the slot is handed back, as with SLOT.setRelease, which is what the bare queue uses.
    // Why not SLOT.setRelease here: the VarHandle checks the stored value against the array's
    // component type (a load of the array's class and its component type per store); C2 hoists
    // that out of a loop only when nothing in the loop may change `slots`, and the out-of-line
    // sampled calls in this queue's loops may. A plain store of null needs no check. One thread,
    // CPU time per offer+poll, 5 JVMs each side by side: 0.74-0.97x the bare queue (median 0.88)
    // with this, 0.66-0.85x (median 0.68) with setRelease (docs/benchmarks/queues.md, session 4).
    VarHandle.releaseFence();
    slots[slot] = null;
    // release: size() readers that see index + 1 also see the slot freed
    CONSUMER_INDEX.setRelease(this, index + 1);
  }

  @Override
  Object pollUntimed() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: consumer-owned
    final int slot = slotIndex(slots, index);
    final Object element = SLOT.getAcquire(slots, slot); // acquire: as in poll()
    if (element != null) {
      free(slots, slot, index);
    }
    return element;
  }

  @Override
  public E peek() {
    final Object[] slots = this.slots;
    // acquire: pairs with the producer's release store of the element
    return cast(SLOT.getAcquire(slots, slotIndex(slots, consumerIndex)));
  }

  @Override
  public boolean relaxedOffer(E element) {
    return offer(element); // offer never fails spuriously: there is nothing to relax
  }

  @Override
  public E relaxedPoll() {
    return poll(); // poll returns null only when the next slot is empty: already relaxed
  }

  @Override
  public E relaxedPeek() {
    return peek();
  }

  @Override
  int drainUncounted(Consumer<E> consumer, int limit) {
    final Object[] slots = this.slots;
    final long start = consumerIndex; // plain: consumer-owned
    for (int i = 0; i < limit; i++) {
      final long index = start + i;
      final int slot = slotIndex(slots, index);
      // acquire (plain load, then the fence, as in poll): pairs with the producer's release
      final Object element = slots[slot];
      VarHandle.acquireFence();
      if (element == null) {
        return i;
      }
      // free before accepting: the consumer may throw
      if (index < consumerLimit) { // as in poll()
        free(slots, slot, index);
      } else {
        passLimit(slots, slot, index); // cold, as in poll()
      }
      consumer.accept(cast(element));
    }
    return limit;
  }

  @Override
  int fillUncounted(Supplier<E> supplier, int limit) {
    final Object[] slots = this.slots;
    final long start = producerIndex; // plain: producer-owned
    // no batch-wide look-ahead (SpscArrayQueue.fill has one): the room check looks ahead
    // lookAheadStep slots at a time anyway
    for (int i = 0; i < limit; i++) {
      final long index = start + i;
      if (index >= producerLimit) { // as in offer()
        if (index >= roomLimit) {
          // offer()'s room check, written out as there (no call left to C2's profile)
          final long ahead = index + lookAheadStep;
          // acquire: the same pairing as in offer()
          if (SLOT.getAcquire(slots, slotIndex(slots, ahead)) == null) {
            roomLimit = ahead; // plain: producer-private cache
          } else if (SLOT.getAcquire(slots, slotIndex(slots, index)) != null) {
            return i; // acquire, as in offer(): slot index is still full
          }
        }
        if ((index & sampleMask) == 0) {
          stampSampled(index); // before the supplier is asked (the documented start of a sample)
        }
        producerLimit = Math.min(roomLimit, (index | sampleMask) + 1); // plain: producer-private
      }
      E element = supplier.get();
      QueueChecks.checkElement(element);
      // release: element (and stamp) fully visible before the slot reads non-null
      SLOT.setRelease(slots, slotIndex(slots, index), element);
      // release: keeps size() ordered after the element
      PRODUCER_INDEX.setRelease(this, index + 1);
    }
    return limit;
  }
}
