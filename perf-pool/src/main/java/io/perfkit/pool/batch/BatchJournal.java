package io.perfkit.pool.batch;

import io.perfkit.core.memory.MappedLog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The write-behind journal of a plain batcher: every accepted item is appended to a
 * {@link MappedLog} before {@code offer} returns, and the log's processed mark advances as batches
 * complete (processed or dead-lettered), so a restarted batcher replays exactly the records that
 * were accepted but not done (at least once: a crash between a batch and its mark replays it).
 */
final class BatchJournal<T> {
  /*
   * Producers append and enqueue under this object's monitor, so journal order == intake order.
   * For a plain (unkeyed) batcher, batches leave the intake in that order too, so after a batch
   * of n items completes, the consumer pops n positions and marks everything before the next
   * pending position as processed (or before the last popped one, if none is pending: that record
   * is then replayed once more after a crash, which at-least-once allows).
   */
  private static final System.Logger LOG = System.getLogger(BatchJournal.class.getName());

  final MappedLog log;
  final ItemSerializer<T> serializer;
  private final ArrayDeque<Long> positions = new ArrayDeque<>(); // guarded by this

  BatchJournal(MappedLog log, ItemSerializer<T> serializer) {
    this.log = log;
    this.serializer = serializer;
  }

  /** Called under this monitor: journals an item about to be enqueued. */
  void append(T item) {
    try {
      positions.addLast(log.append(serializer.serialize(item)));
    } catch (IOException e) {
      throw new UncheckedIOException("journal append failed: item not accepted", e);
    }
  }

  /** Replays records accepted but not done into {@code sink} (called under this monitor). */
  void replay(Consumer<T> sink) {
    try (MappedLog.Reader reader = log.reader()) {
      reader.read((position, payload) -> {
        byte[] bytes = new byte[payload.remaining()];
        payload.get(bytes);
        positions.addLast(position);
        sink.accept(serializer.deserialize(bytes));
      }, Integer.MAX_VALUE);
    }
  }

  /** Consumer thread: the oldest {@code n} journaled items are done (processed or dead). */
  void batchDone(int n) {
    long mark;
    synchronized (this) {
      long last = -1;
      for (int i = 0; i < n && !positions.isEmpty(); i++) {
        last = positions.pollFirst();
      }
      Long next = positions.peekFirst();
      if (next != null) {
        mark = next;
      } else if (last >= 0) {
        // Nothing appended is pending: appends and this method both hold this monitor, so the
        // log's end is exactly the end of the last finished record. (Marking `last`, that record's
        // start, would leave it to be replayed after a restart.)
        mark = log.endPosition();
      } else {
        return;
      }
      mark(mark);
    }
  }

  /** Everything journaled so far is done (a close that processed everything). */
  synchronized void allDone() {
    if (positions.isEmpty()) {
      mark(log.endPosition());
    }
  }

  private void mark(long position) {
    if (log.isClosed()) {
      return; // its owner closed it while a late batch finished: those records replay
    }
    try {
      if (position > log.processedPosition()) {
        log.markProcessed(position);
      }
    } catch (IOException | RuntimeException e) {
      // the log may have been closed by its owner while a late batch finished
      LOG.log(System.Logger.Level.WARNING, "journal mark failed; records will be replayed", e);
    }
  }
}
