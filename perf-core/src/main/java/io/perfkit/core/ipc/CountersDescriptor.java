package io.perfkit.core.ipc;

/**
 * The memory layout of a shared counters region ({@link CountersManager}, {@link CountersReader}),
 * readable by other processes through a mapped file. Values use the buffer's byte order
 * (little-endian by default).
 *
 * <pre>
 * 0        8        12           16                                  64
 * +--------+--------+------------+-----------------------------------+
 * | magic  | version| max        | zeros                             |   header
 * |        |        | counters   |                                   |
 * +--------+--------+------------+-----------------------------------+
 * | metadata record 0 | metadata record 1 | ...   (512 bytes each)   |
 * +------------------------------------------------------------------+
 * | value 0 (128 bytes) | value 1 | ...   (one long at the start)    |
 * +------------------------------------------------------------------+
 *
 * Metadata record:
 *   0        4        8                 16                  128      132              512
 *   +--------+--------+-----------------+-------------------+--------+----------------+
 *   | state  | type id| registration id | key (112 bytes)   | label  | label (UTF-8,  |
 *   |        |        |                 |                   | length | &lt;= 380 bytes) |
 *   +--------+--------+-----------------+-------------------+--------+----------------+
 *   state: 0 unused, 1 allocated, -1 freed (reclaimable).
 *   registration id: increases with every allocation in the region; readers use it as a sequence
 *   number to discard a record that was freed and reused while they read it.
 * </pre>
 *
 * <p>Each value gets 128 bytes so counters updated by different threads never share a cache line
 * (nor an adjacent-line prefetch pair). The sizes follow Agrona's {@code CountersManager}.
 */
public final class CountersDescriptor {
  /** Bytes of region header. */
  public static final int HEADER_LENGTH = 64;
  /** Bytes per metadata record. */
  public static final int METADATA_LENGTH = 512;
  /** Bytes per counter value. */
  public static final int VALUE_LENGTH = 128;
  /** Largest key, in bytes. */
  public static final int MAX_KEY_LENGTH = 112;
  /** Largest label, in UTF-8 bytes. */
  public static final int MAX_LABEL_LENGTH = 380;

  /** State of a slot never allocated. */
  public static final int RECORD_UNUSED = 0;
  /** State of a live counter. */
  public static final int RECORD_ALLOCATED = 1;
  /** State of a freed counter, whose slot may be reused. */
  public static final int RECORD_RECLAIMED = -1;

  static final long MAGIC = 0x3130305254434B50L; // "PKCTR001" read little-endian
  static final int VERSION = 1;
  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 8;
  static final int MAX_COUNTERS_OFFSET = 12;

  static final int STATE_OFFSET = 0;
  static final int TYPE_ID_OFFSET = 4;
  static final int REGISTRATION_ID_OFFSET = 8;
  static final int KEY_OFFSET = 16;
  static final int LABEL_LENGTH_OFFSET = 128;
  static final int LABEL_OFFSET = 132;

  private CountersDescriptor() {}

  /**
   * Returns the bytes a region for {@code maxCounters} counters needs.
   *
   * @throws IllegalArgumentException if {@code maxCounters <= 0} or the region would exceed 1 GiB
   */
  public static int requiredLength(int maxCounters) {
    io.perfkit.core.internal.Checks.checkInRange(maxCounters, 1,
        ((1 << 30) - HEADER_LENGTH) / (METADATA_LENGTH + VALUE_LENGTH), "maxCounters");
    return HEADER_LENGTH + maxCounters * (METADATA_LENGTH + VALUE_LENGTH);
  }

  static int metadataOffset(int id) {
    return HEADER_LENGTH + id * METADATA_LENGTH;
  }

  static int valueOffset(int maxCounters, int id) {
    return HEADER_LENGTH + maxCounters * METADATA_LENGTH + id * VALUE_LENGTH;
  }
}
