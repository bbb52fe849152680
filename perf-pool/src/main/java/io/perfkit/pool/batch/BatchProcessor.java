package io.perfkit.pool.batch;

import java.util.List;

/**
 * Processes one batch of items: the work a {@link Batcher} amortises (one database write, one
 * network call) over many items.
 *
 * <p><b>Threading.</b> Called from the batcher's single consumer thread, never concurrently with
 * itself for the same batcher. <b>Ordering.</b> Everything a producer did before offering an item
 * happens-before the call that receives it.
 *
 * @param <T> the item type
 */
@FunctionalInterface
public interface BatchProcessor<T> {
  /**
   * Processes {@code batch}. The list is not empty, holds at most the batcher's maximum batch size,
   * keeps the items in intake order, and belongs to the processor (it may keep it).
   *
   * <p>Throwing fails the whole batch: the batcher retries it (the same items, same order) up to
   * its retry limit with backoff, then hands it to the dead-letter handler. A processor that may be
   * retried should therefore be idempotent per batch.
   *
   * @param batch the items, in intake order
   * @throws Exception to fail the batch
   */
  void process(List<T> batch) throws Exception;
}
