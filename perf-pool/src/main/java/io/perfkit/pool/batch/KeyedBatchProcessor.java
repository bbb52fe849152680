package io.perfkit.pool.batch;

import java.util.List;

/**
 * Processes one batch of items that share a key, for a batcher built with
 * {@link BatcherBuilder#buildKeyed}: for example one bulk call per operation type.
 *
 * <p><b>Threading.</b> Called from the batcher's single consumer thread, never concurrently with
 * itself. <b>Ordering.</b> Everything a producer did before offering an item happens-before the
 * call that receives it. Items of one key keep their intake order; batches of different keys are
 * not ordered relative to each other.
 *
 * @param <K> the key type
 * @param <T> the item type
 */
@FunctionalInterface
public interface KeyedBatchProcessor<K, T> {
  /**
   * Processes {@code batch}, whose items all map to {@code key}. Failure handling is that of
   * {@link BatchProcessor#process}.
   *
   * @param key the key every item in the batch maps to
   * @param batch the items, in intake order, not empty
   * @throws Exception to fail the batch
   */
  void process(K key, List<T> batch) throws Exception;
}
