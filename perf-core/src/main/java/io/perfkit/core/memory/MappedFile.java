package io.perfkit.core.memory;

import io.perfkit.core.internal.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file mapped into memory in power-of-two chunks, so files larger than 2 GiB can be accessed with
 * {@code long} offsets through typed, bulk, ordered and atomic accessors.
 *
 * <p><b>Chunks:</b> the file is mapped in chunks of {@link #chunkSize()} bytes (1 GiB by default).
 * Plain accessors and bulk copies that straddle two chunks are split transparently. Ordered and
 * atomic accessors need a naturally aligned offset (a misaligned one throws
 * {@link IllegalArgumentException}); since chunks are multiples of 8 bytes, an aligned value never
 * straddles. {@link #region} returns a {@link MemoryBuffer} over a range inside one chunk.
 *
 * <p><b>Durability:</b> writes go to the page cache; {@link #force()} and {@link #force(long, long)}
 * write them to the storage device. A file extended by {@link #grow} is preallocated by writing zeros
 * (unless {@link Builder#preallocate(boolean) preallocate(false)}), so a full disk fails with an
 * {@link IOException} at that point rather than with a fault on a later write through the mapping.
 *
 * <p><b>Truncation:</b> if another process truncates the file while it is mapped, an access to a
 * vanished page makes the JDK throw {@link InternalError} (SIGBUS underneath), not an
 * {@link IOException}; nothing portable can prevent it. The length is checked when the file is
 * opened, on {@link #grow} and on {@link #verifyLength()}.
 *
 * <p><b>Unmapping:</b> JDK 17 has no public unmap. {@link #close()} closes the channel and makes
 * every later access (including through regions) throw {@link IllegalStateException}, but the
 * mapping itself, and the address space and page-cache pages it pins, lives until the garbage
 * collector reclaims the mapped buffers. On Windows that also keeps the file from being deleted.
 * {@link #mappedBytes()} counts bytes mapped by open files.
 *
 * <p><b>Threading:</b> accessors may be called from any thread (atomics are atomic across threads
 * and across processes mapping the same file). {@link #grow} and {@link #close} must not race with
 * accessors: call them from the owning thread, or publish them through a happens-before edge.
 */
public final class MappedFile implements AutoCloseable {
  /** Default chunk size: 1 GiB. */
  public static final int DEFAULT_CHUNK_SIZE = 1 << 30;
  /** Smallest chunk size accepted: 4 KiB. */
  public static final int MIN_CHUNK_SIZE = 1 << 12;

  private static final AtomicLong MAPPED = new AtomicLong();
  private static final int ZERO_BLOCK = 64 * 1024;

  /** Whether the file may be written. */
  public enum Mode {
    /** Map read-only; every write accessor throws {@link java.nio.ReadOnlyBufferException}. */
    READ_ONLY,
    /** Map read-write; writes are shared with every process mapping the file. */
    READ_WRITE
  }

  private final Path path;
  private final Mode mode;
  private final int chunkShift;
  private final int chunkMask;
  private final ByteOrder order;
  private final boolean preallocate;
  private final FileChannel channel;
  private final MemoryScope scope;

  // Replaced by grow(); see the threading note in the class Javadoc.
  private MappedByteBuffer[] maps;
  private AbstractMemoryBuffer[] chunks;
  private long size;
  private long accounted;

  private MappedFile(Builder builder, FileChannel channel, long size) throws IOException {
    this.path = builder.path;
    this.mode = builder.mode;
    this.chunkShift = Integer.numberOfTrailingZeros(builder.chunkSize);
    this.chunkMask = builder.chunkSize - 1;
    this.order = builder.order;
    this.preallocate = builder.preallocate;
    this.channel = channel;
    this.scope = new MemoryScope("mapped file " + builder.path);
    this.maps = new MappedByteBuffer[0];
    this.chunks = new AbstractMemoryBuffer[0];
    remap(size);
  }

  /**
   * Opens an existing file at its current length.
   *
   * @throws IOException if the file is missing, a directory, unreadable, or (read-write) not
   *     writable
   * @throws NullPointerException if an argument is null
   */
  public static MappedFile open(Path path, Mode mode) throws IOException {
    return newBuilder(path).mode(mode).open();
  }

  /**
   * Creates the file if missing and extends it to at least {@code size} bytes, read-write.
   *
   * @throws IOException if the path is a directory, not writable, or the disk lacks space
   * @throws IllegalArgumentException if {@code size < 0}
   * @throws NullPointerException if {@code path} is null
   */
  public static MappedFile create(Path path, long size) throws IOException {
    return newBuilder(path).size(size).create();
  }

  /**
   * Returns a builder for the file at {@code path}.
   *
   * @throws NullPointerException if {@code path} is null
   */
  public static Builder newBuilder(Path path) {
    return new Builder(Checks.requireNonNull(path, "path"));
  }

  /** Bytes currently mapped by open {@code MappedFile}s (all instances in this JVM). */
  public static long mappedBytes() {
    return MAPPED.get();
  }

  // ----------------------------------------------------------------------------- mapping

  private void remap(long newSize) throws IOException {
    long chunkSize = chunkMask + 1L;
    long count = (newSize + chunkMask) >>> chunkShift;
    Checks.requireArgument(count <= Integer.MAX_VALUE, "size: %d (too many chunks)", newSize);
    MappedByteBuffer[] newMaps = Arrays.copyOf(maps, (int) count);
    AbstractMemoryBuffer[] newChunks = Arrays.copyOf(chunks, (int) count);
    FileChannel.MapMode mapMode =
        mode == Mode.READ_ONLY ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE;
    // Remap the old last chunk if it was partial, then map the new ones.
    int first = maps.length == 0 ? 0 : maps.length - 1;
    if (maps.length > 0 && maps[first].capacity() == chunkSize) {
      first++;
    }
    for (int i = first; i < count; i++) {
      long start = (long) i << chunkShift;
      long length = Math.min(chunkSize, newSize - start);
      MappedByteBuffer map = channel.map(mapMode, start, length);
      newMaps[i] = map;
      newChunks[i] = new MappedMemoryBuffer(map, scope, order);
    }
    maps = newMaps;
    chunks = newChunks;
    size = newSize;
    MAPPED.addAndGet(newSize - accounted);
    accounted = newSize;
  }

  private static void checkFreeSpace(Path path, long needed) throws IOException {
    if (needed <= 0) {
      return;
    }
    Path existing = Files.exists(path) ? path : path.toAbsolutePath().getParent();
    FileStore store = Files.getFileStore(existing);
    long usable = store.getUsableSpace();
    if (usable < needed) {
      throw new IOException(String.format(Locale.US,
          "not enough free space for %s: need %d more bytes, %d usable on %s",
          path, needed, usable, store));
    }
  }

  private static void extend(FileChannel channel, Path path, long from, long to, boolean zeros)
      throws IOException {
    checkFreeSpace(path, to - from);
    if (!zeros) {
      // Sparse: only the length changes; blocks are allocated on first write through the map.
      channel.write(ByteBuffer.allocate(1), to - 1);
      return;
    }
    ByteBuffer block = ByteBuffer.allocate((int) Math.min(ZERO_BLOCK, to - from));
    long position = from;
    while (position < to) {
      block.clear().limit((int) Math.min(block.capacity(), to - position));
      while (block.hasRemaining()) {
        position += channel.write(block, position);
      }
    }
  }

  /**
   * Extends the file to {@code newSize} bytes (preallocating as configured) and maps the new range.
   * Regions obtained before stay valid. A smaller or equal size is a no-op.
   *
   * @throws IOException if the file was truncated by someone else, the disk lacks space, or the
   *     write fails
   * @throws IllegalArgumentException if {@code newSize < 0}
   * @throws IllegalStateException if closed or read-only
   */
  public void grow(long newSize) throws IOException {
    Checks.checkNonNegative(newSize, "newSize");
    ensureOpen();
    Checks.requireState(mode == Mode.READ_WRITE, "cannot grow read-only file %s", path);
    verifyLength();
    if (newSize <= size) {
      return;
    }
    extend(channel, path, size, newSize, preallocate);
    remap(newSize);
  }

  /**
   * Checks that the file is still at least as long as the mapping.
   *
   * @throws IOException if the file was truncated by another process (the message gives both
   *     lengths); accessing the vanished range would throw {@link InternalError}
   * @throws IllegalStateException if closed
   */
  public void verifyLength() throws IOException {
    ensureOpen();
    long actual = channel.size();
    if (actual < size) {
      throw new IOException(String.format(Locale.US,
          "%s was truncated to %d bytes while %d bytes are mapped", path, actual, size));
    }
  }

  // ----------------------------------------------------------------------------- properties

  /** Returns the file's path. */
  public Path path() {
    return path;
  }

  /** Returns the mapped size in bytes. */
  public long size() {
    return size;
  }

  /** Returns the chunk size in bytes (a power of two). */
  public int chunkSize() {
    return chunkMask + 1;
  }

  /** Returns the access mode. */
  public Mode mode() {
    return mode;
  }

  /** Returns the byte order of multi-byte accessors. */
  public ByteOrder order() {
    return order;
  }

  /** Returns whether {@link #close()} was called. */
  public boolean isClosed() {
    return scope.isClosed();
  }

  /**
   * Returns a buffer over {@code length} bytes at {@code offset}, which must lie inside one chunk.
   * It shares this file's lifecycle: closing the file closes it.
   *
   * @throws IndexOutOfBoundsException if the range is outside the file
   * @throws IllegalArgumentException if the range straddles two chunks
   * @throws IllegalStateException if closed
   */
  public MemoryBuffer region(long offset, int length) {
    ensureOpen();
    check(offset, length);
    if (offset == size) {
      throw new IndexOutOfBoundsException(
          "index=" + offset + " length=" + length + " capacity=" + size);
    }
    int chunk = (int) (offset >>> chunkShift);
    int within = (int) (offset & chunkMask);
    Checks.requireArgument(within + (long) length <= chunks[chunk].capacity(),
        "offset=%d length=%d straddles chunks of %d bytes", offset, length, chunkMask + 1);
    return chunks[chunk].slice(within, length);
  }

  // ----------------------------------------------------------------------------- checks

  private void ensureOpen() {
    if (scope.isClosed()) {
      throw scope.closedException();
    }
  }

  private void check(long offset, long length) {
    if ((offset | length) < 0 || offset > size - length) {
      ensureOpen();
      throw new IndexOutOfBoundsException(
          "index=" + offset + " length=" + length + " capacity=" + size);
    }
  }

  private void checkAligned(long offset, int length) {
    check(offset, length);
    if ((offset & (length - 1)) != 0) {
      throw new IllegalArgumentException(String.format(Locale.US,
          "index=%d is not %d-byte aligned: ordered and atomic access needs a naturally aligned"
              + " offset", offset, length));
    }
  }

  private AbstractMemoryBuffer chunk(long offset) {
    return chunks[(int) (offset >>> chunkShift)];
  }

  private int within(long offset) {
    return (int) (offset & chunkMask);
  }

  private boolean fits(long offset, int length) {
    return (offset & chunkMask) + length <= chunkMask + 1L;
  }

  // ----------------------------------------------------------------------------- plain access

  /**
   * Reads a byte.
   *
   * @throws IndexOutOfBoundsException if out of bounds
   * @throws IllegalStateException if closed
   */
  public byte getByte(long offset) {
    check(offset, 1);
    return chunk(offset).getByte(within(offset));
  }

  /**
   * Writes a byte.
   *
   * @throws IndexOutOfBoundsException if out of bounds
   * @throws IllegalStateException if closed
   * @throws java.nio.ReadOnlyBufferException if read-only
   */
  public void putByte(long offset, byte value) {
    check(offset, 1);
    chunk(offset).putByte(within(offset), value);
  }

  /** Reads a short (split across chunks if needed); throws as {@link #getByte}. */
  public short getShort(long offset) {
    check(offset, 2);
    return fits(offset, 2) ? chunk(offset).getShort(within(offset)) : (short) readSplit(offset, 2);
  }

  /** Writes a short (split across chunks if needed); throws as {@link #putByte}. */
  public void putShort(long offset, short value) {
    check(offset, 2);
    if (fits(offset, 2)) {
      chunk(offset).putShort(within(offset), value);
    } else {
      writeSplit(offset, 2, value);
    }
  }

  /** Reads an int (split across chunks if needed); throws as {@link #getByte}. */
  public int getInt(long offset) {
    check(offset, 4);
    return fits(offset, 4) ? chunk(offset).getInt(within(offset)) : (int) readSplit(offset, 4);
  }

  /** Writes an int (split across chunks if needed); throws as {@link #putByte}. */
  public void putInt(long offset, int value) {
    check(offset, 4);
    if (fits(offset, 4)) {
      chunk(offset).putInt(within(offset), value);
    } else {
      writeSplit(offset, 4, value);
    }
  }

  /** Reads a long (split across chunks if needed); throws as {@link #getByte}. */
  public long getLong(long offset) {
    check(offset, 8);
    return fits(offset, 8) ? chunk(offset).getLong(within(offset)) : readSplit(offset, 8);
  }

  /** Writes a long (split across chunks if needed); throws as {@link #putByte}. */
  public void putLong(long offset, long value) {
    check(offset, 8);
    if (fits(offset, 8)) {
      chunk(offset).putLong(within(offset), value);
    } else {
      writeSplit(offset, 8, value);
    }
  }

  /** Reads a float; throws as {@link #getByte}. */
  public float getFloat(long offset) {
    return Float.intBitsToFloat(getInt(offset));
  }

  /** Writes a float; throws as {@link #putByte}. */
  public void putFloat(long offset, float value) {
    putInt(offset, Float.floatToRawIntBits(value));
  }

  /** Reads a double; throws as {@link #getByte}. */
  public double getDouble(long offset) {
    return Double.longBitsToDouble(getLong(offset));
  }

  /** Writes a double; throws as {@link #putByte}. */
  public void putDouble(long offset, double value) {
    putLong(offset, Double.doubleToRawLongBits(value));
  }

  private long readSplit(long offset, int length) {
    long value = 0;
    for (int i = 0; i < length; i++) {
      long b = chunk(offset + i).getByte(within(offset + i)) & 0xFFL;
      int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (length - 1 - i);
      value |= b << shift;
    }
    if (length < 8) {
      // Sign-extend like the typed getters.
      int unused = 64 - 8 * length;
      value = (value << unused) >> unused;
    }
    return value;
  }

  private void writeSplit(long offset, int length, long value) {
    for (int i = 0; i < length; i++) {
      int shift = order == ByteOrder.LITTLE_ENDIAN ? 8 * i : 8 * (length - 1 - i);
      chunk(offset + i).putByte(within(offset + i), (byte) (value >>> shift));
    }
  }

  // ----------------------------------------------------------------------------- bulk access

  /**
   * Copies {@code length} bytes at {@code offset} into {@code dst[dstOffset...]}, across chunks.
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code dst} is null
   * @throws IllegalStateException if closed
   */
  public void getBytes(long offset, byte[] dst, int dstOffset, int length) {
    Checks.requireNonNull(dst, "dst");
    check(offset, length);
    if ((dstOffset | length) < 0 || dstOffset > dst.length - length) {
      throw new IndexOutOfBoundsException(
          "dst: index=" + dstOffset + " length=" + length + " capacity=" + dst.length);
    }
    int done = 0;
    while (done < length) {
      long at = offset + done;
      int n = (int) Math.min(length - done, chunkMask + 1L - within(at));
      chunk(at).getBytes(within(at), dst, dstOffset + done, n);
      done += n;
    }
  }

  /**
   * Copies {@code length} bytes from {@code src[srcOffset...]} to {@code offset}, across chunks.
   *
   * @throws IndexOutOfBoundsException if either range is out of bounds
   * @throws NullPointerException if {@code src} is null
   * @throws IllegalStateException if closed
   * @throws java.nio.ReadOnlyBufferException if read-only
   */
  public void putBytes(long offset, byte[] src, int srcOffset, int length) {
    Checks.requireNonNull(src, "src");
    check(offset, length);
    if ((srcOffset | length) < 0 || srcOffset > src.length - length) {
      throw new IndexOutOfBoundsException(
          "src: index=" + srcOffset + " length=" + length + " capacity=" + src.length);
    }
    int done = 0;
    while (done < length) {
      long at = offset + done;
      int n = (int) Math.min(length - done, chunkMask + 1L - within(at));
      chunk(at).putBytes(within(at), src, srcOffset + done, n);
      done += n;
    }
  }

  // ----------------------------------------------------------------------------- atomics
  // All throw IndexOutOfBoundsException, IllegalArgumentException (misaligned),
  // IllegalStateException (closed) and, for writes, ReadOnlyBufferException. Ordering as in
  // MemoryBuffer: a release pairs with an acquire of the same offset, also across processes.

  /** Reads an int with acquire semantics. */
  public int getIntAcquire(long offset) {
    checkAligned(offset, 4);
    return chunk(offset).getIntAcquire(within(offset));
  }

  /** Writes an int with release semantics. */
  public void putIntRelease(long offset, int value) {
    checkAligned(offset, 4);
    chunk(offset).putIntRelease(within(offset), value);
  }

  /** Reads an int with volatile semantics. */
  public int getIntVolatile(long offset) {
    checkAligned(offset, 4);
    return chunk(offset).getIntVolatile(within(offset));
  }

  /** Writes an int with volatile semantics. */
  public void putIntVolatile(long offset, int value) {
    checkAligned(offset, 4);
    chunk(offset).putIntVolatile(within(offset), value);
  }

  /** Atomically replaces the int if it equals {@code expected}; returns true on success. */
  public boolean compareAndSetInt(long offset, int expected, int update) {
    checkAligned(offset, 4);
    return chunk(offset).compareAndSetInt(within(offset), expected, update);
  }

  /** Atomically adds to the int and returns the previous value. */
  public int getAndAddInt(long offset, int delta) {
    checkAligned(offset, 4);
    return chunk(offset).getAndAddInt(within(offset), delta);
  }

  /** Reads a long with acquire semantics. */
  public long getLongAcquire(long offset) {
    checkAligned(offset, 8);
    return chunk(offset).getLongAcquire(within(offset));
  }

  /** Writes a long with release semantics. */
  public void putLongRelease(long offset, long value) {
    checkAligned(offset, 8);
    chunk(offset).putLongRelease(within(offset), value);
  }

  /** Reads a long with volatile semantics. */
  public long getLongVolatile(long offset) {
    checkAligned(offset, 8);
    return chunk(offset).getLongVolatile(within(offset));
  }

  /** Writes a long with volatile semantics. */
  public void putLongVolatile(long offset, long value) {
    checkAligned(offset, 8);
    chunk(offset).putLongVolatile(within(offset), value);
  }

  /** Atomically replaces the long if it equals {@code expected}; returns true on success. */
  public boolean compareAndSetLong(long offset, long expected, long update) {
    checkAligned(offset, 8);
    return chunk(offset).compareAndSetLong(within(offset), expected, update);
  }

  /** Atomically adds to the long and returns the previous value. */
  public long getAndAddLong(long offset, long delta) {
    checkAligned(offset, 8);
    return chunk(offset).getAndAddLong(within(offset), delta);
  }

  // ----------------------------------------------------------------------------- durability

  /**
   * Writes every modified page of the file to the storage device.
   *
   * @throws IllegalStateException if closed
   * @throws java.io.UncheckedIOException if the JDK reports an I/O error
   */
  public void force() {
    ensureOpen();
    if (mode == Mode.READ_ONLY) {
      return;
    }
    for (MappedByteBuffer map : maps) {
      map.force();
    }
  }

  /**
   * Writes the modified pages in {@code [offset, offset + length)} to the storage device.
   *
   * @throws IndexOutOfBoundsException if the range is outside the file
   * @throws IllegalStateException if closed
   */
  public void force(long offset, long length) {
    check(offset, length);
    if (mode == Mode.READ_ONLY) {
      return;
    }
    long done = 0;
    while (done < length) {
      long at = offset + done;
      int n = (int) Math.min(length - done, chunkMask + 1L - within(at));
      maps[(int) (at >>> chunkShift)].force(within(at), n);
      done += n;
    }
  }

  /**
   * Closes the channel; later accesses through this file or its regions throw
   * {@link IllegalStateException}. Idempotent. Does not force: call {@link #force()} first for
   * durability. The mapping is released when the garbage collector reclaims it (see the class
   * Javadoc).
   *
   * @throws IOException if closing the channel fails
   */
  @Override
  public void close() throws IOException {
    if (!scope.close()) {
      return;
    }
    MAPPED.addAndGet(-accounted);
    accounted = 0;
    maps = new MappedByteBuffer[0];
    chunks = new AbstractMemoryBuffer[0];
    size = 0;
    channel.close();
  }

  @Override
  public String toString() {
    return "MappedFile[" + path + ", size=" + size + ", chunkSize=" + (chunkMask + 1) + ", "
        + mode + (isClosed() ? ", closed" : "") + "]";
  }

  // ----------------------------------------------------------------------------- builder

  /** Configures and opens a {@link MappedFile}. Not thread-safe; each setter may be called once. */
  public static final class Builder {
    private final Path path;
    private Mode mode = Mode.READ_WRITE;
    private long size = -1;
    private int chunkSize = DEFAULT_CHUNK_SIZE;
    private ByteOrder order = ByteOrder.LITTLE_ENDIAN;
    private boolean preallocate = true;

    private Builder(Path path) {
      this.path = path;
    }

    /**
     * Sets the access mode (default {@link Mode#READ_WRITE}).
     *
     * @throws NullPointerException if {@code mode} is null
     */
    public Builder mode(Mode mode) {
      this.mode = Checks.requireNonNull(mode, "mode");
      return this;
    }

    /** Shorthand for {@code mode(Mode.READ_ONLY)}. */
    public Builder readOnly() {
      return mode(Mode.READ_ONLY);
    }

    /**
     * Sets the minimum size: {@link #create()} extends a shorter file to it; {@link #open()} of a
     * shorter file fails (the file is shorter than its format requires).
     *
     * @throws IllegalArgumentException if {@code size < 0}
     */
    public Builder size(long size) {
      this.size = Checks.checkNonNegative(size, "size");
      return this;
    }

    /**
     * Sets the chunk size (default 1 GiB); small chunks let tests exercise straddling.
     *
     * @throws IllegalArgumentException if not a power of two in [4 KiB, 1 GiB]
     */
    public Builder chunkSize(int chunkSize) {
      Checks.checkInRange(chunkSize, MIN_CHUNK_SIZE, DEFAULT_CHUNK_SIZE, "chunkSize");
      Checks.requireArgument(Integer.bitCount(chunkSize) == 1,
          "chunkSize: %d (expected: a power of two)", chunkSize);
      this.chunkSize = chunkSize;
      return this;
    }

    /**
     * Sets the byte order of multi-byte accessors (default little-endian).
     *
     * @throws NullPointerException if {@code order} is null
     */
    public Builder order(ByteOrder order) {
      this.order = Checks.requireNonNull(order, "order");
      return this;
    }

    /**
     * Whether growing writes zeros so blocks are allocated up front (default true). With false the
     * file is extended sparsely and a full disk surfaces later as an {@link InternalError} on a
     * write through the mapping.
     */
    public Builder preallocate(boolean preallocate) {
      this.preallocate = preallocate;
      return this;
    }

    /**
     * Opens an existing file.
     *
     * @throws NoSuchFileException if it does not exist
     * @throws IOException if it is a directory, cannot be opened in the requested mode, or is
     *     shorter than {@link #size(long)}
     */
    public MappedFile open() throws IOException {
      return doOpen(false);
    }

    /**
     * Opens the file, creating it if missing and extending it to {@link #size(long)} if shorter.
     *
     * @throws IOException if it is a directory, cannot be created or opened, or the disk lacks
     *     space
     * @throws IllegalStateException if the mode is read-only
     */
    public MappedFile create() throws IOException {
      Checks.requireState(mode == Mode.READ_WRITE, "cannot create %s read-only", path);
      return doOpen(true);
    }

    private MappedFile doOpen(boolean create) throws IOException {
      if (Files.isDirectory(path)) {
        throw new IOException(path + " is a directory, not a file");
      }
      if (!create && !Files.exists(path)) {
        throw new NoSuchFileException(path.toString(), null, "file does not exist");
      }
      OpenOption[] options = mode == Mode.READ_ONLY
          ? new OpenOption[] {StandardOpenOption.READ}
          : create
              ? new OpenOption[] {
                StandardOpenOption.READ, StandardOpenOption.WRITE, StandardOpenOption.CREATE}
              : new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE};
      FileChannel channel = FileChannel.open(path, options);
      try {
        long length = channel.size();
        if (size > length) {
          if (!create) {
            throw new IOException(String.format(Locale.US,
                "%s is %d bytes, shorter than the required %d", path, length, size));
          }
          extend(channel, path, length, size, preallocate);
          length = size;
        }
        return new MappedFile(this, channel, length);
      } catch (IOException | RuntimeException | Error e) {
        channel.close();
        throw e;
      }
    }
  }
}
