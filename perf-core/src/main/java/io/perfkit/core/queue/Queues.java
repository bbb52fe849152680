package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencyRecorder;
import io.perfkit.core.queue.internal.InstrumentedMpscArrayQueue;
import io.perfkit.core.queue.internal.InstrumentedSpscArrayQueue;
import io.perfkit.core.queue.internal.SpscArrayQueue;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.varhandle.MpmcVarHandleArrayQueue;
import org.jctools.queues.varhandle.MpscChunkedVarHandleArrayQueue;
import org.jctools.queues.varhandle.MpscUnboundedVarHandleArrayQueue;
import org.jctools.queues.varhandle.MpscVarHandleArrayQueue;

/**
 * Factory for lock-free queues, handed out as JCTools' {@link MessagePassingQueue} (relaxed
 * offer/poll, batch {@code drain}/{@code fill}; every queue is also a {@link java.util.Queue}),
 * plus the {@link #blocking blocking adapter}, the queues that count inside themselves ({@link
 * #instrumentedSpsc}, {@link #instrumentedMpsc}) and the {@link #instrumented instrumented wrapper}.
 *
 * <p>No queue uses the JDK-internal {@code Unsafe}: no warning on JDK 24+ and no JVM flags. {@link #spsc}
 * is perfkit's own VarHandle array queue (JCTools' design; it measured 1.6x JCTools' VarHandle SPSC
 * in the least loaded run, see {@code docs/benchmarks/queues.md}); every other queue is one of
 * JCTools' VarHandle queues from {@code jctools-core-jdk11} (perfkit's own MPSC measured slower than
 * JCTools' VarHandle MPSC, so {@link #mpsc} does not hand it out; it is the base of {@link
 * #instrumentedMpsc}, which needs a queue it can count inside).
 *
 * <p><b>Capacity.</b> Bounded queues round the requested capacity up to the next power of two;
 * {@link MessagePassingQueue#capacity()} reports the real bound. The requested capacity must lie in
 * {@code [1, 2^30]} ({@link #MAX_CAPACITY}).
 *
 * <p><b>Threading.</b> The name states the contract: {@code spsc} allows one producer thread and
 * one consumer thread, {@code mpsc} many producers and one consumer, {@code mpmc} many of each.
 * Breaking the contract (two consumers on an mpsc queue) corrupts the queue silently.
 *
 * <p><b>Ordering.</b> An {@code offer} happens-before the {@code poll}/{@code drain} that returns
 * the same element, as for {@link java.util.concurrent.BlockingQueue}; elements from one producer
 * leave in the order that producer offered them.
 *
 * <p><b>Bad input.</b> Null elements throw {@link NullPointerException}; a negative {@code limit}
 * to {@code drain}/{@code fill} throws {@link IllegalArgumentException} naming it. A null consumer
 * or supplier throws {@code NullPointerException} from {@code spsc} and {@code
 * IllegalArgumentException} from JCTools' queues (their choice, kept as is). A supplier passed to
 * {@code fill} must not return null.
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
    return new MpscVarHandleArrayQueue<>(checkCapacity(capacity, 2));
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

  /**
   * A {@link java.util.concurrent.BlockingQueue} over {@code queue} with the default wait: up to
   * {@link #DEFAULT_IDLE_ROUNDS} spin hints ({@link IdleStrategy#busySpin()}; a few microseconds,
   * enough for the other side to free a slot or publish an element in a steady stream), then park
   * until signalled. No yields: on a loaded machine a yield can cost a whole time slice. The adapter owns {@code queue}: use it only through the adapter afterwards.
   *
   * @param queue the queue to wrap
   * @return the blocking adapter
   * @throws NullPointerException if {@code queue} is null
   */
  public static <E> BlockingQueueAdapter<E> blocking(MessagePassingQueue<E> queue) {
    return new BlockingQueueAdapter<>(queue, IdleStrategy::busySpin, DEFAULT_IDLE_ROUNDS);
  }

  /**
   * A {@link java.util.concurrent.BlockingQueue} over {@code queue}: a blocking call that cannot
   * proceed at once calls {@code idleStrategies.get()} once and then idles with it for up to
   * {@code idleRounds} rounds, retrying after each, before it parks until signalled. {@code
   * idleRounds == 0} parks at once (like {@code ArrayBlockingQueue}); a large count with {@link
   * IdleStrategy#busySpin()} trades a core for latency. The adapter owns {@code queue}.
   *
   * @param queue the queue to wrap
   * @param idleStrategies makes one idle strategy per waiting call (a shared stateless strategy
   *     such as {@code IdleStrategy::yielding} is fine)
   * @param idleRounds idle rounds before parking, {@code >= 0}
   * @return the blocking adapter
   * @throws NullPointerException if {@code queue} or {@code idleStrategies} is null
   * @throws IllegalArgumentException if {@code idleRounds < 0}
   */
  public static <E> BlockingQueueAdapter<E> blocking(
      MessagePassingQueue<E> queue,
      java.util.function.Supplier<? extends IdleStrategy> idleStrategies,
      int idleRounds) {
    return new BlockingQueueAdapter<>(queue, idleStrategies, idleRounds);
  }

  /** Idle rounds (spin hints) of the default blocking wait. */
  public static final int DEFAULT_IDLE_ROUNDS = 256;

  /** Default sampling interval of the instrumented queues: one queue position in 1024 is timed. */
  public static final int DEFAULT_SAMPLE_INTERVAL = 1024;

  /**
   * {@link #instrumentedSpsc(int, int, LatencyRecorder)} timing one position in {@link
   * #DEFAULT_SAMPLE_INTERVAL} into a new {@link LatencyRecorder#create() LatencyRecorder}.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two
   * @return the instrumented queue
   * @throws IllegalArgumentException if {@code capacity} is out of range
   */
  public static <E> InstrumentedQueue<E> instrumentedSpsc(int capacity) {
    return instrumentedSpsc(capacity, DEFAULT_SAMPLE_INTERVAL, LatencyRecorder.create());
  }

  /**
   * A bounded single-producer, single-consumer queue like {@link #spsc} that counts inside itself:
   * depth, rejected offers, empty polls, and the time the element at one queue position in {@code
   * sampleInterval} spends queued, recorded into {@code timeInQueue} (nanoseconds). The counting is
   * compiled into the queue's own offer and poll, so it costs far less than wrapping a queue with
   * {@link #instrumented}; see {@link InstrumentedQueue} for what is counted and timed.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two
   * @param sampleInterval a power of two in {@code [1, 2^30]}; 1 times every element (the stamp
   *     table then takes 8 bytes per slot)
   * @param timeInQueue where the sampled times go: the consumer hands them over in batches of 32
   *     samples, and {@link InstrumentedQueue#stats()} hands over the rest first, so read the times
   *     through {@code stats()} (a direct reader of the recorder may miss up to 31 recent samples)
   * @return the instrumented queue
   * @throws IllegalArgumentException if {@code capacity} or {@code sampleInterval} is out of range
   * @throws NullPointerException if {@code timeInQueue} is null
   */
  public static <E> InstrumentedQueue<E> instrumentedSpsc(
      int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    int slots = checkCapacity(capacity, 1);
    checkSampling(sampleInterval, timeInQueue);
    return new InstrumentedSpscArrayQueue<>(slots, sampleInterval, timeInQueue);
  }

  /**
   * {@link #instrumentedMpsc(int, int, LatencyRecorder)} timing one position in {@link
   * #DEFAULT_SAMPLE_INTERVAL} into a new {@link LatencyRecorder#create() LatencyRecorder}.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two (at
   *     least 2)
   * @return the instrumented queue
   * @throws IllegalArgumentException if {@code capacity} is out of range
   */
  public static <E> InstrumentedQueue<E> instrumentedMpsc(int capacity) {
    return instrumentedMpsc(capacity, DEFAULT_SAMPLE_INTERVAL, LatencyRecorder.create());
  }

  /**
   * A bounded multi-producer, single-consumer queue that counts inside itself, as {@link
   * #instrumentedSpsc(int, int, LatencyRecorder)} does. It is perfkit's own VarHandle MPSC array
   * queue (JCTools' design, the same ordering and progress as {@link #mpsc}'s queue) with the
   * counting compiled in; every sampled position is timed exactly once however many producers
   * there are.
   *
   * @param capacity requested capacity, in {@code [1, 2^30]}, rounded up to a power of two (at
   *     least 2)
   * @param sampleInterval a power of two in {@code [1, 2^30]}; 1 times every element
   * @param timeInQueue where the sampled times go, handed over as {@link #instrumentedSpsc(int,
   *     int, LatencyRecorder)} describes
   * @return the instrumented queue
   * @throws IllegalArgumentException if {@code capacity} or {@code sampleInterval} is out of range
   * @throws NullPointerException if {@code timeInQueue} is null
   */
  public static <E> InstrumentedQueue<E> instrumentedMpsc(
      int capacity, int sampleInterval, LatencyRecorder timeInQueue) {
    int slots = checkCapacity(capacity, 2);
    checkSampling(sampleInterval, timeInQueue);
    return new InstrumentedMpscArrayQueue<>(slots, sampleInterval, timeInQueue);
  }

  /**
   * {@link #instrumented(MessagePassingQueue, int, LatencyRecorder)} sampling one position in
   * {@link #DEFAULT_SAMPLE_INTERVAL} into a new {@link LatencyRecorder#create() LatencyRecorder}.
   *
   * @param queue the queue to wrap
   * @return the instrumented queue
   * @throws NullPointerException if {@code queue} is null
   */
  public static <E> InstrumentedQueue<E> instrumented(MessagePassingQueue<E> queue) {
    return instrumented(queue, DEFAULT_SAMPLE_INTERVAL, LatencyRecorder.create());
  }

  /**
   * Wraps {@code queue} to count depth, rejected offers and empty polls, and to record into {@code
   * timeInQueue} (nanoseconds) the time the element at one queue position in {@code sampleInterval}
   * spends queued (see {@link InstrumentedQueue} for what a sample spans when several threads offer
   * or poll). Works with any queue, including one that already holds elements; the wrapper owns
   * {@code queue}: use it only through the wrapper afterwards. For a new single-consumer queue,
   * {@link #instrumentedSpsc} and {@link #instrumentedMpsc} count inside the queue instead, at a
   * fraction of a wrapper's cost (a wrapper around a queue cannot be made cheaper than one more
   * call level per operation).
   *
   * @param queue the queue to wrap
   * @param sampleInterval a power of two in {@code [1, 2^30]}; 1 times every element
   * @param timeInQueue where the sampled times go, handed over as {@link #instrumentedSpsc(int,
   *     int, LatencyRecorder)} describes
   * @return the instrumented queue
   * @throws NullPointerException if {@code queue} or {@code timeInQueue} is null
   * @throws IllegalArgumentException if {@code sampleInterval} is not such a power of two
   */
  public static <E> InstrumentedQueue<E> instrumented(
      MessagePassingQueue<E> queue, int sampleInterval, LatencyRecorder timeInQueue) {
    Checks.requireNonNull(queue, "queue");
    checkSampling(sampleInterval, timeInQueue);
    return new InstrumentedQueueWrapper<>(rawView(queue), sampleInterval, timeInQueue);
  }

  private static void checkSampling(int sampleInterval, LatencyRecorder timeInQueue) {
    Checks.requireNonNull(timeInQueue, "timeInQueue");
    Checks.requireArgument(
        sampleInterval >= 1 && sampleInterval <= MAX_CAPACITY && Integer.bitCount(sampleInterval) == 1,
        "sampleInterval: %d (expected: a power of two in [1, 2^30])",
        sampleInterval);
  }

  @SuppressWarnings("unchecked") // the wrapper owns the queue and stores E or its private holder
  private static MessagePassingQueue<Object> rawView(MessagePassingQueue<?> queue) {
    return (MessagePassingQueue<Object>) queue;
  }

  private static int checkCapacity(int capacity, int minimumSlots) {
    Checks.checkInRange(capacity, 1, MAX_CAPACITY, "capacity");
    return Math.max(roundToPowerOfTwo(capacity), minimumSlots);
  }

  private static int roundToPowerOfTwo(int value) {
    return value <= 1 ? 1 : Integer.highestOneBit(value - 1) << 1;
  }
}
