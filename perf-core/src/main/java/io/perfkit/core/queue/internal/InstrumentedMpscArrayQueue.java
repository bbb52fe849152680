package io.perfkit.core.queue.internal;

import io.perfkit.core.metrics.LatencyRecorder;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * MpscArrayQueue's layout (class-hierarchy padding: the producers' contended index, their shared
 * limit cache and the consumer's index 128 bytes apart), plus the producers' failure counter on a
 * line of its own (written only when an offer fails, so it never slows the index or limit lines)
 * and the consumer's failure counter beside the consumer's index.
 */

abstract class InstrumentedMpscPad0<E> extends InstrumentedArrayQueue<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedMpscPad0(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(capacity, sampleInterval, timeInQueue);
  }
}

/** The sequence producers claim by CAS. */
abstract class InstrumentedMpscProducerIndexField<E> extends InstrumentedMpscPad0<E> {
  static final VarHandle PRODUCER_INDEX;

  static {
    try {
      PRODUCER_INDEX =
          MethodHandles.lookup()
              .findVarHandle(InstrumentedMpscProducerIndexField.class, "producerIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to claim; written only by CAS. */
  volatile long producerIndex;

  InstrumentedMpscProducerIndexField(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

abstract class InstrumentedMpscPad1<E> extends InstrumentedMpscProducerIndexField<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedMpscPad1(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

/**
 * Producers' shared limit: min(a consumerIndex + capacity, the next sampled position), read often,
 * written once per sampleInterval offers or when the room runs out.
 */
abstract class InstrumentedMpscProducerLimitField<E> extends InstrumentedMpscPad1<E> {
  static final VarHandle PRODUCER_LIMIT;

  static {
    try {
      PRODUCER_LIMIT =
          MethodHandles.lookup()
              .findVarHandle(InstrumentedMpscProducerLimitField.class, "producerLimit", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /**
   * Producers may claim sequences below this without reading consumerIndex and without the
   * sampled test. 0 at first: position 0 is sampled.
   */
  long producerLimit;

  InstrumentedMpscProducerLimitField(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

abstract class InstrumentedMpscPad2<E> extends InstrumentedMpscProducerLimitField<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedMpscPad2(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

/** Rejected offers: written by any producer, only on the failure path. */
abstract class InstrumentedMpscRejectedField<E> extends InstrumentedMpscPad2<E> {
  static final VarHandle OFFERS_REJECTED;

  static {
    try {
      OFFERS_REJECTED =
          MethodHandles.lookup()
              .findVarHandle(InstrumentedMpscRejectedField.class, "offersRejected", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Rejected offers and empty fills; atomic adds (producers may fail concurrently). */
  long offersRejected;

  InstrumentedMpscRejectedField(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

abstract class InstrumentedMpscPad3<E> extends InstrumentedMpscRejectedField<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedMpscPad3(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

/** Written only by the consumer thread. */
abstract class InstrumentedMpscConsumerFields<E> extends InstrumentedMpscPad3<E> {
  static final VarHandle CONSUMER_INDEX;
  static final VarHandle POLLS_EMPTY;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      CONSUMER_INDEX =
          lookup.findVarHandle(InstrumentedMpscConsumerFields.class, "consumerIndex", long.class);
      POLLS_EMPTY =
          lookup.findVarHandle(InstrumentedMpscConsumerFields.class, "pollsEmpty", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to read. */
  long consumerIndex;

  /** Empty polls and empty drains. Written by the consumer (opaque), read by stats(). */
  long pollsEmpty;

  InstrumentedMpscConsumerFields(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

abstract class InstrumentedMpscPad4<E> extends InstrumentedMpscConsumerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  InstrumentedMpscPad4(int capacity, int sampleInterval, LatencyRecorder r) {
    super(capacity, sampleInterval, r);
  }
}

/**
 * {@link MpscArrayQueue} with the {@link io.perfkit.core.queue.InstrumentedQueue} counting compiled
 * in: the same algorithm and memory ordering, plus a sampling test per offer and poll, a stamp and a
 * recorded time at sampled positions (the producer that claimed a position is its only stamper, so
 * no CAS is needed), and failure counts on the failure paths.
 *
 * <p><b>Threading, ordering, progress:</b> those of {@link MpscArrayQueue}; {@link #stats()} from
 * any thread. <b>Allocation:</b> none after construction.
 *
 * @param <E> element type (non-null)
 */
public final class InstrumentedMpscArrayQueue<E> extends InstrumentedMpscPad4<E> {
  /*
   * Algorithm and ordering: MpscArrayQueue's, except what producerLimit caches; sampling:
   * InstrumentedArrayQueue's class comment.
   *
   * producerLimit is min(room, next sampled position), so the offer fast path is the bare queue's
   * single compare and CAS, with no sampled test (session 8; the SPSC's limit works the same way).
   * Invariant: every stored limit L was computed by a producer that had claimed (CAS) some
   * position i and had read (acquire) some consumerIndex c, as L <= c + capacity and L <=
   * (i | sampleMask) + 1, the first sampled position after i, and it stores L (release) after its
   * claim. A producer that reads L (acquire) and then producerIndex j sees j > i, so [j, L) holds no
   * sampled position (those below L are <= i, claimed) and every slot in it is free: a claim of
   * j < L needs neither the room check nor the sampled test. Limits stored out of order by racing
   * producers each satisfy the invariant on their own, so which one lands last does not matter.
   * At or past the limit a producer re-reads consumerIndex (the bare queue's full path, inline),
   * claims, stamps a sampled position, and stores the next limit. fill() claims past the limit
   * only after reading consumerIndex, stamps its own sampled positions, and stores a limit under
   * the same rule.
   */

  /**
   * Creates a queue.
   *
   * @param capacity the exact capacity: a power of two in {@code [2, 2^30]}
   * @param sampleInterval a power of two in {@code [1, 2^30]}: one position in it is timed
   * @param timeInQueue where the sampled times go
   * @throws IllegalArgumentException if {@code capacity} or {@code sampleInterval} is out of range
   * @throws NullPointerException if {@code timeInQueue} is null
   */
  public InstrumentedMpscArrayQueue(int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    super(checkCapacity(capacity), sampleInterval, timeInQueue);
  }

  private static int checkCapacity(int capacity) {
    QueueChecks.checkPowerOfTwoCapacity(capacity);
    io.perfkit.core.internal.Checks.requireArgument(
        capacity >= 2, "capacity: %d (expected: a power of two in [2, 2^30])", capacity);
    return capacity;
  }

  @Override
  long producerIndexAcquire() {
    return (long) PRODUCER_INDEX.getAcquire(this); // pairs with the producers' CAS
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
    OFFERS_REJECTED.getAndAdd(this, 1L); // atomic: producers may fail concurrently
  }

  @Override
  void countEmpty() {
    // single writer (the consumer): a plain read of our own field loses nothing; opaque store so
    // that stats() readers see a recent, untorn value
    POLLS_EMPTY.setOpaque(this, pollsEmpty + 1L);
  }

  @Override
  public boolean offer(E element) {
    QueueChecks.checkElement(element);
    // Read before the loop, so the slot's address is ready when the CAS completes (JCTools keeps
    // its mask in a register the same way; loads after a locked instruction wait for it on x86).
    // Here this measured 3.88-3.97 against 3.91-4.29 ns per one-thread offer+poll; in the bare
    // MpscArrayQueue, 0.06 ns slower, so it reads them after the CAS (session 8).
    final Object[] slots = this.slots;
    final long mask = this.mask;
    // acquire: a limit stored (release) by a producer after its claim and its acquire read of
    // consumerIndex carries both: the consumer has finished with every slot (and stamp) below the
    // limit, and every sampled position below it is claimed (see the class comment)
    long limit = (long) PRODUCER_LIMIT.getAcquire(this);
    while (true) {
      // opaque is enough: the CAS below validates the value, and it is a full barrier
      final long index = (long) PRODUCER_INDEX.getOpaque(this);
      if (index < limit) {
        // the bare queue's fast path: below the limit no position is sampled and there is room
        if (PRODUCER_INDEX.compareAndSet(this, index, index + 1)) {
          // release: the element's fields are visible before the slot reads non-null
          SLOT.setRelease(slots, (int) (index & mask), element);
          return true;
        }
      } else {
        // past the limit: out of proven room, at a sampled position, or both. The room check is
        // the bare queue's, inline (an out-of-line full path holds a transfer in the full state,
        // docs/benchmarks/queues.md, session 7).
        // acquire: pairs with the consumer's setRelease, which follows its reads of the slot
        final long room = (long) CONSUMER_INDEX.getAcquire(this) + mask + 1;
        if (index >= room) {
          countRejected();
          return false;
        }
        if (PRODUCER_INDEX.compareAndSet(this, index, index + 1)) {
          if ((index & sampleMask) != 0) {
            // release: the element's fields are visible before the slot reads non-null
            SLOT.setRelease(slots, (int) (index & mask), element);
          } else {
            publishSampled(index, element); // cold: one offer in sampleInterval
          }
          // release, after the claim (program order): a producer that reads this limit (acquire)
          // then reads a producerIndex above index, and no position in (index, limit) is sampled.
          // A racing producer may store a limit computed from an older claim or consumerIndex:
          // it is still such a limit (see the class comment), at worst a smaller one.
          PRODUCER_LIMIT.setRelease(this, Math.min(room, (index | sampleMask) + 1));
          return true;
        }
        // lost the race to another producer: it may have moved the limit
        limit = (long) PRODUCER_LIMIT.getAcquire(this); // acquire: as above
      }
    }
  }

  /**
   * Producer slow path for a sampled position {@code index} that this producer claimed: stamps it
   * and publishes {@code element}, after checking (with assertions enabled) the hand-over
   * invariants the stamp relies on.
   *
   * <p>Out of line by construction, not by a heuristic: C2 never inlines a method whose bytecode
   * is larger than FreqInlineSize (325 bytes on x86-64 and AArch64), and this one is larger because
   * of its assertions (below), whose bytecode counts toward that size although with assertions
   * disabled C2 folds them away. Inlined into offer(), the sampled branch cost 0.4–0.8 ns per
   * one-thread offer+poll (0.82–0.87x the bare queue); JDK 17's C2 inlined the 46-byte version
   * once its call site's profiled count reached InlineFrequencyCount (100), however rare relative
   * to the loop, in about one JVM in four (docs/benchmarks/queues.md, session 5).
   * SampledPathSizeTest keeps the size above the limit.
   */
  private void publishSampled(long index, E element) {
    final long[] stamps = this.stamps;
    final Object[] slots = this.slots;
    final int slot = slotOf(index);
    final int entry = (int) (index >>> stampShift) & (stamps.length - 1);
    // Invariants, checked with assertions enabled (the tests run so). This producer owns position
    // index: its CAS claimed it, below a limit read from consumerIndex, so the consumer has freed
    // the slot's previous occupant and has read the stamp entry's previous owner, the position a
    // stamps.length * sampleInterval >= capacity lap earlier (InstrumentedArrayQueue's comment).
    // The assertions' VarHandle reads are diagnostic snapshots (volatile/acquire only to see recent
    // values); with assertions off they do not run, so they add no ordering to the queue's protocol.
    assert (index & sampleMask) == 0
        : "position " + index + " is not sampled (sampleInterval " + (sampleMask + 1) + ")";
    assert ((long) stamps.length << stampShift) >= slots.length
        : stamps.length + " stamps of interval " + (sampleMask + 1) + " cover less than capacity "
            + slots.length;
    assert index < (long) PRODUCER_INDEX.getVolatile(this)
        : "position " + index + " is not claimed (producerIndex " + PRODUCER_INDEX.getVolatile(this)
            + ")";
    assert element != null : "null element at position " + index;
    assert index < (long) CONSUMER_INDEX.getAcquire(this) + slots.length
        : "position " + index + " claimed beyond capacity " + slots.length + " (consumerIndex "
            + CONSUMER_INDEX.getAcquire(this) + ", producerLimit " + PRODUCER_LIMIT.getAcquire(this)
            + ")";
    assert SLOT.getAcquire(slots, slot) == null
        : "slot " + slot + " of claimed position " + index + " is not free (capacity "
            + slots.length + ")";
    assert index - ((long) stamps.length << stampShift) < (long) CONSUMER_INDEX.getAcquire(this)
        : "stamp entry " + entry + " of position " + index + " may still be read for position "
            + (index - ((long) stamps.length << stampShift)) + " (consumerIndex "
            + CONSUMER_INDEX.getAcquire(this) + ")";
    // plain: we alone own position index now; published by the release store below
    stamps[entry] = System.nanoTime();
    // release: the element's fields and the stamp are visible before the slot reads non-null
    SLOT.setRelease(slots, slot, element);
  }

  @Override
  public boolean relaxedOffer(E element) {
    return offer(element); // fails only when the queue really was full at the limit check
  }

  @Override
  public E poll() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: only this (consumer) thread writes it
    final int slot = slotOf(index);
    // acquire: pairs with the producer's release store of the element (and its stamp)
    Object element = SLOT.getAcquire(slots, slot);
    if (element == null) {
      // volatile read: is slot `index` claimed? If so its element is on its way: wait for it
      if (index == (long) PRODUCER_INDEX.getVolatile(this)) {
        countEmpty();
        return null;
      }
      // spin without Thread.onSpinWait(), as in MpscArrayQueue (see its class comment)
      do {
        element = SLOT.getAcquire(slots, slot); // acquire: as above
      } while (element == null);
    }
    return cast(take(slots, slot, index, element));
  }

  @Override
  public E relaxedPoll() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: consumer-owned
    final int slot = slotOf(index);
    // acquire: pairs with the producer's release store of the element (and its stamp)
    final Object element = SLOT.getAcquire(slots, slot);
    if (element == null) {
      countEmpty(); // empty, or claimed and not yet stored: the queue looked empty
      return null;
    }
    return cast(take(slots, slot, index, element));
  }

  /**
   * Consumer: removes {@code element}, the element at {@code index}, timing it if its position is
   * sampled, and returns it. The sampled call hands the element back instead of the caller
   * keeping it live across the call: with the caller keeping it, JDK 25's C2 made the common,
   * unsampled path ~0.5 ns slower per one-thread offer+poll (0.83x Queues.mpsc; 0.92x this way;
   * JDK 17 0.95x either way; docs/benchmarks/queues.md, session 6).
   */
  private Object take(Object[] slots, int slot, long index, Object element) {
    if ((index & sampleMask) != 0) {
      free(slots, slot, index);
      return element;
    }
    return takeSampled(slots, slot, index, element); // cold: one take in sampleInterval
  }

  /**
   * Consumer slow path for a sampled position: reads its stamp, frees its slot, records its time
   * in queue, after checking (with assertions enabled) the invariants the stamp relies on. Out of
   * line by construction, as publishSampled is: with its assertions its bytecode is larger than
   * FreqInlineSize, so C2 does not inline it at any call site, however hot its profile.
   */
  private Object takeSampled(Object[] slots, int slot, long index, Object element) {
    final long[] stamps = this.stamps;
    final int entry = (int) (index >>> stampShift) & (stamps.length - 1);
    // Invariants, checked with assertions enabled: the consumer takes the position at its index,
    // which a producer claimed and published (the caller's acquire load saw the element), and
    // no producer can claim the next position sharing the stamp entry before this take frees it.
    // (Diagnostic reads, as in publishSampled: no part of the queue's ordering.)
    assert (index & sampleMask) == 0
        : "position " + index + " (slot " + slot + ") is not sampled (sampleInterval "
            + (sampleMask + 1) + ")";
    assert ((long) stamps.length << stampShift) >= slots.length
        : stamps.length + " stamps of interval " + (sampleMask + 1) + " cover less than capacity "
            + slots.length;
    assert index == consumerIndex
        : "position " + index + " (slot " + slot + ") taken out of turn (consumerIndex "
            + consumerIndex + ")";
    assert index < (long) PRODUCER_INDEX.getVolatile(this)
        : "position " + index + " taken before it was claimed (producerIndex "
            + PRODUCER_INDEX.getVolatile(this) + ", consumerIndex " + consumerIndex + ")";
    assert SLOT.getAcquire(slots, slot) != null
        : "slot " + slot + " of position " + index + " taken before its element was published"
            + " (capacity " + slots.length + ")";
    assert (long) PRODUCER_INDEX.getVolatile(this) <= index + slots.length
        : "position " + (index + slots.length) + " claimed before position " + index
            + " was taken (stamp entry " + entry + ", producerIndex "
            + PRODUCER_INDEX.getVolatile(this) + ")";
    // plain, and before free(): the acquire load of the element ordered the producer's stamp
    // before this read; once the slot is freed a producer may restamp the entry
    final long offered = stamps[entry];
    free(slots, slot, index);
    final long now = System.nanoTime();
    // the JVM's nanoTime is monotonic across threads: a later stamp was not this position's
    assert offered - now <= 0
        : "stamp " + offered + " of position " + index + " (entry " + entry + ") is later than now "
            + now;
    recordSince(offered, now);
    return element;
  }

  private void free(Object[] slots, int slot, long index) {
    // plain is enough for the null store: the release store of consumerIndex below orders it (and
    // our reads of the element and its stamp) before any producer can pass the limit check
    SLOT.set(slots, slot, null);
    // release: producers that read index + 1 (acquire) may then reuse the slot and the stamp
    CONSUMER_INDEX.setRelease(this, index + 1);
  }

  @Override
  Object pollUntimed() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: consumer-owned
    final int slot = slotOf(index);
    Object element = SLOT.getAcquire(slots, slot); // acquire: as in poll()
    if (element == null) {
      // volatile read, as in poll(): a claimed slot's element is on its way
      if (index == (long) PRODUCER_INDEX.getVolatile(this)) {
        return null;
      }
      // spin without Thread.onSpinWait(), as in MpscArrayQueue (see its class comment)
      do {
        element = SLOT.getAcquire(slots, slot); // acquire: as above
      } while (element == null);
    }
    free(slots, slot, index);
    return element;
  }

  @Override
  public E peek() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: consumer-owned
    final int slot = slotOf(index);
    Object element = SLOT.getAcquire(slots, slot); // acquire: pairs with the producer's release
    if (element == null && index != (long) PRODUCER_INDEX.getVolatile(this)) {
      // spin without Thread.onSpinWait(), as in MpscArrayQueue (see its class comment)
      do {
        element = SLOT.getAcquire(slots, slot); // acquire: as above
      } while (element == null);
    }
    return cast(element);
  }

  @Override
  public E relaxedPeek() {
    final Object[] slots = this.slots;
    // acquire: pairs with the producer's release store of the element
    return cast(SLOT.getAcquire(slots, slotOf(consumerIndex)));
  }

  @Override
  int drainUncounted(Consumer<E> consumer, int limit) {
    final Object[] slots = this.slots;
    final long start = consumerIndex; // plain: consumer-owned
    for (int i = 0; i < limit; i++) {
      final long index = start + i;
      final int slot = slotOf(index);
      // acquire: pairs with the producer's release store of the element (and its stamp)
      final Object element = SLOT.getAcquire(slots, slot);
      if (element == null) {
        return i;
      }
      // take before accepting: the consumer may throw
      consumer.accept(cast(take(slots, slot, index, element)));
    }
    return limit;
  }

  @Override
  int fillUncounted(Supplier<E> supplier, int limit) {
    final Object[] slots = this.slots;
    final int capacity = slots.length;
    // acquire: a limit is at most a consumerIndex read + capacity (see the class comment; its
    // sampled cap does not matter here: fill stamps every sampled position it claims)
    long room = (long) PRODUCER_LIMIT.getAcquire(this);
    boolean refreshed = false;
    long index;
    int batch;
    do {
      index = (long) PRODUCER_INDEX.getOpaque(this); // opaque: validated by the CAS
      long available = room - index;
      if (available < limit) {
        // the cached limit may be stale or capped at a sampled position: read the real room so a
        // fill takes every free slot (again after a lost CAS, as JCTools' fill does)
        // acquire: pairs with the consumer's setRelease, which follows its reads of the slot
        room = (long) CONSUMER_INDEX.getAcquire(this) + capacity;
        refreshed = true;
        available = room - index;
      }
      if (available <= 0) {
        return 0;
      }
      batch = (int) Math.min(available, limit);
    } while (!PRODUCER_INDEX.compareAndSet(this, index, index + batch));
    if (refreshed) {
      // release, after the claim: the next limit under the class comment's rule, from our last
      // claimed position index + batch - 1 and the consumerIndex we read
      PRODUCER_LIMIT.setRelease(this, Math.min(room, ((index + batch - 1) | sampleMask) + 1));
    }
    for (int i = 0; i < batch; i++) {
      E element = supplier.get();
      if (element == null) {
        // the sequence is claimed: the slot must be filled or the consumer would wait forever
        throw new NullPointerException(
            "supplier returned null with " + (batch - i) + " claimed slots left; the queue is broken");
      }
      long position = index + i;
      if ((position & sampleMask) == 0) {
        stamp(position); // plain: this producer alone claimed position; published below
      }
      // release: the element (and a stamp) is visible before the slot reads non-null
      SLOT.setRelease(slots, slotOf(position), element);
    }
    return batch;
  }
}
