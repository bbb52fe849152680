package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.queue.internal.MpscArrayQueue;
import io.perfkit.core.queue.internal.SpscArrayQueue;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpmcVarHandleArrayQueue;
import org.jctools.queues.varhandle.MpscChunkedVarHandleArrayQueue;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;

/**
 * Factory for lock-free queues, handed out as JCTools' {@link MessagePassingQueue} (relaxed
 * offer/poll, batch {@code drain}/{@code fill}) and as {@link java.util.Queue}.
 *
 * <p>Every queue returned is one of JCTools' VarHandle implementations (artifact
 * {@code jctools-core-jdk11}): no {@code sun.misc.Unsafe}, so no warning on JDK 24+ and no JVM
 * flags. A queue of perfkit's own replaces one of them only where it measures faster (see
 * {@code docs/benchmarks.md}).
 *
 * <p><b>Capacity.</b> Bounded queues round the requested capacity up to the next power of two;
 * {@link MessagePassingQueue#capacity()} reports the real bound. The requested capacity must lie in
 * {@code [1, 2^30]} ({@link #MAX_CAPACITY}).
 *
 * <p><b>Thread-safety.</b> The name states the contract: {@code spsc} allows one producer thread
 * and one consumer thread, {@code mpsc} many producers and one consumer, {@code mpmc} many of each.
 * Breaking the contract (two consumers on an mpsc queue) corrupts the queue silently.
 *
 * <p><b>Memory ordering.</b> An {@code offer} happens-before the {@code poll}/{@code drain} that
 * returns the same element, as for {@link java.util.concurrent.BlockingQueue}.
 *
 * <p>This class is stateless and thread-safe.
 */
public final class Queues {
  /** The largest capacity a bounded queue accepts: {@code 2^30}. */
  public static final int MAX_CAPACITY = 1 << 30;

  private Queues() {}

  /**
   * A bounded single-producer, single-consumer queue.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two
   * @throws IllegalArgumentException if {@code capacity} is out of range
   */
  public static <E> MessagePassingQueue<E> spsc(int capacity) {
    return new SpscArrayQueue<>(checkCapacity(capacity, 1));
  }

  /**
   * A bounded multi-producer, single-consumer queue.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two (at
   *     least 2)
   * @throws IllegalArgumentException if {@code capacity} is out of range
   */
  public static <E> MessagePassingQueue<E> mpsc(int capacity) {
    return new MpscArrayQueue<>(checkCapacity(capacity, 2));
  }

  /**
   * A bounded multi-producer, multi-consumer queue.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two (at
   *     least 2: JCTools' MPMC queue needs two slots)
   * @throws IllegalArgumentException if {@code capacity} is out of range
   */
  public static <E> MessagePassingQueue<E> mpmc(int capacity) {
    return new MpmcVarHandleArrayQueue<>(checkCapacity(capacity, 2));
  }

  /**
   * A bounded multi-producer, single-consumer queue that allocates its storage in chunks as it
   * fills, so a large bound costs memory only when used.
   *
   * @param chunkSize size of each chunk, in {@code [2, 2^30]}, rounded up to a power of two
   * @param capacity maximum number of elements, at least {@code 2 * chunkSize}
   * @throws IllegalArgumentException if an argument is out of range
   */
  public static <E> MessagePassingQueue<E> mpscChunked(int chunkSize, int capacity) {
    Checks.checkInRange(chunkSize, 2, MAX_CAPACITY, "chunkSize");
    Checks.checkInRange(capacity, 1, MAX_CAPACITY, "capacity");
    int chunk = roundToPowerOfTwo(chunkSize);
    int max = Math.max(roundToPowerOfTwo(capacity), 2 * chunk);
    return new MpscChunkedVarHandleArrayQueue<>(chunk, max);
  }

  /**
   * An unbounded multi-producer, single-consumer queue linking array chunks of {@code chunkSize}.
   * {@code offer} never fails; memory is the only bound.
   *
   * @param chunkSize size of each chunk, in {@code [2, 2^30]}, rounded up to a power of two
   * @throws IllegalArgumentException if {@code chunkSize} is out of range
   */
  public static <E> MessagePassingQueue<E> mpscUnbounded(int chunkSize) {
    Checks.checkInRange(chunkSize, 2, MAX_CAPACITY, "chunkSize");
    return new MpscUnboundedVarHandleArrayQueue<>(roundToPowerOfTwo(chunkSize));
  }

  private static int checkCapacity(int capacity, int minimumSlots) {
    Checks.checkInRange(capacity, 1, MAX_CAPACITY, "capacity");
    return Math.max(roundToPowerOfTwo(capacity), minimumSlots);
  }

  private static int roundToPowerOfTwo(int value) {
    return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
  }
}
