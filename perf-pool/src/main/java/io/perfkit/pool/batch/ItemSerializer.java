package io.perfkit.pool.batch;

/**
 * Turns items into journal records and back, for a batcher with a durable journal
 * ({@link BatcherBuilder#journal}).
 *
 * <p><b>Threading.</b> {@link #serialize} is called from producer threads (one at a time, under the
 * journal's lock); {@link #deserialize} from the thread that builds the batcher, during replay.
 *
 * @param <T> the item type
 */
public interface ItemSerializer<T> {
  /**
   * Returns the bytes of {@code item}; {@code deserialize(serialize(item))} must equal it.
   *
   * @param item the item, never null
   */
  byte[] serialize(T item);

  /**
   * Rebuilds an item from the bytes {@link #serialize} produced.
   *
   * @param bytes the record
   * @return the item, not null
   */
  T deserialize(byte[] bytes);
}
