package io.perfkit.core.memory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The on-disk layout of a {@link MappedLog} segment and its records (all values little-endian).
 *
 * <pre>
 * Segment file "%020d.seg" (name = base position), segmentSize bytes, preallocated with zeros:
 *   0                   8        12       16                 24                 32       36      64
 *   +-------------------+--------+--------+------------------+------------------+--------+-------+
 *   | magic "PKLOG001"  | version| hdr len| segment size     | base position    | crc32c | zeros |
 *   +-------------------+--------+--------+------------------+------------------+--------+-------+
 *   then records from offset 64, each starting on an 8-byte boundary:
 *
 * Record at position p (p = base position + offset in the segment):
 *   0        4        8                                  frame length   align 8
 *   +--------+--------+----------------------------------+--------------+
 *   | frame  | crc32c | payload (frame - 8 bytes)        | zero padding |
 *   | length |        |                                  |              |
 *   +--------+--------+----------------------------------+--------------+
 *   frame length = 8 + payload length, written last with release semantics;
 *   crc32c covers payload, then frame length (4 bytes LE), then p (8 bytes LE).
 *
 * Special frame-length values:
 *   0          end of the log (never written: preallocated zeros, or zeroed by recovery)
 *   negative   padding: -(bytes to the end of the segment); the log continues in the next segment
 * </pre>
 *
 * <p>Covering the position in the checksum means a record copied or left over at another position
 * never validates, so a reader started at a position that is not a record boundary fails instead of
 * returning garbage.
 */
final class LogDescriptor {
  static final long MAGIC = 0x3130304F4C4B504CL; // "PKLOG001" read little-endian
  static final int VERSION = 1;
  static final int SEGMENT_HEADER_LENGTH = 64;
  static final int MAGIC_OFFSET = 0;
  static final int VERSION_OFFSET = 8;
  static final int HEADER_LENGTH_OFFSET = 12;
  static final int SEGMENT_SIZE_OFFSET = 16;
  static final int BASE_POSITION_OFFSET = 24;
  static final int HEADER_CRC_OFFSET = 32;

  static final int RECORD_HEADER_LENGTH = 8;
  static final int LENGTH_OFFSET = 0;
  static final int CRC_OFFSET = 4;
  static final int ALIGNMENT = 8;

  private LogDescriptor() {}

  static int align(int frameLength) {
    return (frameLength + ALIGNMENT - 1) & -ALIGNMENT;
  }

  static String segmentFileName(long basePosition) {
    return String.format("%020d.seg", basePosition);
  }

  /** Reusable checksum state; one per thread of use. */
  static final class Checksum {
    private final CRC32C crc = new CRC32C();
    private final ByteBuffer trailer = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);

    /** Checksum of a record given its payload (position..limit, left unchanged). */
    int of(ByteBuffer payload, int frameLength, long position) {
      crc.reset();
      crc.update(payload.duplicate());
      return finish(frameLength, position);
    }

    int of(byte[] payload, int offset, int length, int frameLength, long position) {
      crc.reset();
      crc.update(payload, offset, length);
      return finish(frameLength, position);
    }

    private int finish(int frameLength, long position) {
      trailer.clear();
      trailer.putInt(frameLength).putLong(position).flip();
      crc.update(trailer);
      return (int) crc.getValue();
    }

    /** Checksum of the segment header's first 32 bytes. */
    int ofHeader(ByteBuffer header32) {
      crc.reset();
      crc.update(header32.duplicate());
      return (int) crc.getValue();
    }
  }
}
