package io.perfkit.core.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Padding by class hierarchy, as in SpscArrayQueue: the producers' contended index, the producers'
 * shared limit cache and the consumer's index each sit 128 bytes away from the others.
 */

abstract class MpscPad0<E> extends BaseArrayQueue<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  MpscPad0(int capacity) {
    super(capacity);
  }
}

/** The sequence producers claim by CAS. */
abstract class MpscProducerIndexField<E> extends MpscPad0<E> {
  static final VarHandle PRODUCER_INDEX;

  static {
    try {
      PRODUCER_INDEX =
          MethodHandles.lookup()
              .findVarHandle(MpscProducerIndexField.class, "producerIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to claim; written only by CAS. */
  volatile long producerIndex;

  MpscProducerIndexField(int capacity) {
    super(capacity);
  }
}

abstract class MpscPad1<E> extends MpscProducerIndexField<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  MpscPad1(int capacity) {
    super(capacity);
  }
}

/** Producers' shared cache of consumerIndex + capacity: read often, written rarely. */
abstract class MpscProducerLimitField<E> extends MpscPad1<E> {
  static final VarHandle PRODUCER_LIMIT;

  static {
    try {
      PRODUCER_LIMIT =
          MethodHandles.lookup()
              .findVarHandle(MpscProducerLimitField.class, "producerLimit", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Producers may claim sequences below this without reading consumerIndex. */
  long producerLimit;

  MpscProducerLimitField(int capacity) {
    super(capacity);
    this.producerLimit = capacity;
  }
}

abstract class MpscPad2<E> extends MpscProducerLimitField<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  MpscPad2(int capacity) {
    super(capacity);
  }
}

/** Written only by the consumer thread. */
abstract class MpscConsumerIndexField<E> extends MpscPad2<E> {
  static final VarHandle CONSUMER_INDEX;

  static {
    try {
      CONSUMER_INDEX =
          MethodHandles.lookup()
              .findVarHandle(MpscConsumerIndexField.class, "consumerIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to read. */
  long consumerIndex;

  MpscConsumerIndexField(int capacity) {
    super(capacity);
  }
}

abstract class MpscPad3<E> extends MpscConsumerIndexField<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  MpscPad3(int capacity) {
    super(capacity);
  }
}

/**
 * A bounded multi-producer single-consumer array queue on VarHandles: JCTools' {@code
 * MpscArrayQueue} design (CAS-claimed producer sequence, cached producer limit) without the JDK-internal
 * {@code Unsafe}.
 *
 * <p><b>Threading:</b> any number of producer threads ({@code offer}, {@code relaxedOffer}, {@code
 * fill}); one consumer thread at a time ({@code poll}, {@code peek}, {@code drain}, {@code clear}
 * and their relaxed forms); {@code size}, {@code isEmpty}, {@code capacity} and iteration from any
 * thread. <b>Ordering:</b> actions before {@code offer(e)} happen-before actions after the {@code
 * poll()} that returns {@code e}; elements from one producer come out in the order it offered them.
 * <b>Progress:</b> producers lock-free (a CAS may fail under contention); the consumer wait-free
 * except that {@code poll} spins while a producer that already claimed the next slot has not yet
 * stored its element ({@code relaxedPoll} returns null instead). <b>Allocation:</b> none after
 * construction.
 *
 * @param <E> element type (non-null)
 */
public final class MpscArrayQueue<E> extends MpscPad3<E> {
  /*
   * Algorithm (JCTools MpscArrayQueue): a producer claims sequence i by CAS on producerIndex, then
   * stores its element into slot i with release semantics. The consumer reads slot i with acquire
   * semantics; null means empty or claimed-but-not-yet-stored (told apart by reading
   * producerIndex). The bound: a producer may claim i only if i < consumerIndex + capacity; it
   * checks against producerLimit, a cached consumerIndex + capacity, and re-reads consumerIndex
   * only when the cache says full. A stale (smaller) limit only sends a producer to the slow path;
   * a limit is never larger than a consumerIndex that was really read + capacity, so no slot is
   * overwritten before the consumer freed it.
   *
   * The consumer's wait for a claimed slot (poll, peek) spins without Thread.onSpinWait(), as
   * JCTools' does: the wait lasts from a producer's CAS to its element store, a few ns unless the
   * producer is descheduled in between, and an x86 pause (tens of cycles on recent AMD cores) made
   * every such wait longer than the store it waited for. In the two-thread transfer on a quiet
   * machine, where the consumer keeps up and meets claimed slots often, the queues without the
   * pause transferred 1.15x (bare) and 1.28x (instrumented) as fast as with it (session 9 quiet
   * run, interleaved single forks; session 6 and a session 9 helper had seen no difference on a
   * loaded machine, where the threads take turns and rarely meet a claimed slot).
   */

  /**
   * Creates a queue.
   *
   * @param capacity the exact capacity: a power of two in {@code [2, 2^30]}
   * @throws IllegalArgumentException if {@code capacity} is not such a power of two
   */
  public MpscArrayQueue(int capacity) {
    super(checkCapacity(capacity));
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
  public boolean offer(E element) {
    QueueChecks.checkElement(element);
    // acquire: a limit computed from a consumerIndex read (acquire) by another producer carries
    // that read's guarantee: the consumer has finished with every slot below it
    long limit = (long) PRODUCER_LIMIT.getAcquire(this);
    long index;
    do {
      // opaque is enough: the CAS below validates the value, and it is a full barrier
      index = (long) PRODUCER_INDEX.getOpaque(this);
      if (index >= limit) {
        // acquire: pairs with the consumer's setRelease, which follows its null store to the slot
        limit = (long) CONSUMER_INDEX.getAcquire(this) + slots.length;
        if (index >= limit) {
          return false;
        }
        // release: publishes the limit together with the consumerIndex observation behind it.
        // Racing producers may store an older (smaller) limit: harmless, see the class comment.
        PRODUCER_LIMIT.setRelease(this, limit);
      }
    } while (!PRODUCER_INDEX.compareAndSet(this, index, index + 1));
    // release: the element's fields are visible before the consumer can read the slot non-null
    SLOT.setRelease(slots, slotOf(index), element);
    return true;
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
    // acquire: pairs with the producer's release store of the element
    Object element = SLOT.getAcquire(slots, slot);
    if (element == null) {
      // volatile read: is slot `index` claimed? If so its element is on its way: wait for it
      if (index == (long) PRODUCER_INDEX.getVolatile(this)) {
        return null;
      }
      // spin without Thread.onSpinWait(): see the class comment
      do {
        element = SLOT.getAcquire(slots, slot); // acquire: as above
      } while (element == null);
    }
    return take(slots, slot, index, element);
  }

  @Override
  public E relaxedPoll() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: consumer-owned
    final int slot = slotOf(index);
    // acquire: pairs with the producer's release store of the element
    final Object element = SLOT.getAcquire(slots, slot);
    if (element == null) {
      return null; // empty, or claimed and not yet stored
    }
    return take(slots, slot, index, element);
  }

  private E take(Object[] slots, int slot, long index, Object element) {
    // plain is enough for the null store: the release store of consumerIndex below orders it
    // (and our read of the element) before any producer can pass the limit check for this slot
    SLOT.set(slots, slot, null);
    // release: producers that read index + 1 (acquire) may then reuse the slot
    CONSUMER_INDEX.setRelease(this, index + 1);
    return cast(element);
  }

  @Override
  public E peek() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: consumer-owned
    final int slot = slotOf(index);
    Object element = SLOT.getAcquire(slots, slot); // acquire: pairs with the producer's release
    if (element == null && index != (long) PRODUCER_INDEX.getVolatile(this)) {
      // spin without Thread.onSpinWait(): see the class comment
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
  public int drain(Consumer<E> consumer, int limit) {
    QueueChecks.requireNonNull(consumer, "consumer");
    QueueChecks.checkLimit(limit);
    final Object[] slots = this.slots;
    final long start = consumerIndex; // plain: consumer-owned
    for (int i = 0; i < limit; i++) {
      final long index = start + i;
      final int slot = slotOf(index);
      // acquire: pairs with the producer's release store of the element
      final Object element = SLOT.getAcquire(slots, slot);
      if (element == null) {
        return i;
      }
      SLOT.set(slots, slot, null); // plain: ordered by the release below, as in take()
      CONSUMER_INDEX.setRelease(this, index + 1); // release: hands the slot back
      consumer.accept(cast(element));
    }
    return limit;
  }

  @Override
  public int fill(Supplier<E> supplier, int limit) {
    QueueChecks.requireNonNull(supplier, "supplier");
    QueueChecks.checkLimit(limit);
    if (limit == 0) {
      return 0;
    }
    final Object[] slots = this.slots;
    final int capacity = slots.length;
    // acquire: see offer()
    long producerLimit = (long) PRODUCER_LIMIT.getAcquire(this);
    long index;
    int batch;
    do {
      index = (long) PRODUCER_INDEX.getOpaque(this); // opaque: validated by the CAS
      long available = producerLimit - index;
      if (available < limit) {
        // the cached limit may be stale: refresh it so a fill takes every free slot
        // acquire: pairs with the consumer's setRelease (see offer())
        producerLimit = (long) CONSUMER_INDEX.getAcquire(this) + capacity;
        available = producerLimit - index;
        if (available <= 0) {
          return 0;
        }
        PRODUCER_LIMIT.setRelease(this, producerLimit); // release: see offer()
      }
      batch = (int) Math.min(available, limit);
    } while (!PRODUCER_INDEX.compareAndSet(this, index, index + batch));
    for (int i = 0; i < batch; i++) {
      E element = supplier.get();
      if (element == null) {
        // the sequence is claimed: the slot must be filled or the consumer would wait forever
        throw claimedSlotsLost(batch - i);
      }
      // release: the element is visible before the slot reads non-null
      SLOT.setRelease(slots, slotOf(index + i), element);
    }
    return batch;
  }

  private static NullPointerException claimedSlotsLost(int remaining) {
    return new NullPointerException(
        "supplier returned null with " + remaining + " claimed slots left; the queue is broken");
  }
}
