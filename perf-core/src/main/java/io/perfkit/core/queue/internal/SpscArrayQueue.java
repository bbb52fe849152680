package io.perfkit.core.queue.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/*
 * Padding by class hierarchy (JCTools' layout): the JVM lays out superclass fields first, so the
 * 128-byte pads keep the producer's fields, the consumer's fields and the object header / cold
 * fields on different cache lines (and adjacent-line prefetch pairs). SpscArrayQueueLayoutTest
 * checks the offsets with JOL.
 */

abstract class SpscPad0<E> extends BaseArrayQueue<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  SpscPad0(int capacity) {
    super(capacity);
  }
}

/** Fields written only by the producer thread. */
abstract class SpscProducerFields<E> extends SpscPad0<E> {
  static final VarHandle PRODUCER_INDEX;

  static {
    try {
      PRODUCER_INDEX =
          MethodHandles.lookup().findVarHandle(SpscProducerFields.class, "producerIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to write. Written by the producer (release), read by anyone for size. */
  long producerIndex;

  /** Sequence below which the producer knows slots are free (producer-private, plain). */
  long producerLimit;

  SpscProducerFields(int capacity) {
    super(capacity);
  }
}

abstract class SpscPad1<E> extends SpscProducerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  SpscPad1(int capacity) {
    super(capacity);
  }
}

/** Fields written only by the consumer thread. */
abstract class SpscConsumerFields<E> extends SpscPad1<E> {
  static final VarHandle CONSUMER_INDEX;

  static {
    try {
      CONSUMER_INDEX =
          MethodHandles.lookup().findVarHandle(SpscConsumerFields.class, "consumerIndex", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Next sequence to read. Written by the consumer (release), read by anyone for size. */
  long consumerIndex;

  SpscConsumerFields(int capacity) {
    super(capacity);
  }
}

abstract class SpscPad2<E> extends SpscConsumerFields<E> {
  long p00, p01, p02, p03, p04, p05, p06, p07; //  64b
  long p10, p11, p12, p13, p14, p15, p16, p17; // 128b

  SpscPad2(int capacity) {
    super(capacity);
  }
}

/**
 * A bounded single-producer single-consumer array queue on VarHandles: JCTools' {@code
 * SpscArrayQueue} design (FastFlow's null-slot protocol with a producer look-ahead) without the JDK-internal
 * {@code Unsafe}.
 *
 * <p><b>Threading:</b> one producer thread ({@code offer}, {@code relaxedOffer}, {@code fill}) and
 * one consumer thread ({@code poll}, {@code peek}, {@code drain}, {@code clear}, their relaxed
 * forms) at a time; {@code size}, {@code isEmpty}, {@code capacity} and iteration from any thread.
 * <b>Ordering:</b> actions before {@code offer(e)} happen-before actions after the {@code poll()}
 * that returns {@code e}. <b>Progress:</b> wait-free. <b>Allocation:</b> none after construction.
 *
 * @param <E> element type (non-null)
 */
public final class SpscArrayQueue<E> extends SpscPad2<E> {
  /*
   * Algorithm (FastFlow [1], JCTools SpscArrayQueue [2]): the producer owns producerIndex, the
   * consumer owns consumerIndex; neither reads the other's index on the hot path. A slot is free
   * when it is null. The producer stores the element with release semantics, so a consumer that
   * reads it non-null (acquire) sees the element fully constructed. The consumer stores null with
   * release semantics after reading the element, so the producer that reads null (acquire) cannot
   * overwrite the slot before the consumer's read. Instead of checking its own slot on each
   * offer, the producer checks the slot lookAheadStep ahead: the consumer frees slots in order, so
   * a null there proves every slot up to it is free, and producerLimit caches that proof.
   *
   * Inlining: neither offer() nor fill() calls a room-check method. Such a method (57 bytes, above
   * C2's MaxInlineSize of 35) was inlined into a caller's loop only where the warm-up profile had
   * made the call site hot, i.e. where the queue ran into its limit often enough while the profile
   * was taken. That differed from JVM to JVM: in the two-thread transfer's turn-taking rounds,
   * JVMs that kept the call spent 2.8 ns of producer CPU per offer, JVMs that inlined it 2.1 ns,
   * for the same code (docs/benchmarks/queues.md, session 8; SpscOfferInliningTest pins it).
   *
   * [1] M. Aldinucci et al., "An Efficient Unbounded Lock-Free Queue for Multi-core Systems",
   *     Euro-Par 2012 (FastFlow). [2] github.com/JCTools/JCTools, SpscArrayQueue.
   */
  private static final int MAX_LOOK_AHEAD_STEP = 4096;

  private final int lookAheadStep;

  /**
   * Creates a queue.
   *
   * @param capacity the exact capacity: a power of two in {@code [1, 2^30]}
   * @throws IllegalArgumentException if {@code capacity} is not such a power of two
   */
  public SpscArrayQueue(int capacity) {
    super(QueueChecks.checkPowerOfTwoCapacity(capacity));
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
  public boolean offer(E element) {
    QueueChecks.checkElement(element);
    final Object[] slots = this.slots;
    final long index = producerIndex; // plain: only this (producer) thread writes it
    if (index >= producerLimit) {
      // The room check, written out here rather than called (see the class comment's note on
      // inlining). acquire: a null lookAheadStep ahead was stored (release) by the consumer after
      // it read every slot up to it, so our later stores into those slots cannot overtake the
      // consumer's reads
      final long ahead = index + lookAheadStep;
      if (SLOT.getAcquire(slots, slotIndex(slots, ahead)) == null) {
        producerLimit = ahead; // plain: producer-private cache
      } else if (SLOT.getAcquire(slots, slotIndex(slots, index)) != null) {
        // acquire: the same pairing, for the one slot we are about to write
        return false;
      }
    }
    // release (fence, then a plain store): the element's fields become visible before the
    // consumer can see the slot non-null. The same ordering as SLOT.setRelease, without the
    // VarHandle's per-store type check (array.getClass() == Object[].class: the array's klass,
    // then its mirror, dependent loads); the plain store's own check compares the klass only.
    VarHandle.releaseFence();
    slots[slotIndex(slots, index)] = element;
    // release: size() readers that see index + 1 also see the element (ordered after the store)
    PRODUCER_INDEX.setRelease(this, index + 1);
    return true;
  }

  @Override
  public E poll() {
    final Object[] slots = this.slots;
    final long index = consumerIndex; // plain: only this (consumer) thread writes it
    final int slot = slotIndex(slots, index);
    // acquire (a plain load, then the fence): pairs with the producer's release, so the element is
    // fully visible. The same ordering as SLOT.getAcquire; a plain load because C2 then checks the
    // load's and the null store's bounds once (a VarHandle index check and the store's were two)
    final Object element = slots[slot];
    VarHandle.acquireFence();
    if (element == null) {
      return null;
    }
    // release (fence, then a plain store): our read of the element is ordered before the slot is
    // handed back to the producer. The same ordering as SLOT.setRelease, without the VarHandle's
    // per-store array-class check (a null store needs none); see InstrumentedSpscArrayQueue.free.
    VarHandle.releaseFence();
    slots[slot] = null;
    // release: size() readers that see index + 1 also see the slot freed
    CONSUMER_INDEX.setRelease(this, index + 1);
    return cast(element);
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
  public int drain(Consumer<E> consumer, int limit) {
    QueueChecks.requireNonNull(consumer, "consumer");
    QueueChecks.checkLimit(limit);
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
      // release (fence, then a plain null store, as in poll): the read above is ordered before
      // the slot is handed back
      VarHandle.releaseFence();
      slots[slot] = null;
      // release: keeps size() consistent; the consumer may throw, so advance before accepting
      CONSUMER_INDEX.setRelease(this, index + 1);
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
    final long start = producerIndex; // plain: producer-owned
    // look ahead once for the whole batch when we can (acquire, as in offer's room check)
    int batch = Math.min(limit, lookAheadStep);
    if (start + batch - 1 >= producerLimit
        && SLOT.getAcquire(slots, slotIndex(slots, start + batch - 1)) == null) {
      producerLimit = start + batch; // plain: producer-private
    }
    for (int i = 0; i < limit; i++) {
      final long index = start + i;
      if (index >= producerLimit) {
        // offer()'s room check, written out as there (no call left to C2's profile); acquire:
        // the same pairing as in offer()
        final long ahead = index + lookAheadStep;
        if (SLOT.getAcquire(slots, slotIndex(slots, ahead)) == null) {
          producerLimit = ahead; // plain: producer-private cache
        } else if (SLOT.getAcquire(slots, slotIndex(slots, index)) != null) {
          return i; // acquire, as in offer(): slot index is still full
        }
      }
      E element = supplier.get();
      QueueChecks.checkElement(element);
      // release: element fully visible before the slot reads non-null
      SLOT.setRelease(slots, slotIndex(slots, index), element);
      // release: keeps size() ordered after the element
      PRODUCER_INDEX.setRelease(this, index + 1);
    }
    return limit;
  }
}
