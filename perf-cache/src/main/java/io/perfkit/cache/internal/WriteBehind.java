package io.perfkit.cache.internal;

import io.perfkit.cache.CacheWriter;
import io.perfkit.cache.CacheWriterException;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.WriteOperation;
import io.perfkit.core.memory.MappedLog;
import io.perfkit.pool.batch.Batcher;
import io.perfkit.pool.batch.BatcherBuilder;
import io.perfkit.pool.batch.CloseReport;
import io.perfkit.pool.batch.DeadLetterHandler;
import io.perfkit.pool.batch.ItemSerializer;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The write-behind queue of a tiered cache: a perf-pool {@link Batcher} that hands writes to the
 * user's {@link CacheWriter} in batches (with retries, a dead-letter handler and an optional journal),
 * plus a map of each key's latest write not yet stored, which the cache consults on a miss.
 *
 * <p><b>Threading:</b> thread-safe. {@link #enqueue} may be called from any thread; the writer runs on
 * the batcher's consumer thread. The map is a {@link ConcurrentHashMap}: a write put there before it
 * is offered to the batcher happens-before the batch that stores it removes it.
 *
 * @param <K> the key type
 * @param <V> the value type
 */
public final class WriteBehind<K, V> {
  private final ConcurrentHashMap<K, WriteOperation<K, V>> pending = new ConcurrentHashMap<>();
  private final Batcher<WriteOperation<K, V>> batcher;
  private final Duration closeTimeout;

  /**
   * Builds and starts the queue (its consumer is a daemon thread named
   * {@code perfkit-batcher-cache-write-behind}). With a journal, writes accepted before a crash and
   * not stored are replayed to the writer first.
   *
   * @param writer stores batches
   * @param maxBatchSize most writes per {@link CacheWriter#writeAll} call
   * @param linger longest a write waits for a batch to fill; zero = adaptive
   * @param maxRetries retries of a failed batch before it is dead-lettered
   * @param deadLetter receives batches that failed every retry, or {@code null} (they are then
   *     reported by {@link #close})
   * @param journal a log that makes accepted writes survive a crash, or {@code null}
   * @param keys key serializer (journal only)
   * @param values value serializer (journal only)
   * @param closeTimeout how long {@link #close} waits for the queue to drain
   */
  public WriteBehind(CacheWriter<K, V> writer, int maxBatchSize, Duration linger, int maxRetries,
      DeadLetterHandler<WriteOperation<K, V>> deadLetter, MappedLog journal, Serializer<K> keys,
      Serializer<V> values, Duration closeTimeout) {
    this.closeTimeout = closeTimeout;
    BatcherBuilder<WriteOperation<K, V>> builder = Batcher.<WriteOperation<K, V>>newBuilder()
        .name("cache-write-behind")
        .maxBatchSize(maxBatchSize)
        .lingerTime(linger)
        .maxRetries(maxRetries);
    if (deadLetter != null) {
      builder.deadLetterHandler((batch, cause) -> {
        // The store will not get these; the cache keeps serving them until evicted.
        forget(batch);
        deadLetter.onDeadLetter(batch, cause);
      });
    }
    if (journal != null) {
      builder.journal(journal, new Codec<>(keys, values));
    }
    this.batcher = builder.build(batch -> {
      writer.writeAll(batch);
      forget(batch);
    });
  }

  /**
   * Records {@code operation} as the key's pending write and queues it.
   *
   * @throws IllegalStateException if the queue is closed
   * @throws java.util.concurrent.RejectedExecutionException if the queue stayed full (nothing queued)
   */
  public void enqueue(WriteOperation<K, V> operation) {
    pending.put(operation.key(), operation);
    try {
      batcher.put(operation);
    } catch (RuntimeException e) {
      pending.remove(operation.key(), operation);
      throw e;
    }
  }

  /** Returns {@code key}'s latest write not yet stored, or {@code null}. */
  public WriteOperation<K, V> pending(K key) {
    return pending.get(key);
  }

  /** Returns the number of keys with a write not yet stored. */
  public int pendingCount() {
    return pending.size();
  }

  /**
   * Waits until every write queued before this call is stored or dead-lettered.
   *
   * @return whether that happened within {@code timeout}
   * @throws InterruptedException if interrupted while waiting
   */
  public boolean flush(Duration timeout) throws InterruptedException {
    return batcher.flush(timeout);
  }

  /**
   * Stops accepting writes and stores every queued one (retrying failures, dead-lettering what still
   * fails). Idempotent.
   *
   * @throws CacheWriterException listing the writes that were accepted but neither stored nor taken
   *     by a dead-letter handler (failed without a handler, or still queued at the timeout), or if
   *     interrupted while draining
   */
  public void close() {
    CloseReport<WriteOperation<K, V>> report;
    try {
      report = batcher.close(closeTimeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CacheWriterException("interrupted while draining the write-behind queue; "
          + pending.size() + " keys have writes not yet stored", e, new ArrayList<>(pending.values()));
    }
    List<WriteOperation<K, V>> unwritten = new ArrayList<>(report.unprocessed());
    unwritten.addAll(report.failed());
    if (!unwritten.isEmpty() || report.inFlight() > 0) {
      throw new CacheWriterException(String.format(Locale.US,
          "write-behind closed with %d writes not stored (%d never written, %d failed every retry"
              + " with no dead-letter handler) and %d still in the writer after %s",
          unwritten.size(), report.unprocessed().size(), report.failed().size(),
          report.inFlight(), closeTimeout), null, unwritten);
    }
  }

  private void forget(List<WriteOperation<K, V>> batch) {
    for (WriteOperation<K, V> operation : batch) {
      pending.remove(operation.key(), operation); // identity: a newer write of the key stays
    }
  }

  /** Journal record: delete flag (1 byte), key length (4 bytes), key, value. */
  private record Codec<K, V>(Serializer<K> keys, Serializer<V> values)
      implements ItemSerializer<WriteOperation<K, V>> {
    @Override
    public byte[] serialize(WriteOperation<K, V> item) {
      byte[] key = keys.serialize(item.key());
      byte[] value = item.isDelete() ? new byte[0] : values.serialize(item.value());
      return ByteBuffer.allocate(5 + key.length + value.length)
          .put((byte) (item.isDelete() ? 1 : 0)).putInt(key.length).put(key).put(value).array();
    }

    @Override
    public WriteOperation<K, V> deserialize(byte[] bytes) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      boolean delete = buffer.get() == 1;
      int keyLength = buffer.getInt();
      K key = keys.deserialize(buffer.slice(5, keyLength).asReadOnlyBuffer());
      V value = delete ? null : values.deserialize(
          buffer.slice(5 + keyLength, bytes.length - 5 - keyLength).asReadOnlyBuffer());
      return new WriteOperation<>(key, value);
    }
  }
}
