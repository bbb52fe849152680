package io.perfkit.core.ipc;

import static io.perfkit.core.ipc.CountersDescriptor.KEY_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.LABEL_LENGTH_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.LABEL_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.MAGIC;
import static io.perfkit.core.ipc.CountersDescriptor.MAGIC_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.MAX_COUNTERS_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.MAX_KEY_LENGTH;
import static io.perfkit.core.ipc.CountersDescriptor.MAX_LABEL_LENGTH;
import static io.perfkit.core.ipc.CountersDescriptor.RECORD_ALLOCATED;
import static io.perfkit.core.ipc.CountersDescriptor.REGISTRATION_ID_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.STATE_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.TYPE_ID_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.VERSION;
import static io.perfkit.core.ipc.CountersDescriptor.VERSION_OFFSET;
import static io.perfkit.core.ipc.CountersDescriptor.metadataOffset;
import static io.perfkit.core.ipc.CountersDescriptor.valueOffset;

import io.perfkit.core.internal.Checks;
import io.perfkit.core.memory.MemoryBuffer;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * Reads a shared counters region (layout in {@link CountersDescriptor}), typically from another
 * process that maps the same file read-only while the owner updates it.
 *
 * <p><b>Threading:</b> thread-safe; never blocks the writer. <b>Ordering:</b> a counter listed by
 * {@link #forEach} is consistent: its label, type and key are those it was allocated with (a
 * record freed and reused during the read is skipped, not torn). Values are read with volatile
 * semantics. <b>Allocation:</b> {@link #forEach} allocates the label strings.
 */
public class CountersReader {
  /** Receives one live counter from {@link #forEach}. */
  @FunctionalInterface
  public interface CounterConsumer {
    /**
     * Handles a live counter.
     *
     * @param id the counter id (its slot)
     * @param typeId the type id given at allocation
     * @param label the label given at allocation
     * @param value the counter's value when read
     */
    void accept(int id, int typeId, String label, long value);
  }

  final MemoryBuffer buffer;
  final int maxCounters;

  /**
   * Wraps an initialized counters region (it may be read-only).
   *
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if the buffer does not hold a counters region (bad magic,
   *     version, or shorter than its header claims)
   */
  public CountersReader(MemoryBuffer buffer) {
    this(buffer, readMaxCounters(buffer));
  }

  CountersReader(MemoryBuffer buffer, int maxCounters) {
    this.buffer = buffer;
    this.maxCounters = maxCounters;
  }

  private static int readMaxCounters(MemoryBuffer buffer) {
    Checks.requireNonNull(buffer, "buffer");
    Checks.requireArgument(buffer.capacity() >= CountersDescriptor.HEADER_LENGTH,
        "buffer capacity: %d (expected: >= %d, a counters region header)", buffer.capacity(),
        CountersDescriptor.HEADER_LENGTH);
    Checks.requireArgument(buffer.getLongVolatile(MAGIC_OFFSET) == MAGIC,
        "buffer does not hold a perfkit counters region (bad magic)");
    Checks.requireArgument(buffer.getInt(VERSION_OFFSET) == VERSION,
        "unsupported counters region version %d", buffer.getInt(VERSION_OFFSET));
    int max = buffer.getInt(MAX_COUNTERS_OFFSET);
    Checks.requireArgument(max > 0 && (long) CountersDescriptor.HEADER_LENGTH
            + (long) max * (CountersDescriptor.METADATA_LENGTH + CountersDescriptor.VALUE_LENGTH)
            <= buffer.capacity(),
        "counters region claims %d counters but holds only %d bytes", max, buffer.capacity());
    Checks.requireArgument(buffer.isAligned(0, 8), "buffer must start on an 8-byte boundary");
    return max;
  }

  /** Returns how many counters the region can hold. */
  public final int maxCounters() {
    return maxCounters;
  }

  /**
   * Returns the state of counter {@code id}: {@link CountersDescriptor#RECORD_UNUSED},
   * {@code RECORD_ALLOCATED} or {@code RECORD_RECLAIMED}.
   *
   * @throws IllegalArgumentException if {@code id} is outside [0, maxCounters)
   */
  public final int counterState(int id) {
    checkId(id);
    return buffer.getIntAcquire(metadataOffset(id) + STATE_OFFSET);
  }

  /**
   * Returns the value of counter {@code id} (volatile read; meaningful while it is allocated).
   *
   * @throws IllegalArgumentException if {@code id} is outside [0, maxCounters)
   */
  public final long counterValue(int id) {
    checkId(id);
    return buffer.getLongVolatile(valueOffset(maxCounters, id));
  }

  /**
   * Returns the label of counter {@code id}, or null if it is not allocated (or was reused while
   * being read).
   *
   * @throws IllegalArgumentException if {@code id} is outside [0, maxCounters)
   */
  public final String counterLabel(int id) {
    String[] label = {null};
    checkId(id);
    readRecord(id, (i, type, l, v) -> label[0] = l);
    return label[0];
  }

  /**
   * Returns a copy of the key of counter {@code id}, or null if it is not allocated.
   *
   * @throws IllegalArgumentException if {@code id} is outside [0, maxCounters)
   */
  public final byte[] counterKey(int id) {
    checkId(id);
    int record = metadataOffset(id);
    long before = buffer.getLongAcquire(record + REGISTRATION_ID_OFFSET);
    if (buffer.getIntAcquire(record + STATE_OFFSET) != RECORD_ALLOCATED) {
      return null;
    }
    byte[] key = new byte[MAX_KEY_LENGTH];
    buffer.getBytes(record + KEY_OFFSET, key, 0, MAX_KEY_LENGTH);
    // Acquire fence: the key reads complete before the registration id is re-read.
    VarHandle.acquireFence();
    return buffer.getLongOpaque(record + REGISTRATION_ID_OFFSET) == before ? key : null;
  }

  /**
   * Calls {@code consumer} for every allocated counter, in id order.
   *
   * @throws NullPointerException if {@code consumer} is null
   */
  public final void forEach(CounterConsumer consumer) {
    Checks.requireNonNull(consumer, "consumer");
    for (int id = 0; id < maxCounters; id++) {
      readRecord(id, consumer);
    }
  }

  private void readRecord(int id, CounterConsumer consumer) {
    int record = metadataOffset(id);
    // Seqlock read: registration id, state, fields, fence, registration id again.
    long before = buffer.getLongAcquire(record + REGISTRATION_ID_OFFSET);
    if (buffer.getIntAcquire(record + STATE_OFFSET) != RECORD_ALLOCATED) {
      return;
    }
    int typeId = buffer.getInt(record + TYPE_ID_OFFSET);
    int length = buffer.getInt(record + LABEL_LENGTH_OFFSET);
    if (length < 0 || length > MAX_LABEL_LENGTH) {
      return; // torn: being rewritten
    }
    byte[] bytes = new byte[length];
    buffer.getBytes(record + LABEL_OFFSET, bytes, 0, length);
    long value = buffer.getLongVolatile(valueOffset(maxCounters, id));
    // Acquire fence: the field reads complete before the registration id is re-read.
    VarHandle.acquireFence();
    if (buffer.getLongOpaque(record + REGISTRATION_ID_OFFSET) != before
        || buffer.getIntOpaque(record + STATE_OFFSET) != RECORD_ALLOCATED) {
      return;
    }
    consumer.accept(id, typeId, new String(bytes, StandardCharsets.UTF_8), value);
  }

  final void checkId(int id) {
    if (id < 0 || id >= maxCounters) {
      throw new IllegalArgumentException(
          "id: " + id + " (expected: in [0, " + (maxCounters - 1) + "])");
    }
  }
}
