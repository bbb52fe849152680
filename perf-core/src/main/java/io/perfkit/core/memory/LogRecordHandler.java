package io.perfkit.core.memory;

import java.nio.ByteBuffer;

/**
 * Receives records read from a {@link MappedLog}.
 *
 * <p>The payload buffer is a read-only view of the mapped log, positioned at the record's first
 * byte with its limit at the record's end. It is valid only during the call and is reused for the
 * next record: copy what must outlive the call.
 */
@FunctionalInterface
public interface LogRecordHandler {
  /**
   * Handles one record.
   *
   * @param position the record's position in the log (pass it to {@link MappedLog#reader(long)} to
   *     read again from here, or the position after it to {@link MappedLog#markProcessed(long)})
   * @param payload the record's bytes, read-only, between position and limit
   */
  void onRecord(long position, ByteBuffer payload);
}
