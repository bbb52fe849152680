package io.perfkit.core.queue;

import java.util.Queue;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.QueueProgressIndicators;

/**
 * A {@link MessagePassingQueue} (and {@link Queue}) that counts what happens to it: depth, offers
 * rejected because it was full, polls that found it empty, and the time elements at sampled
 * positions spend queued (one queue position in {@code sampleInterval}, into a {@link
 * io.perfkit.core.metrics.LatencyRecorder LatencyRecorder}). Read with {@link #stats()}.
 *
 * <p>Two kinds exist, with the same counters and the same {@link QueueStats}:
 *
 * <ul>
 *   <li><b>Counting inside the queue</b>: {@link Queues#instrumentedSpsc} and {@link
 *       Queues#instrumentedMpsc} build perfkit's own array queue with the counting compiled into
 *       its offer and poll (a mask test per operation; a clock read and one store only at sampled
 *       positions; the failure counters only on the failure paths). Use these for new queues: they
 *       cost a fraction of the wrapper (see {@code docs/benchmarks/queues.md}).
 *   <li><b>A wrapper</b>: {@link Queues#instrumented} wraps any {@code MessagePassingQueue}
 *       (JCTools' queues, the factory's {@code mpmc} and chunked queues, a queue that already holds
 *       elements). The wrapper owns the wrapped queue: once wrapped, use the queue only through the
 *       wrapper (the wrapper numbers the positions that elements take, and direct use would shift
 *       them).
 * </ul>
 *
 * <p>Elements pass through unchanged in both: the offer times of sampled positions are kept in a
 * table beside the queue, not attached to the elements.
 *
 * <p><b>Time in queue:</b> positions are numbered in offer order, 0, 1, 2, &hellip;; position
 * {@code p} is sampled when {@code p} is a multiple of {@code sampleInterval}. Elements removed by
 * {@link #clear()} are not timed.
 *
 * <ul>
 *   <li><i>Counting inside the queue</i> ({@code instrumentedSpsc}, {@code instrumentedMpsc}): the
 *       position is the queue's own producer index. The recorded time of a sampled element runs
 *       from inside the {@code offer}/{@code fill} call that adds it (once the queue has room for
 *       it, before the element is published; in a {@code fill}, before the supplier is asked for
 *       it) to inside the {@code poll}/{@code drain} call that removes it. Exactly one time is recorded per sampled position that is polled or
 *       drained, for any number of producers: the stamp table covers the whole capacity, so a stamp
 *       is never overwritten before it is read. The consumer keeps the times it measures in a
 *       buffer of its own and hands them to the recorder 32 at a time; {@link #stats()} hands over
 *       the rest first, so it includes every sample taken by a poll that happened-before it.
 *   <li><i>Wrapper, one producer and one consumer</i> (a queue named {@code Spsc*}): the recorded
 *       time of a sampled element runs from just before the {@code offer}/{@code fill} call that
 *       adds it to just after the {@code poll}/{@code drain} call that removes it. Positions are the
 *       wrapped queue's own indices when it exposes them ({@link QueueProgressIndicators}),
 *       otherwise counted by the wrapper from the moment of wrapping. Exactly one time per sampled
 *       position is recorded, provided the queue never holds more than {@code 1024 *
 *       sampleInterval - 2} elements (always true for a bounded queue of at most that capacity);
 *       beyond that a sample can be skipped, never misattributed.
 *   <li><i>Wrapper, several producers</i> ({@code Mpsc*}, {@code Mpmc*}): an offer reads the queue's
 *       producer index before offering and, if it is a sampled position, stamps that position. The
 *       element that takes the position is offered concurrently with that stamping offer (it may be
 *       another producer's), so the start time is off by at most the duration of one {@code offer}
 *       call ({@code fill}: of that {@code fill} call, which stamps the sampled positions its batch
 *       may take). A position that no producer reads before it is taken, because another producer
 *       took it in between, goes unsampled, and so may one whose stamp a racing offer that failed
 *       on a full queue withdrew: under producer contention fewer than one position in {@code
 *       sampleInterval} is timed.
 *   <li><i>Wrapper, several consumers</i> ({@code Spmc*}, {@code Mpmc*}): a poll reads the queue's
 *       consumer index before polling and, if that is a sampled position and the poll returns an
 *       element, records the time of that position at the end of its poll, whichever consumer
 *       removed the position's element; the end time is off by at most the duration of one {@code
 *       poll} call, and at most one consumer records each position. A position that no consumer
 *       reads before it is taken goes unsampled.
 *   <li>With several producers or consumers and a wrapped queue that does not expose its indices,
 *       time in queue is not measured (its snapshot stays empty); the counters still are.
 * </ul>
 *
 * <p><b>Counting:</b> an {@code offer}/{@code relaxedOffer} that returns false, and a {@code
 * fill(supplier, limit)} with {@code limit > 0} that adds nothing, count one rejected offer; a
 * {@code poll}/{@code relaxedPoll} that returns null, and a {@code drain(consumer, limit)} with
 * {@code limit > 0} that removes nothing, count one empty poll. The wait-strategy forms of {@code
 * drain}/{@code fill} count neither (an idle batch is waiting, not failing); {@code peek}, {@code
 * clear} and {@code size} count nothing.
 *
 * <p><b>Threading:</b> the queue's producer/consumer contract (its name) applies unchanged; {@link
 * #stats()} may be called from any thread. <b>Ordering:</b> that of the queue (an offer
 * happens-before the poll that returns its element); the counters are weakly consistent with it (a
 * snapshot may miss operations that overlap it). <b>Progress:</b> that of the queue, plus wait-free
 * counting and stamping. <b>Allocation:</b> none per element; the stamp table is allocated with the
 * queue (wrapper: at most 16 KiB; inside the queue: {@code 8 * max(1, capacity / sampleInterval)}
 * bytes).
 *
 * <p>Not meant to be implemented outside perfkit: new methods may be added.
 *
 * @param <E> element type (non-null)
 */
public interface InstrumentedQueue<E> extends MessagePassingQueue<E>, Queue<E> {

  /**
   * A snapshot of the counters and of the time-in-queue distribution since creation. Safe to call
   * from any thread at any time; wait-free apart from the {@link
   * io.perfkit.core.metrics.LatencyRecorder#snapshot()} it takes.
   *
   * @return the snapshot
   */
  QueueStats stats();
}
