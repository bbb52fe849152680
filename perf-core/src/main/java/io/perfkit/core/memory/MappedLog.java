package io.perfkit.core.memory;

import static io.perfkit.core.memory.LogDescriptor.CRC_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.LENGTH_OFFSET;
import static io.perfkit.core.memory.LogDescriptor.RECORD_HEADER_LENGTH;
import static io.perfkit.core.memory.LogDescriptor.SEGMENT_HEADER_LENGTH;
import static io.perfkit.core.memory.LogDescriptor.align;

import io.perfkit.core.internal.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;

/**
 * A crash-safe, append-only log of byte records in a directory of memory-mapped segment files.
 * Each record carries its length and a CRC32C checksum; on open, a torn or corrupt tail (a crash or
 * power loss mid-write) is detected and cut off, so the log always holds a valid prefix of what was
 * appended, and every record that was forced before the crash is kept.
 *
 * <p><b>Positions:</b> {@link #append} returns the record's position, a {@code long} that never
 * changes and grows with each append (not by exactly the record size: records are 8-byte aligned,
 * carry an 8-byte header, and segments start with a header). {@link #reader(long)} reads from any
 * record position; {@link #markProcessed(long)} durably records how far a consumer got, and
 * whole segments before that mark are deleted. After a restart, replay from
 * {@link #processedPosition()}: delivery is at-least-once.
 *
 * <p><b>Durability:</b> an append is in the page cache when it returns: it survives the process
 * being killed, but not a power loss until it is forced, by the {@link ForcePolicy} or by
 * {@link #force()}. The processed mark is forced together with the records.
 *
 * <p><b>Recovery cost:</b> opening reads every retained segment once (lengths and checksums), so
 * keep the log short with {@link #markProcessed(long)}.
 *
 * <p><b>Threading:</b> every method is thread-safe. Appends, forces, marks and close are
 * serialized by a lock; readers run concurrently with the appender without locking, each
 * {@link Reader} used by one thread at a time. <b>Ordering:</b> actions of a thread before
 * {@code append} returns position {@code p} happen-before a reader's handler call for {@code p}.
 *
 * <p><b>Files:</b> {@code %020d.seg} segments (named by their first position), {@code checkpoint}
 * (the processed mark) and {@code lock} (an OS file lock held while open: one process at a time).
 * Segments are never unmapped before the garbage collector reclaims them (see {@link MappedFile}).
 */
public final class MappedLog implements AutoCloseable {
  /*
   * Layout: see LogDescriptor. Writes of a record go payload, checksum, then the frame length with
   * release semantics; readers read the frame length with acquire semantics, so a non-zero length
   * guarantees the rest of the record is visible in this process. Across a crash the page-cache
   * write-back order is arbitrary, hence the checksum, which covers the position so stale bytes
   * never validate elsewhere.
   *
   * Segment roll: the next segment is created (preallocated, header forced, renamed) before the
   * padding marker is written into the old one, so a reader that sees the marker finds the next
   * segment, and recovery that sees a marker finds a segment. The old segment (with its marker) is
   * forced before any record of the new one can be forced: with a force policy at the roll, with
   * ForcePolicy.never() on the next force(). So a forced record is always reachable from the start.
   *
   * Checkpoint file: two 32-byte slots {seq, position, crc32c(seq, position)}; a mark writes the
   * slot seq & 1, so a torn write leaves the other slot valid.
   */

  /** Default segment size: 64 MiB. */
  public static final int DEFAULT_SEGMENT_SIZE = 64 << 20;

  private static final Pattern SEGMENT_NAME = Pattern.compile("\\d{20}\\.seg");
  private static final String CHECKPOINT = "checkpoint";
  private static final String LOCK = "lock";

  private final Path directory;
  private final int segmentSize;
  private final int segmentShift;
  private final ForcePolicy forcePolicy;
  private final LongSupplier nanoClock;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final ReentrantLock lock = new ReentrantLock();
  private final LogDescriptor.Checksum checksum = new LogDescriptor.Checksum();
  private final LogRecovery recovery;

