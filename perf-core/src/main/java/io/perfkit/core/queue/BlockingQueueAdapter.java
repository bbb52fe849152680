package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.queue.internal.QueueChecks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.AbstractQueue;
import java.util.Collection;
import java.util.Iterator;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.jctools.queues.MessagePassingQueue;

/**
 * A {@link BlockingQueue} over any {@link MessagePassingQueue}: {@code put}/{@code take} and timed
 * {@code offer}/{@code poll} wait with an {@link IdleStrategy} (spin, yield, ...) for a bounded
 * number of rounds, then park until signalled. Created by {@link Queues#blocking}.
 *
 * <p><b>Threading:</b> the wrapped queue's contract still applies: over an {@code spsc} queue only
 * one thread may call the producer methods ({@code put}, {@code offer}, {@code add}, {@code
 * addAll}) and one the consumer methods ({@code take}, {@code poll}, {@code peek}, {@code drainTo},
 * {@code clear}, {@code remove()}); over {@code mpsc} many producers; over {@code mpmc} many of
 * each. {@code size}, {@code remainingCapacity}, {@code isEmpty}, {@code contains}, {@code
 * toArray} and iteration are safe from any thread and weakly consistent. {@link #remove(Object)}
 * is unsupported (lock-free queues cannot remove from the middle).
 *
 * <p><b>Ordering:</b> actions before putting {@code e} happen-before actions after the call that
 * removes {@code e}, as for every {@code BlockingQueue}.
 *
 * <p><b>Progress:</b> non-blocking methods have the wrapped queue's progress guarantee plus one
 * full fence; a non-blocking call takes the signalling lock only when a thread is parked waiting
 * on the other side. Blocking methods honour interruption ({@link InterruptedException}, with the
 * interrupt status cleared, if the thread is interrupted on entry to a wait or while waiting) and
 * timeouts.
 *
 * <p><b>Allocation:</b> none on the fast path; the idle-strategy factory is called once per
 * blocking call that has to wait.
 *
 * @param <E> element type (non-null)
 */
public final class BlockingQueueAdapter<E> extends AbstractQueue<E> implements BlockingQueue<E> {
  /*
   * Waking without a lost wakeup (a Dekker handshake):
   *   producer: store element (inside queue.offer)  ; fullFence ; read waitingConsumers
   *   consumer: waitingConsumers += 1 (atomic RMW, a full fence) ; queue.poll()
   * With the fences, at least one side sees the other's store: either the producer sees the waiter
   * and signals, or the waiter's re-poll sees the element. The waiter registers, re-polls and
   * awaits while holding `lock`, and a signaller takes `lock` before signalling, so a signal can
   * never fall between the waiter's re-poll and its await. The same handshake, mirrored, wakes
   * producers waiting for room. When nobody waits, the fast path costs the fence and one read of
   * a mostly-unchanging field: no lock, no unpark.
   */
  private static final VarHandle WAITING_CONSUMERS;
  private static final VarHandle WAITING_PRODUCERS;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      WAITING_CONSUMERS =
          lookup.findVarHandle(BlockingQueueAdapter.class, "waitingConsumers", int.class);
      WAITING_PRODUCERS =
          lookup.findVarHandle(BlockingQueueAdapter.class, "waitingProducers", int.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final MessagePassingQueue<E> queue;
  private final Supplier<? extends IdleStrategy> idleStrategies;
  private final int idleRounds;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition notEmpty = lock.newCondition();
  private final Condition notFull = lock.newCondition();

  /** Consumers registered to park; changed only under {@code lock}, read by producers. */
  private volatile int waitingConsumers;

  /** Producers registered to park; changed only under {@code lock}, read by consumers. */
  private volatile int waitingProducers;

  BlockingQueueAdapter(
      MessagePassingQueue<E> queue, Supplier<? extends IdleStrategy> idleStrategies, int idleRounds) {
    this.queue = Checks.requireNonNull(queue, "queue");
    this.idleStrategies = Checks.requireNonNull(idleStrategies, "idleStrategies");
    this.idleRounds = Checks.checkNonNegative(idleRounds, "idleRounds");
  }

  /** The wrapped queue (use it directly only while no thread blocks on this adapter). */
  MessagePassingQueue<E> queue() {
    return queue;
  }

  /* ---------------- Producer side ---------------- */

  /**
   * Inserts {@code e} if there is room, without waiting.
   *
   * @return {@code true} if inserted, {@code false} if the queue was full
   * @throws NullPointerException if {@code e} is null
   */
  @Override
  public boolean offer(E e) {
    QueueChecks.checkElement(e);
    if (queue.offer(e)) {
      signalConsumers();
      return true;
    }
    return false;
  }

  /**
   * Inserts {@code e}, waiting for room as long as it takes.
   *
   * @throws InterruptedException if interrupted while waiting
   * @throws NullPointerException if {@code e} is null
   */
  @Override
  public void put(E e) throws InterruptedException {
    QueueChecks.checkElement(e);
    if (queue.offer(e)) {
      signalConsumers();
      return;
    }
    offerSlow(e, false, 0L);
  }

  /**
   * Inserts {@code e}, waiting up to {@code timeout} for room.
   *
   * @return {@code true} if inserted, {@code false} if the time ran out first
   * @throws InterruptedException if interrupted while waiting
   * @throws NullPointerException if {@code e} or {@code unit} is null
   */
  @Override
  public boolean offer(E e, long timeout, TimeUnit unit) throws InterruptedException {
    QueueChecks.checkElement(e);
    long nanos = Checks.requireNonNull(unit, "unit").toNanos(timeout);
    if (queue.offer(e)) {
      signalConsumers();
      return true;
    }
    return offerSlow(e, true, nanos);
  }

  private boolean offerSlow(E e, boolean timed, long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    final long deadline = timed ? System.nanoTime() + nanos : 0L;
    if (timed && nanos <= 0) {
      return false;
    }
    IdleStrategy idle = idleStrategies.get();
    for (int round = 0; round < idleRounds; round++) {
      idle.idle();
      if (queue.offer(e)) {
        signalConsumers();
        return true;
      }
      if (timed && deadline - System.nanoTime() <= 0) {
        return false;
      }
    }
    lock.lockInterruptibly();
    try {
      // atomic RMW: a full fence between registering and the re-offer below (see class comment)
      WAITING_PRODUCERS.getAndAdd(this, 1);
      try {
        while (!queue.offer(e)) {
          if (!timed) {
            notFull.await();
          } else {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
              return false;
            }
            notFull.awaitNanos(remaining);
          }
        }
      } catch (InterruptedException interrupted) {
        passOn(notFull, queue.size() < queue.capacity()); // a signal meant for us is not lost
        throw interrupted;
      } finally {
        WAITING_PRODUCERS.getAndAdd(this, -1); // atomic: registration is counted exactly
      }
    } finally {
      lock.unlock();
    }
    signalConsumers();
    return true;
  }

