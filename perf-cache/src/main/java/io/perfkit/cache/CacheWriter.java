package io.perfkit.cache;

import java.util.List;

/**
 * Writes a {@link TieredCache}'s puts and deletes to the system of record, for the
 * {@link WritePolicy#WRITE_THROUGH write-through} and {@link WritePolicy#WRITE_BEHIND write-behind}
 * policies. Values a loader returned are never written back.
 *
 * <p><b>Threading:</b> write-through calls {@link #write} and {@link #delete} on the caller's thread,
 * concurrently for different keys (calls for one key are serialised by the cache). Write-behind calls
 * {@link #writeAll} on the batcher's single consumer thread, never concurrently with itself; a batch
 * that throws is retried as a whole, so {@code writeAll} should be idempotent.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public interface CacheWriter<K, V> {
  /**
   * Stores {@code value} for {@code key}.
   *
   * @throws Exception to refuse the write (write-through: the cache stays unchanged and the caller
   *     gets the exception, wrapped in {@link CacheWriterException} if checked)
   */
  void write(K key, V value) throws Exception;

  /**
   * Deletes {@code key}.
   *
   * @throws Exception to refuse the delete (write-through: the cache stays unchanged)
   */
  void delete(K key) throws Exception;

  /**
   * Applies a batch of writes in order (write-behind). The default calls {@link #write} or
   * {@link #delete} for each; override it to use the store's batch operation.
   *
   * @param batch the writes, in the order they were made per key; not empty
   * @throws Exception to fail the whole batch (it is retried, then dead-lettered)
   */
  default void writeAll(List<WriteOperation<K, V>> batch) throws Exception {
    for (WriteOperation<K, V> operation : batch) {
      if (operation.isDelete()) {
        delete(operation.key());
      } else {
        write(operation.key(), operation.value());
      }
    }
  }
}