  // Guarded by lock.
  private final TreeMap<Long, LogSegment> segments = new TreeMap<>();
  private final List<LogSegment> unforced = new ArrayList<>();
  private final MappedFile checkpoint;
  private LogSegment current;
  private int offset;
  private int forcedOffset;
  private int unforcedRecords;
  private long lastForceNanos;
  private long checkpointSeq;

  // Written under lock, read by any thread.
  private volatile long endPosition;
  private volatile long startPosition;
  private volatile long processedPosition;
  private volatile long durablePosition;
  private volatile boolean closed;

  private MappedLog(Builder builder, FileChannel lockChannel, FileLock fileLock)
      throws IOException {
    this.directory = builder.directory;
    this.forcePolicy = builder.forcePolicy;
    this.nanoClock = builder.nanoClock;
    this.lockChannel = lockChannel;
    this.fileLock = fileLock;
    TreeMap<Long, Path> found = listSegments(directory);
    this.segmentSize = found.isEmpty()
        ? builder.segmentSize
        : LogSegment.readSegmentSize(found.firstEntry().getValue(), checksum);
    this.segmentShift = Integer.numberOfTrailingZeros(segmentSize);
    this.checkpoint = MappedFile.newBuilder(directory.resolve(CHECKPOINT)).size(64)
        .chunkSize(MappedFile.MIN_CHUNK_SIZE).create();
    try {
      this.recovery = recover(found);
    } catch (IOException | RuntimeException | Error e) {
      for (LogSegment segment : segments.values()) {
        segment.close();
      }
      checkpoint.close();
      throw e;
    }
    this.lastForceNanos = nanoClock.getAsLong();
  }

  /**
   * Returns a builder for a log in {@code directory} (created if missing).
   *
   * @throws NullPointerException if {@code directory} is null
   */
  public static Builder newBuilder(Path directory) {
    return new Builder(Checks.requireNonNull(directory, "directory"));
  }

  /**
   * Opens (or creates) the log in {@code directory} with default settings.
   *
   * @throws IOException as {@link Builder#open()}
   */
  public static MappedLog open(Path directory) throws IOException {
    return newBuilder(directory).open();
  }

  // -------------------------------------------------------------------------------- recovery

