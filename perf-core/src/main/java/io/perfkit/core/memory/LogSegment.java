package io.perfkit.core.memory;

import static io.perfkit.core.memory.LogDescriptor.BASE_POSITION_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.HEADER_CRC_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.HEADER_LENGTH_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.MAGIC;
import static io.perfkit.core.memory.LogDescriptor.MAGIC_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.SEGMENT_HEADER_LENGTH;
import static io.perfkit.core.memory.LogDescriptor.SEGMENT_SIZE_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.VERSION;
import static io.perfkit.core.memory.LogDescriptor.VERSION_OFFSET;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** One mapped segment file of a {@link MappedLog}: header checks, creation and mapping. */
final class LogSegment {
  final long index;
  final long basePosition;
  final Path path;
  final MappedFile file;
  final AbstractMemoryBuffer buffer;
  /** Whether the file was shorter than its segment size when opened (cut from outside). */
  final boolean wasShort;

  private LogSegment(long index, long basePosition, Path path, MappedFile file, boolean wasShort) {
    this.wasShort = wasShort;
    this.index = index;
    this.basePosition = basePosition;
    this.path = path;
    this.file = file;
    this.buffer = (AbstractMemoryBuffer) file.region(0, (int) file.size());
  }

  /**
   * Creates a zero-filled segment atomically: it is preallocated and its header written and forced
   * under a temporary name, then renamed, so a crash never leaves a short or headerless segment.
   */
  static LogSegment create(Path dir, long index, int segmentSize, LogDescriptor.Checksum checksum)
      throws IOException {
    long base = index * segmentSize;
    Path path = dir.resolve(LogDescriptor.segmentFileName(base));
    Path tmp = dir.resolve(path.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    try (MappedFile file = MappedFile.newBuilder(tmp).size(segmentSize).chunkSize(chunk(segmentSize))
        .create()) {
      ByteBuffer header = header(segmentSize, base, checksum);
      file.putBytes(0, header.array(), 0, SEGMENT_HEADER_LENGTH);
      file.force();
    }
    Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
    syncDirectory(dir);
    return new LogSegment(index, base, path, mapped(path, segmentSize), false);
  }

  /**
   * Opens an existing segment, checking its header. A segment shorter than {@code segmentSize}
   * (truncated from outside) is extended with zeros: recovery then finds the end of its records.
   */
  static LogSegment open(Path path, long expectedBase, int segmentSize,
      LogDescriptor.Checksum checksum) throws IOException {
    ByteBuffer header = readHeader(path);
    checkHeader(path, header, checksum);
    long base = header.getLong(BASE_POSITION_OFFSET);
    long size = header.getLong(SEGMENT_SIZE_OFFSET);
    if (size != segmentSize || base != expectedBase) {
      throw new IOException(String.format(Locale.US,
          "%s: header says segment size %d and base %d, expected %d and %d",
          path, size, base, segmentSize, expectedBase));
    }
    boolean wasShort = Files.size(path) < segmentSize;
    return new LogSegment(base / segmentSize, base, path, mapped(path, segmentSize), wasShort);
  }

  /** Reads and checks a segment header; returns the segment size it declares. */
  static int readSegmentSize(Path path, LogDescriptor.Checksum checksum) throws IOException {
    ByteBuffer header = readHeader(path);
    checkHeader(path, header, checksum);
    long size = header.getLong(SEGMENT_SIZE_OFFSET);
    if (size < MappedFile.MIN_CHUNK_SIZE || size > MappedFile.DEFAULT_CHUNK_SIZE
        || Long.bitCount(size) != 1) {
      throw new IOException(path + ": header declares an invalid segment size " + size);
    }
    return (int) size;
  }

  private static ByteBuffer readHeader(Path path) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long length = channel.size();
      if (length < SEGMENT_HEADER_LENGTH) {
        throw new IOException(String.format(Locale.US,
            "%s is %d bytes, shorter than its %d-byte segment header", path, length,
            SEGMENT_HEADER_LENGTH));
      }
      while (header.hasRemaining()) {
        if (channel.read(header, header.position()) < 0) {
          throw new IOException(path + ": unexpected end of file reading the header");
        }
      }
    }
    return header.flip();
  }

  private static void checkHeader(Path path, ByteBuffer header, LogDescriptor.Checksum checksum)
      throws IOException {
    if (header.getLong(MAGIC_OFFSET) != MAGIC) {
      throw new IOException(path + " is not a perfkit log segment (bad magic)");
    }
    int crc = checksum.ofHeader(header.duplicate().position(0).limit(HEADER_CRC_OFFSET));
    if (header.getInt(HEADER_CRC_OFFSET) != crc) {
      throw new IOException(path + ": segment header checksum mismatch");
    }
    if (header.getInt(VERSION_OFFSET) != VERSION
        || header.getInt(HEADER_LENGTH_OFFSET) != SEGMENT_HEADER_LENGTH) {
      throw new IOException(path + ": unsupported segment version " + header.getInt(VERSION_OFFSET));
    }
  }

  private static ByteBuffer header(int segmentSize, long base, LogDescriptor.Checksum checksum) {
    ByteBuffer header = ByteBuffer.allocate(SEGMENT_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(MAGIC_OFFSET, MAGIC)
        .putInt(VERSION_OFFSET, VERSION)
        .putInt(HEADER_LENGTH_OFFSET, SEGMENT_HEADER_LENGTH)
        .putLong(SEGMENT_SIZE_OFFSET, segmentSize)
        .putLong(BASE_POSITION_OFFSET, base);
    header.putInt(HEADER_CRC_OFFSET,
        checksum.ofHeader(header.duplicate().position(0).limit(HEADER_CRC_OFFSET)));
    return header;
  }

  private static MappedFile mapped(Path path, int segmentSize) throws IOException {
    return MappedFile.newBuilder(path).size(segmentSize).chunkSize(chunk(segmentSize)).create();
  }

  private static int chunk(int segmentSize) {
    return segmentSize;
  }

  /** Makes a rename durable (best effort: not every platform can open a directory). */
  static void syncDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException ignored) {
      // Windows cannot open directories; its renames are durable once the file is.
    }
  }

  void close() throws IOException {
    file.close();
  }
}
