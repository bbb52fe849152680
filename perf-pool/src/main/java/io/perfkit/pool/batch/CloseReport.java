package io.perfkit.pool.batch;

import java.util.List;

/**
 * What {@code close} could not process, so that nothing accepted is lost without being reported.
 *
 * @param completed {@code true} if the consumer processed everything accepted before the timeout
 * @param unprocessed items accepted but never handed to the processor, in intake order per key
 * @param failed items whose batch failed every retry and that no dead-letter handler took (no
 *     handler configured, or the handler threw)
 * @param inFlight number of items in a batch the processor was still working on when the timeout
 *     expired (their outcome is still counted in the stats and, on failure, dead-lettered; if no
 *     handler takes them they are logged at WARNING, since this report is already built)
 * @param <T> the item type
 */
public record CloseReport<T>(boolean completed, List<T> unprocessed, List<T> failed, int inFlight) {
  /**
   * Copies both lists.
   *
   * @throws NullPointerException if a list is null
   */
  public CloseReport {
    unprocessed = List.copyOf(unprocessed);
    failed = List.copyOf(failed);
  }
}
