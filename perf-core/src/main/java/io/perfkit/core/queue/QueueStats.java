package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.metrics.LatencySnapshot;

/**
 * An immutable snapshot of an {@link InstrumentedQueue}'s counters.
 *
 * @param depth elements in the queue when the snapshot was taken (weakly consistent)
 * @param capacity the queue's bound, or {@link org.jctools.queues.MessagePassingQueue#UNBOUNDED_CAPACITY}
 * @param offersRejected offers (and empty fills) that failed because the queue was full, since creation
 * @param pollsEmpty polls (and empty drains) that found the queue empty, since creation
 * @param timeInQueue nanoseconds from {@code offer} to {@code poll} of the elements at sampled queue
 *     positions, since creation (what a sample spans with several producers or consumers, and
 *     when a position goes unsampled, is stated on {@link InstrumentedQueue})
 */
public record QueueStats(
    int depth, int capacity, long offersRejected, long pollsEmpty, LatencySnapshot timeInQueue) {

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if a count is negative
   * @throws NullPointerException if {@code timeInQueue} is null
   */
  public QueueStats {
    Checks.checkNonNegative(depth, "depth");
    Checks.checkNonNegative(offersRejected, "offersRejected");
    Checks.checkNonNegative(pollsEmpty, "pollsEmpty");
    Checks.requireNonNull(timeInQueue, "timeInQueue");
  }
}