  private static TreeMap<Long, Path> listSegments(Path directory) throws IOException {
    TreeMap<Long, Path> found = new TreeMap<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(directory)) {
      for (Path path : stream) {
        String name = path.getFileName().toString();
        if (SEGMENT_NAME.matcher(name).matches()) {
          found.put(Long.parseLong(name.substring(0, 20)), path);
        } else if (name.endsWith(".seg.tmp")) {
          Files.delete(path); // a segment whose creation did not finish
        }
      }
    }
    return found;
  }

  private LogRecovery recover(TreeMap<Long, Path> found) throws IOException {
    if (found.isEmpty()) {
      LogSegment first = LogSegment.create(directory, 0, segmentSize, checksum);
      segments.put(0L, first);
      current = first;
      offset = SEGMENT_HEADER_LENGTH;
      forcedOffset = offset;
      startPosition = SEGMENT_HEADER_LENGTH;
      endPosition = startPosition;
      durablePosition = startPosition;
      processedPosition = readCheckpoint(startPosition, startPosition);
      return new LogRecovery(0, startPosition, startPosition, false, 0);
    }
    long expectedIndex = -1;
    for (Map.Entry<Long, Path> entry : found.entrySet()) {
      long base = entry.getKey();
      if (base % segmentSize != 0) {
        throw new IOException(entry.getValue() + ": base position is not a multiple of the segment"
            + " size " + segmentSize);
      }
      long index = base >> segmentShift;
      if (expectedIndex >= 0 && index != expectedIndex) {
        throw new IOException(String.format(Locale.US,
            "%s: segment %s is missing", directory, LogDescriptor.segmentFileName(
                expectedIndex * segmentSize)));
      }
      expectedIndex = index + 1;
      segments.put(index, LogSegment.open(entry.getValue(), base, segmentSize, checksum));
    }
    startPosition = segments.firstEntry().getValue().basePosition + SEGMENT_HEADER_LENGTH;

    // Walk the records until the first one that is missing, torn or corrupt.
    long records = 0;
    LogSegment segment = segments.firstEntry().getValue();
    int at = SEGMENT_HEADER_LENGTH;
    while (true) {
      if (at == segmentSize) {
        LogSegment next = segments.get(segment.index + 1);
        if (next == null) {
          break;
        }
        segment = next;
        at = SEGMENT_HEADER_LENGTH;
        continue;
      }
      int frame = segment.buffer.getInt(at + LENGTH_OFFSET);
      if (frame < 0 && -frame == segmentSize - at && segments.containsKey(segment.index + 1)) {
        at = segmentSize;
        continue;
      }
      if (!isValid(segment, at, frame, checksum)) {
        break;
      }
      records++;
      at += align(frame);
    }

    boolean truncated = zeroTail(segment, at);
    for (LogSegment opened : segments.values()) {
      truncated |= opened.wasShort;
    }
    int deleted = 0;
    for (LogSegment later : new ArrayList<>(segments.tailMap(segment.index, false).values())) {
      segments.remove(later.index);
      later.close();
      Files.delete(later.path);
      deleted++;
    }
    if (deleted > 0) {
      LogSegment.syncDirectory(directory);
    }
    current = segment;
    offset = at;
    forcedOffset = at;
    endPosition = segment.basePosition + at;
    durablePosition = endPosition;
    processedPosition = readCheckpoint(startPosition, endPosition);
    return new LogRecovery(records, startPosition, endPosition, truncated || deleted > 0, deleted);
  }

  /** Whether a valid record with this frame length starts at {@code at}. */
  static boolean isValid(LogSegment segment, int at, int frame, LogDescriptor.Checksum checksum) {
    int segmentSize = segment.buffer.capacity();
    if (frame < RECORD_HEADER_LENGTH || frame > segmentSize - at) {
      return false;
    }
    ByteBuffer payload = segment.buffer.buffer.duplicate()
        .limit(at + frame).position(at + RECORD_HEADER_LENGTH);
    int expected = checksum.of(payload, frame, segment.basePosition + at);
    return segment.buffer.getInt(at + CRC_OFFSET) == expected;
  }

  /** Zeroes every non-zero byte from {@code at} to the segment end; returns whether any was. */
  private static boolean zeroTail(LogSegment segment, int at) {
    AbstractMemoryBuffer buffer = segment.buffer;
    int end = buffer.capacity();
    boolean dirty = false;
    int low = end;
    int high = at;
    for (int i = at; i < end; i += 8) {
      if (buffer.getLong(i) != 0) {
        buffer.putLong(i, 0);
        dirty = true;
        low = Math.min(low, i);
        high = i + 8;
      }
    }
    if (dirty) {
      segment.file.force(low, high - low);
    }
    return dirty;
  }

  private long readCheckpoint(long start, long end) {
    long best = -1;
    long position = start;
    for (int slot = 0; slot < 2; slot++) {
      long seq = checkpoint.getLong(slot * 32L);
      long pos = checkpoint.getLong(slot * 32L + 8);
      int crc = checkpoint.getInt(slot * 32L + 16);
      if (seq > best && seq > 0 && crc == checkpointCrc(seq, pos)) {
        best = seq;
        position = pos;
      }
    }
    checkpointSeq = Math.max(best, 0);
    // Segments before the mark may have been deleted after the mark was written but before it was
    // forced: the mark can then be behind the start. A mark beyond the recovered end means the
    // marked records were damaged; the log can only resume from its end.
    return Math.min(Math.max(position, start), end);
  }

  private int checkpointCrc(long seq, long position) {
    ByteBuffer bytes = ByteBuffer.allocate(16).putLong(seq).putLong(position).flip();
    return checksum.ofHeader(bytes);
  }

  // -------------------------------------------------------------------------------- writing

  /**
   * Appends {@code record} and returns its position.
   *
   * @throws NullPointerException if {@code record} is null
   * @throws IllegalArgumentException if the record is larger than {@link #maxRecordLength()}
   * @throws IllegalStateException if the log is closed
   * @throws IOException if a new segment cannot be created (for example, the disk is full)
   */
  public long append(byte[] record) throws IOException {
    Checks.requireNonNull(record, "record");
    return append(record, 0, record.length);
  }

  /**
   * Appends {@code length} bytes of {@code src} from {@code offset} and returns their position.
   *
   * @throws NullPointerException if {@code src} is null
   * @throws IndexOutOfBoundsException if the range is outside {@code src}
   * @throws IllegalArgumentException if {@code length} is larger than {@link #maxRecordLength()}
   * @throws IllegalStateException if the log is closed
   * @throws IOException if a new segment cannot be created (for example, the disk is full)
   */
  public long append(byte[] src, int offset, int length) throws IOException {
    Checks.requireNonNull(src, "src");
    if ((offset | length) < 0 || offset > src.length - length) {
      throw new IndexOutOfBoundsException(
          "index=" + offset + " length=" + length + " capacity=" + src.length);
    }
    lock.lock();
    try {
      int at = reserve(length);
      long position = current.basePosition + at;
      int frame = RECORD_HEADER_LENGTH + length;
      current.buffer.putBytes(at + RECORD_HEADER_LENGTH, src, offset, length);
      current.buffer.putInt(at + CRC_OFFSET, checksum.of(src, offset, length, frame, position));
      // Release: payload and checksum are visible to a reader that acquires a non-zero length.
      current.buffer.putIntRelease(at + LENGTH_OFFSET, frame);
      return published(at, frame, position);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Appends the remaining bytes of {@code src} (its position advances to its limit) and returns
   * their position.
   *
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalArgumentException if the record is larger than {@link #maxRecordLength()}
   * @throws IllegalStateException if the log is closed
   * @throws IOException if a new segment cannot be created (for example, the disk is full)
   */
  public long append(ByteBuffer src) throws IOException {
    Checks.requireNonNull(src, "src");
    lock.lock();
    try {
      int length = src.remaining();
      int at = reserve(length);
      long position = current.basePosition + at;
      int frame = RECORD_HEADER_LENGTH + length;
      current.buffer.putBytes(at + RECORD_HEADER_LENGTH, src, src.position(), length);
      current.buffer.putInt(at + CRC_OFFSET, checksum.of(src, frame, position));
      // Release: payload and checksum are visible to a reader that acquires a non-zero length.
      current.buffer.putIntRelease(at + LENGTH_OFFSET, frame);
      src.position(src.limit());
      return published(at, frame, position);
    } finally {
      lock.unlock();
    }
  }

  /** Returns the offset in {@code current} where a record of {@code length} bytes goes. */
  private int reserve(int length) throws IOException {
    ensureOpen();
    int max = maxRecordLength();
    if (length > max) {
      throw new IllegalArgumentException(String.format(Locale.US,
          "length: %d (expected: <= %d, the largest record a %d-byte segment holds)",
          length, max, segmentSize));
    }
    if (offset + align(RECORD_HEADER_LENGTH + length) > segmentSize) {
      roll();
    }
    return offset;
  }

  private long published(int at, int frame, long position) {
    offset = at + align(frame);
    endPosition = current.basePosition + offset;
    unforcedRecords++;
    if (forcePolicy.records() > 0 && unforcedRecords >= forcePolicy.records()) {
      forceLocked();
    } else if (forcePolicy.intervalNanos() > 0
        && nanoClock.getAsLong() - lastForceNanos >= forcePolicy.intervalNanos()) {
      forceLocked();
    }
    return position;
  }

  private void roll() throws IOException {
    LogSegment next = LogSegment.create(directory, current.index + 1, segmentSize, checksum);
    segments.put(next.index, next);
    int remaining = segmentSize - offset;
    if (remaining > 0) {
      // Release: the next segment exists (and is registered) before a reader can see the marker.
      current.buffer.putIntRelease(offset + LENGTH_OFFSET, -remaining);
    }
    if (forcePolicy.isNever()) {
      unforced.add(current);
    } else {
      current.file.force(forcedOffset, segmentSize - forcedOffset);
    }
    current = next;
    offset = SEGMENT_HEADER_LENGTH;
    forcedOffset = offset;
    endPosition = current.basePosition + offset;
  }

  /**
   * Forces every appended record and the processed mark to the storage device. When it returns,
   * {@link #durablePosition()} equals the {@link #endPosition()} it saw.
   *
   * @throws IllegalStateException if the log is closed
   */
  public void force() {
    lock.lock();
    try {
      ensureOpen();
      forceLocked();
    } finally {
      lock.unlock();
    }
  }

  private void forceLocked() {
    for (LogSegment segment : unforced) {
      if (!segment.file.isClosed()) {
        segment.file.force();
      }
    }
    unforced.clear();
    if (offset > forcedOffset) {
      current.file.force(forcedOffset, offset - forcedOffset);
      forcedOffset = offset;
    }
    checkpoint.force();
    unforcedRecords = 0;
    lastForceNanos = nanoClock.getAsLong();
    durablePosition = endPosition;
  }

  /**
   * Records that every record before {@code position} has been processed, and deletes the segments
   * that hold only such records. The mark is durable after the next {@link #force()} (or the force
   * policy's); after a crash it may be found slightly behind, so replays are at-least-once.
   *
   * @param position a record position (as returned by {@link #append} or passed to a handler),
   *     or {@link #endPosition()}
   * @throws IllegalArgumentException if {@code position} is below {@link #processedPosition()} or
   *     beyond {@link #endPosition()}
   * @throws IllegalStateException if the log is closed
   * @throws IOException if a segment cannot be deleted
   */
  public void markProcessed(long position) throws IOException {
    lock.lock();
    try {
      ensureOpen();
      long processed = processedPosition;
      long end = endPosition;
      if (position < processed || position > end) {
        throw new IllegalArgumentException(String.format(Locale.US,
            "position: %d (expected: in [%d, %d], the processed and end positions)",
            position, processed, end));
      }
      long seq = ++checkpointSeq;
      long slot = (seq & 1) * 32;
      checkpoint.putLong(slot, seq);
      checkpoint.putLong(slot + 8, position);
      checkpoint.putInt(slot + 16, checkpointCrc(seq, position));
      processedPosition = position;
      long keepFrom = Math.min(segmentIndexOf(position), current.index);
      boolean deleted = false;
      while (segments.firstKey() < keepFrom) {
        LogSegment old = segments.pollFirstEntry().getValue();
        unforced.remove(old);
        old.close();
        Files.delete(old.path);
        deleted = true;
      }
      if (deleted) {
        startPosition = segments.firstEntry().getValue().basePosition + SEGMENT_HEADER_LENGTH;
      }
    } finally {
      lock.unlock();
    }
  }

  // -------------------------------------------------------------------------------- reading

  /**
   * Returns a reader starting at {@link #processedPosition()}: what a restarted consumer replays.
   *
   * @throws IllegalStateException if the log is closed
   */
  public Reader reader() {
    return reader(processedPosition);
  }

  /**
   * Returns a reader starting at {@code position}, which must be a record position or
   * {@link #endPosition()}.
   *
   * @throws IllegalArgumentException if {@code position} is outside
   *     [{@link #startPosition()}, {@link #endPosition()}]
   * @throws IllegalStateException if the log is closed
   */
  public Reader reader(long position) {
    lock.lock();
    try {
      ensureOpen();
      long start = startPosition;
      long end = endPosition;
      if (position < start || position > end) {
        throw new IllegalArgumentException(String.format(Locale.US,
            "position: %d (expected: in [%d, %d], the start and end positions)",
            position, start, end));
      }
      return new Reader(segmentAt(segmentIndexOf(position)), position);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The segment holding {@code position}. Offset 0 of a segment is never a record position (the
   * header is there): it is the end of the previous segment, filled exactly to its last byte.
   */
  private long segmentIndexOf(long position) {
    long index = position >> segmentShift;
    return (position & (segmentSize - 1)) == 0 ? index - 1 : index;
  }

  private LogSegment segmentAt(long index) {
    lock.lock();
    try {
      ensureOpen();
      LogSegment segment = segments.get(index);
      Checks.requireState(segment != null, "segment %d of %s was deleted (marked processed)",
          index, directory);
      return segment;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads records of a {@link MappedLog} in order from a position, concurrently with appends.
   * Used by one thread at a time. A reader sees records as soon as their append returned; it never
   * blocks: when it reaches the end it returns, and a later call continues from there.
   */
  public final class Reader implements AutoCloseable {
    private final LogDescriptor.Checksum readerChecksum = new LogDescriptor.Checksum();
    private LogSegment segment;
    private ByteBuffer view;
    private int at;
    private boolean readerClosed;

    private Reader(LogSegment segment, long position) {
      this.segment = segment;
      this.view = segment.buffer.buffer.asReadOnlyBuffer();
      this.at = (int) (position - segment.basePosition);
    }

    /** Returns the position of the next record this reader will return. */
    public long position() {
      return segment.basePosition + at;
    }

    /**
     * Passes up to {@code limit} available records to {@code handler}, in order.
     *
     * @return the number of records read (0 if none is available yet)
     * @throws NullPointerException if {@code handler} is null
     * @throws IllegalArgumentException if {@code limit <= 0}
     * @throws IllegalStateException if the reader or log is closed, the reader's segment was
     *     deleted by {@link #markProcessed}, or the record at the position is corrupt (the
     *     position was not a record boundary, or the file was damaged while open)
     */
    public int read(LogRecordHandler handler, int limit) {
      Checks.requireNonNull(handler, "handler");
      Checks.checkPositive(limit, "limit");
      int count = 0;
      while (count < limit) {
        int frame = nextFrame();
        if (frame == 0) {
          break;
        }
        long position = segment.basePosition + at;
        view.limit(at + frame).position(at + RECORD_HEADER_LENGTH);
        at += align(frame);
        count++;
        handler.onRecord(position, view);
      }
      return count;
    }

    /**
     * Returns a copy of the next record, or null if none is available yet.
     *
     * @throws IllegalStateException as {@link #read}
     */
    public byte[] next() {
      int frame = nextFrame();
      if (frame == 0) {
        return null;
      }
      byte[] copy = new byte[frame - RECORD_HEADER_LENGTH];
      segment.buffer.getBytes(at + RECORD_HEADER_LENGTH, copy, 0, copy.length);
      at += align(frame);
      return copy;
    }

    /** Returns the frame length of a valid record at {@code at}, or 0 if none is available. */
    private int nextFrame() {
      Checks.requireState(!readerClosed, "reader is closed");
      while (true) {
        if (at == segmentSize) {
          if (!advance()) {
            return 0;
          }
          continue;
        }
        // Acquire: pairs with the appender's release of the frame length (or padding marker).
        int frame = segment.buffer.getIntAcquire(at + LENGTH_OFFSET);
        if (frame == 0) {
          // End of the log, unless the position is not a record boundary. The appender writes the
          // frame length before the volatile endPosition, so re-reading the length after reading
          // endPosition cannot miss a record that was appended in between.
          if (position() < endPosition) {
            frame = segment.buffer.getIntAcquire(at + LENGTH_OFFSET);
            if (frame == 0) {
              throw notARecord();
            }
          } else {
            return 0;
          }
        }
        if (frame < 0) {
          at = segmentSize;
          continue;
        }
        if (!isValid(segment, at, frame, readerChecksum)) {
          throw notARecord();
        }
        return frame;
      }
    }

    private IllegalStateException notARecord() {
      return new IllegalStateException(String.format(Locale.US,
          "no valid record at position %d of %s (not a record boundary, or damaged)",
          position(), directory));
    }

    private boolean advance() {
      long nextIndex = segment.index + 1;
      lock.lock();
      try {
        ensureOpen();
        LogSegment next = segments.get(nextIndex);
        if (next == null) {
          return false;
        }
        segment = next;
      } finally {
        lock.unlock();
      }
      view = segment.buffer.buffer.asReadOnlyBuffer();
      at = SEGMENT_HEADER_LENGTH;
      return true;
    }

    /** Closes this reader; later reads throw {@link IllegalStateException}. Idempotent. */
    @Override
    public void close() {
      readerClosed = true;
    }
  }

  // -------------------------------------------------------------------------------- properties

  /** Returns what was found and repaired when the log was opened. */
  public LogRecovery recovery() {
    return recovery;
  }

  /** Returns the position of the first retained record. */
  public long startPosition() {
    return startPosition;
  }

  /** Returns the position the next append will get (unless it starts a new segment). */
  public long endPosition() {
    return endPosition;
  }

  /** Returns the position up to which records are known to be forced to the storage device. */
  public long durablePosition() {
    return durablePosition;
  }

  /** Returns the last position passed to {@link #markProcessed} (or recovered from disk). */
  public long processedPosition() {
    return processedPosition;
  }

  /** Returns the segment size in bytes. */
  public int segmentSize() {
    return segmentSize;
  }

  /** Returns the largest record payload a segment can hold. */
  public int maxRecordLength() {
    return segmentSize - SEGMENT_HEADER_LENGTH - RECORD_HEADER_LENGTH;
  }

  /** Returns the log's directory. */
  public Path directory() {
    return directory;
  }

  /** Returns whether the log is closed. */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("log " + directory + " is closed");
    }
  }

  /**
   * Forces (unless the policy is {@link ForcePolicy#never()}), closes the segments and releases
   * the directory lock. Idempotent. Readers fail afterwards.
   *
   * @throws IOException if closing a file fails
   */
  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      if (!forcePolicy.isNever()) {
        forceLocked();
      }
      closed = true;
      for (LogSegment segment : segments.values()) {
        segment.close();
      }
      checkpoint.close();
      fileLock.release();
      lockChannel.close();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "MappedLog[" + directory + ", start=" + startPosition + ", end=" + endPosition
        + ", processed=" + processedPosition + (closed ? ", closed" : "") + "]";
  }

  // -------------------------------------------------------------------------------- builder

  /** Configures and opens a {@link MappedLog}. Not thread-safe. */
  public static final class Builder {
    private final Path directory;
    private int segmentSize = DEFAULT_SEGMENT_SIZE;
    private ForcePolicy forcePolicy = ForcePolicy.never();
    private LongSupplier nanoClock = System::nanoTime;

    private Builder(Path directory) {
      this.directory = directory;
    }

    /**
     * Sets the size of new segments (default 64 MiB). An existing log keeps the size recorded in
     * its segments.
     *
     * @throws IllegalArgumentException if not a power of two in [4 KiB, 1 GiB]
     */
    public Builder segmentSize(int segmentSize) {
      Checks.checkInRange(segmentSize, MappedFile.MIN_CHUNK_SIZE, MappedFile.DEFAULT_CHUNK_SIZE,
          "segmentSize");
      Checks.requireArgument(Integer.bitCount(segmentSize) == 1,
          "segmentSize: %d (expected: a power of two)", segmentSize);
      this.segmentSize = segmentSize;
      return this;
    }

    /**
     * Sets when records are forced automatically (default {@link ForcePolicy#never()}).
     *
     * @throws NullPointerException if {@code forcePolicy} is null
     */
    public Builder forcePolicy(ForcePolicy forcePolicy) {
      this.forcePolicy = Checks.requireNonNull(forcePolicy, "forcePolicy");
      return this;
    }

    /**
     * Sets the clock for {@link ForcePolicy#every} (default {@link System#nanoTime()}); tests pass
     * a fake clock.
     *
     * @throws NullPointerException if {@code nanoClock} is null
     */
    public Builder nanoClock(LongSupplier nanoClock) {
      this.nanoClock = Checks.requireNonNull(nanoClock, "nanoClock");
      return this;
    }

    /**
     * Opens the log, creating the directory and the first segment if needed, and recovers it.
     *
     * @throws IOException if the path is not a directory, the log is open elsewhere (in this or
     *     another process), a segment header is damaged or a segment in the middle is missing, or
     *     the disk is full
     */
    public MappedLog open() throws IOException {
      if (Files.exists(directory) && !Files.isDirectory(directory)) {
        throw new IOException(directory + " is not a directory");
      }
      Files.createDirectories(directory);
      FileChannel lockChannel = FileChannel.open(directory.resolve(LOCK),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock fileLock;
      try {
        fileLock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        fileLock = null;
      }
      if (fileLock == null) {
        lockChannel.close();
        throw new IOException("log " + directory + " is already open (in this or another process)");
      }
      try {
        return new MappedLog(this, lockChannel, fileLock);
      } catch (IOException | RuntimeException | Error e) {
        fileLock.release();
        lockChannel.close();
        throw e;
      }
    }
  }
}
