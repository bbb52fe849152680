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
import static io.perfkit.core.ipc.CountersDescriptor.RECORD_RECLAIMED;
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
import java.util.TreeSet;

/**
 * Allocates and frees counters in a shared counters region (layout in {@link CountersDescriptor}),
 * for example a {@link io.perfkit.core.memory.MappedFile} that monitoring tools read with
 * {@link CountersReader} while this process runs.
 *
 * <p><b>Threading:</b> allocation and freeing are synchronized on this manager; one manager (one
 * process) owns a region. Counter updates through {@link SharedCounter} are lock-free.
 * <b>Ordering:</b> a counter's label, type and key are published before its state becomes
 * allocated (release), and readers discard a record whose registration id changed while they read
 * it. Freed slots are reused lowest id first.
 */
public final class CountersManager extends CountersReader {
  private final TreeSet<Integer> reclaimed = new TreeSet<>();
  private int highWaterMark;
  private long registrationId;

  /**
   * Takes over {@code buffer} as a counters region: initializes a zeroed buffer (sizing the
   * region to what fits), or takes over one written before by a previous owner (a restarted
   * process), freeing the counters that owner left allocated so their slots are reused.
   *
   * @throws NullPointerException if {@code buffer} is null
   * @throws IllegalArgumentException if the buffer is read-only, too small for one counter, not
   *     8-byte aligned, or holds something other than a counters region
   */
  public CountersManager(MemoryBuffer buffer) {
    super(buffer, initialize(buffer));
    for (int id = 0; id < maxCounters; id++) {
      int record = metadataOffset(id);
      int state = buffer.getIntVolatile(record + STATE_OFFSET);
      registrationId = Math.max(registrationId,
          buffer.getLongVolatile(record + REGISTRATION_ID_OFFSET));
      if (state != CountersDescriptor.RECORD_UNUSED) {
        highWaterMark = id + 1;
        // The previous owner is gone (one manager owns a region): its counters are freed.
        buffer.putIntVolatile(record + STATE_OFFSET, RECORD_RECLAIMED);
        reclaimed.add(id);
      }
    }
  }

  private static int initialize(MemoryBuffer buffer) {
    Checks.requireNonNull(buffer, "buffer");
    Checks.requireArgument(!buffer.isReadOnly(), "buffer must be writable");
    Checks.requireArgument(buffer.isAligned(0, 8), "buffer must start on an 8-byte boundary");
    int perCounter = CountersDescriptor.METADATA_LENGTH + CountersDescriptor.VALUE_LENGTH;
    Checks.requireArgument(buffer.capacity() >= CountersDescriptor.HEADER_LENGTH + perCounter,
        "buffer capacity: %d (expected: >= %d, room for one counter)", buffer.capacity(),
        CountersDescriptor.HEADER_LENGTH + perCounter);
    long magic = buffer.getLongVolatile(MAGIC_OFFSET);
    if (magic == 0) {
      int max = (buffer.capacity() - CountersDescriptor.HEADER_LENGTH) / perCounter;
      buffer.putInt(VERSION_OFFSET, VERSION);
      buffer.putInt(MAX_COUNTERS_OFFSET, max);
      // Release: readers that see the magic see the header.
      buffer.putLongRelease(MAGIC_OFFSET, MAGIC);
      return max;
    }
    Checks.requireArgument(magic == MAGIC,
        "buffer holds something other than a perfkit counters region (bad magic)");
    return new CountersReader(buffer).maxCounters();
  }

  /**
   * Allocates a counter with type id 0 and an empty key.
   *
   * @throws NullPointerException if {@code label} is null
   * @throws IllegalArgumentException if the label exceeds {@link
   *     CountersDescriptor#MAX_LABEL_LENGTH} UTF-8 bytes
   * @throws IllegalStateException if every slot is in use
   */
  public SharedCounter allocate(String label) {
    return allocate(label, 0, new byte[0]);
  }

  /**
   * Allocates a counter whose value starts at 0.
   *
   * @param label a human-readable name (UTF-8, at most 380 bytes)
   * @param typeId an application-defined type
   * @param key application-defined bytes (at most 112), for tools that look counters up by key
   * @throws NullPointerException if {@code label} or {@code key} is null
   * @throws IllegalArgumentException if the label or key is too long
   * @throws IllegalStateException if every slot is in use
   */
  public synchronized SharedCounter allocate(String label, int typeId, byte[] key) {
    Checks.requireNonNull(label, "label");
    Checks.requireNonNull(key, "key");
    byte[] bytes = label.getBytes(StandardCharsets.UTF_8);
    Checks.requireArgument(bytes.length <= MAX_LABEL_LENGTH,
        "label: %d UTF-8 bytes (expected: <= %d)", bytes.length, MAX_LABEL_LENGTH);
    Checks.requireArgument(key.length <= MAX_KEY_LENGTH,
        "key: %d bytes (expected: <= %d)", key.length, MAX_KEY_LENGTH);
    int id;
    if (!reclaimed.isEmpty()) {
      id = reclaimed.pollFirst();
    } else {
      Checks.requireState(highWaterMark < maxCounters,
          "all %d counters are allocated", maxCounters);
      id = highWaterMark++;
    }
    int record = metadataOffset(id);
    // Seqlock write: a new registration id first, then (after a release fence, so the field
    // writes cannot move before it) the fields, then the allocated state with release.
    buffer.putLongVolatile(record + REGISTRATION_ID_OFFSET, ++registrationId);
    VarHandle.releaseFence();
    buffer.putInt(record + TYPE_ID_OFFSET, typeId);
    buffer.setMemory(record + KEY_OFFSET, MAX_KEY_LENGTH, (byte) 0);
    buffer.putBytes(record + KEY_OFFSET, key, 0, key.length);
    buffer.putInt(record + LABEL_LENGTH_OFFSET, bytes.length);
    buffer.putBytes(record + LABEL_OFFSET, bytes, 0, bytes.length);
    int valueOffset = valueOffset(maxCounters, id);
    buffer.putLongVolatile(valueOffset, 0);
    buffer.putIntRelease(record + STATE_OFFSET, RECORD_ALLOCATED);
    return new SharedCounter(this, buffer, id, valueOffset);
  }

  /**
   * Frees counter {@code id}; its slot may be reused by a later allocation.
   *
   * @throws IllegalArgumentException if {@code id} is out of range
   * @throws IllegalStateException if the counter is not allocated (double free)
   */
  public synchronized void free(int id) {
    checkId(id);
    int record = metadataOffset(id);
    int state = buffer.getIntVolatile(record + STATE_OFFSET);
    Checks.requireState(state == RECORD_ALLOCATED,
        "counter %d is not allocated (state %d): double free?", id, state);
    buffer.putIntVolatile(record + STATE_OFFSET, RECORD_RECLAIMED);
    reclaimed.add(id);
  }

  /** Returns the number of allocated counters. */
  public synchronized int allocatedCount() {
    return highWaterMark - reclaimed.size();
  }
}