  /* ---------------- Consumer side ---------------- */

  /**
   * Removes the head if there is one, without waiting.
   *
   * @return the head, or {@code null} if the queue was empty
   */
  @Override
  public E poll() {
    E e = queue.poll();
    if (e != null) {
      signalProducers();
    }
    return e;
  }

  /**
   * Removes the head, waiting for one as long as it takes.
   *
   * @throws InterruptedException if interrupted while waiting
   */
  @Override
  public E take() throws InterruptedException {
    E e = queue.poll();
    if (e != null) {
      signalProducers();
      return e;
    }
    return pollSlow(false, 0L);
  }

  /**
   * Removes the head, waiting up to {@code timeout} for one.
   *
   * @return the head, or {@code null} if the time ran out first
   * @throws InterruptedException if interrupted while waiting
   * @throws NullPointerException if {@code unit} is null
   */
  @Override
  public E poll(long timeout, TimeUnit unit) throws InterruptedException {
    long nanos = Checks.requireNonNull(unit, "unit").toNanos(timeout);
    E e = queue.poll();
    if (e != null) {
      signalProducers();
      return e;
    }
    return pollSlow(true, nanos);
  }

  private E pollSlow(boolean timed, long nanos) throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
    final long deadline = timed ? System.nanoTime() + nanos : 0L;
    if (timed && nanos <= 0) {
      return null;
    }
    IdleStrategy idle = idleStrategies.get();
    E e;
    for (int round = 0; round < idleRounds; round++) {
      idle.idle();
      if ((e = queue.poll()) != null) {
        signalProducers();
        return e;
      }
      if (timed && deadline - System.nanoTime() <= 0) {
        return null;
      }
    }
    lock.lockInterruptibly();
    try {
      // atomic RMW: a full fence between registering and the re-poll below (see class comment)
      WAITING_CONSUMERS.getAndAdd(this, 1);
      try {
        while ((e = queue.poll()) == null) {
          if (!timed) {
            notEmpty.await();
          } else {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
              return null;
            }
            notEmpty.awaitNanos(remaining);
          }
        }
      } catch (InterruptedException interrupted) {
        passOn(notEmpty, !queue.isEmpty()); // a signal meant for us is not lost
        throw interrupted;
      } finally {
        WAITING_CONSUMERS.getAndAdd(this, -1); // atomic: registration is counted exactly
      }
    } finally {
      lock.unlock();
    }
    signalProducers();
    return e;
  }

  /**
   * Returns the head without removing it, or {@code null} if empty.
   *
   * @return the head or {@code null}
   */
  @Override
  public E peek() {
    return queue.peek();
  }

  /**
   * Moves every available element to {@code c}.
   *
   * @return the number of elements moved
   * @throws NullPointerException if {@code c} is null
   * @throws IllegalArgumentException if {@code c} is this queue
   */
  @Override
  public int drainTo(Collection<? super E> c) {
    return drainTo(c, Integer.MAX_VALUE);
  }

  /**
   * Moves up to {@code maxElements} available elements to {@code c}. A non-positive {@code
   * maxElements} moves nothing, as in the JDK's queues. If {@code c.add} throws, the element being
   * added is lost (the {@link BlockingQueue#drainTo} contract), the rest stay queued.
   *
   * @return the number of elements moved
   * @throws NullPointerException if {@code c} is null
   * @throws IllegalArgumentException if {@code c} is this queue
   */
  @Override
  public int drainTo(Collection<? super E> c, int maxElements) {
    Checks.requireNonNull(c, "c");
    Checks.requireArgument(c != this, "c: this queue (expected: another collection)");
    int moved = 0;
    try {
      E e;
      while (moved < maxElements && (e = queue.poll()) != null) {
        moved++;
        c.add(e);
      }
    } finally {
      if (moved > 0) {
        signalProducers(moved);
      }
    }
    return moved;
  }

  /* ---------------- Signalling ---------------- */

  private void signalConsumers() {
    // StoreLoad: the element stored by offer must be visible before we read the waiter count
    VarHandle.fullFence();
    if (waitingConsumers != 0) { // volatile read: pairs with the waiter's atomic increment
      signal(notEmpty, false);
    }
  }

  private void signalProducers() {
    // StoreLoad: the slot freed by poll must be visible before we read the waiter count
    VarHandle.fullFence();
    if (waitingProducers != 0) { // volatile read: pairs with the waiter's atomic increment
      signal(notFull, false);
    }
  }

  private void signalProducers(int freed) {
    VarHandle.fullFence(); // StoreLoad, as in signalProducers()
    if (waitingProducers != 0) { // volatile read: pairs with the waiter's atomic increment
      signal(notFull, freed > 1);
    }
  }

  private void signal(Condition condition, boolean all) {
    lock.lock();
    try {
      if (all) {
        condition.signalAll();
      } else {
        condition.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Called under {@code lock} by a waiter leaving on interrupt: hands a possible signal on. */
  private static void passOn(Condition condition, boolean stateChanged) {
    if (stateChanged) {
      condition.signal();
    }
  }

  /* ---------------- Inspection ---------------- */

  /**
   * The number of elements, weakly consistent.
   *
   * @return the number of elements
   */
  @Override
  public int size() {
    return queue.size();
  }

  @Override
  public boolean isEmpty() {
    return queue.isEmpty();
  }

  /**
   * Room left: capacity minus size, or {@link Integer#MAX_VALUE} over an unbounded queue. Weakly
   * consistent.
   *
   * @return the remaining capacity
   */
  @Override
  public int remainingCapacity() {
    int capacity = queue.capacity();
    if (capacity == MessagePassingQueue.UNBOUNDED_CAPACITY) {
      return Integer.MAX_VALUE;
    }
    return Math.max(0, capacity - queue.size());
  }

  /**
   * Unsupported: lock-free array queues cannot remove an element from the middle.
   *
   * @throws UnsupportedOperationException always
   */
  @Override
  public boolean remove(Object o) {
    throw new UnsupportedOperationException("remove(Object): lock-free queues remove only the head");
  }

  /**
   * A weakly consistent iterator over the wrapped queue; {@code remove} is unsupported.
   *
   * @return an iterator
   */
  @Override
  public Iterator<E> iterator() {
    Iterator<E> delegate = asQueue(queue).iterator();
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return delegate.hasNext();
      }

      @Override
      public E next() {
        return delegate.next();
      }
    };
  }

  @SuppressWarnings("unchecked") // every MessagePassingQueue perfkit and JCTools make is a Queue<E>
  private static <E> java.util.Queue<E> asQueue(MessagePassingQueue<E> queue) {
    if (!(queue instanceof java.util.Queue)) {
      throw new UnsupportedOperationException("iteration: the wrapped queue is not a Queue");
    }
    return (java.util.Queue<E>) queue;
  }

  @Override
  public String toString() {
    return "BlockingQueueAdapter[" + queue + ", waitingConsumers=" + waitingConsumers
        + ", waitingProducers=" + waitingProducers + "]";
  }
}
