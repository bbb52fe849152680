package io.perfkit.cache.internal;

import io.perfkit.cache.Serializer;
import io.perfkit.core.memory.MappedFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The persistent tier (L3): fixed-size record slots in one {@link MappedFile}, each slot with its own
 * CRC32C, an on-heap primitive index rebuilt from the file on open, CLOCK eviction and per-entry
 * expire-after-write on the wall clock (so that expiry survives a restart).
 *
 * <p><b>Threading:</b> thread-safe; every operation runs under one {@link ReentrantLock}, whose
 * happens-before edges publish the index arrays and the mapped bytes between threads. One process at
 * a time: the constructor takes an OS lock on {@code path + ".lock"}. <b>Progress:</b> blocking.
 */
public final class PersistentTier implements AutoCloseable {
  /*
   * Why fixed slots rather than an append-only log with compaction: the tier is a cache, so its
   * records are overwritten and evicted constantly. A log would turn every eviction into garbage that
   * compaction must copy again, and the index would have to map keys to moving positions. Fixed slots
   * are overwritten in place; the cost is internal fragmentation (every slot reserves the largest
   * record), the same trade L2 makes. What a log gives for free, crash safety, comes here from a
   * per-slot checksum: a slot whose bytes do not match its CRC32C (torn by a crash mid-write, or
   * damaged later) is dropped on open and on read, and nothing else is affected.
   *
   * File layout (little-endian):
   *   0   magic "PKCACHE3" | 8 version | 12 slot bytes | 16 capacity | 20 header crc32c | pad to 64
   *   64 + slot * slotBytes: the slot
   * Slot:
   *   0 crc32c | 4 keyLength + 1 (0 = empty) | 8 valueLength | 12 key hash | 16 write time (epoch
   *   ms) | 24 expiry (epoch ms) | 32 key | value
   * The CRC covers bytes 4 .. 32 + key + value and the slot number, so a record copied to another
   * slot, or a slot of zeros, never validates. A record is written body first, CRC last; removal
   * zeroes the length word. A crash between the two leaves a slot whose CRC does not match.
   *
   * The key hash is computed from the key bytes (not Object.hashCode, which need not be stable across
   * JVMs), so the index can be rebuilt from the file alone.
   *
   * Eviction: CLOCK over the slots, a reference bit per slot set by hits (the bits are not persisted;
   * after a restart every entry starts unreferenced). Expired entries met by the hand go first.
   */

  /** Bytes of per-record header stored in the file next to the key and value. */
  public static final int HEADER_BYTES = 32;

  private static final long MAGIC = 0x3345_4843_4143_4B50L; // "PKCACHE3" little-endian
  private static final int VERSION = 1;
  private static final int FILE_HEADER_BYTES = 64;

  private static final byte FREE = 0;
  private static final byte USED = 1;
  private static final byte REFERENCED = 2;

  private final ReentrantLock lock = new ReentrantLock();
  private final Path path;
  private final int capacity;
  private final int slotBytes;
  private final long expireAfterWriteMillis;
  private final MappedFile file;
  private final FileChannel lockChannel;
  private final FileLock fileLock;
  private final CRC32C crc = new CRC32C();
  private final byte[] scratch;

  private final SlotIndex index;
  private final int[] hashes;
  private final byte[] state;
  private final byte[] hits;
  private final int promoteAfter;
  /** Free-slot stack threaded through this array; -1 ends it. */
  private final int[] nextFree;
  private int freeHead;
  private int hand;
  private int size;
  private long evictions;
  private long corruptDrops;
  private long recoveredEntries;
  private boolean closed;

  /**
   * Opens (or creates) the store at {@code path}, recovering every slot whose checksum matches and
   * dropping the others. A file with another geometry or a damaged header is reformatted (it is a
   * cache: its contents are then lost, never misread).
   *
   * @param path the store file
   * @param capacity the number of slots
   * @param slotBytes bytes per slot: {@link #HEADER_BYTES} + the largest key + value it holds; a
   *     multiple of 8
   * @param expireAfterWriteMillis lifetime from the value's first write, or {@code Long.MAX_VALUE}
   * @param promoteAfter hits (since this process opened the file) after which {@link #get} reports
   *     the entry due for promotion; 0 = never
   * @param nowMillis the current wall-clock time (expired records are dropped on open)
   * @throws UncheckedIOException if the file cannot be created, mapped or locked
   */
  public PersistentTier(Path path, int capacity, int slotBytes, long expireAfterWriteMillis,
      int promoteAfter, long nowMillis) {
    this.promoteAfter = promoteAfter;
    this.hits = new byte[capacity];
    this.path = path;
    this.capacity = capacity;
    this.slotBytes = slotBytes;
    this.expireAfterWriteMillis = expireAfterWriteMillis;
    this.scratch = new byte[slotBytes];
    this.hashes = new int[capacity];
    this.index = new SlotIndex(capacity, new SlotIndex.Slots() {
      @Override
      public int hash(int slot) {
        return hashes[slot];
      }

      @Override
      public boolean keyEquals(int slot, byte[] key) {
        return slotKeyEquals(slot, key);
      }
    });
    this.state = new byte[capacity];
    this.nextFree = new int[capacity];
    FileChannel channel = null;
    FileLock acquired = null;
    MappedFile mapped = null;
    try {
      channel = FileChannel.open(Path.of(path + ".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE);
      try {
        acquired = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        acquired = null;
      }
      if (acquired == null) {
        throw new IOException(path + " is in use by another cache (lock " + path + ".lock held)");
      }
      long size = FILE_HEADER_BYTES + (long) capacity * slotBytes;
      mapped = MappedFile.newBuilder(path).size(size).order(ByteOrder.LITTLE_ENDIAN).create();
      this.file = mapped;
      this.lockChannel = channel;
      this.fileLock = acquired;
      if (headerMatches()) {
        recover(nowMillis);
      } else {
        format();
      }
    } catch (IOException e) {
      closeQuietly(mapped, channel);
      throw new UncheckedIOException("cannot open the persistent tier " + path, e);
    } catch (RuntimeException | Error e) {
      closeQuietly(mapped, channel);
      throw e;
    }
  }

  /** Returns the largest key + value byte count a slot can hold. */
  public int maximumPayloadBytes() {
    return slotBytes - HEADER_BYTES;
  }

  /** Returns the hash this tier uses for {@code key}'s bytes (stable across JVMs). */
  public static int hash(byte[] key) {
    int h = 0x2545_F491;
    for (byte b : key) {
      h = (h ^ b) * 0x0100_0193;
    }
    h ^= h >>> 16;
    h *= 0x85EB_CA6B;
    return h ^ (h >>> 13);
  }

  /**
   * A value found by {@link #get} with its first-write wall-clock time; {@code promote} says its hits
   * reached the promotion threshold (the record stays: the caller moves it up with {@link #take}
   * under L1's lock for the key).
   */
  public record Hit<V>(V value, long writeMillis, boolean promote) {}

  /**
   * Looks {@code key} up. An expired record is removed and missed; a record whose checksum no longer
   * matches is dropped (counted) and missed.
   *
   * @return the hit, or {@code null}
   * @throws RuntimeException whatever {@code serializer} throws (the entry is removed), or
   *     {@link IllegalStateException} if it returns {@code null} (the entry is removed)
   */
  public <V> Hit<V> get(byte[] key, Serializer<V> serializer, long nowMillis) {
    lock.lock();
    try {
      checkOpen();
      int slot = index.find(hash(key), key);
      if (slot < 0) {
        return null;
      }
      long base = slotOffset(slot);
      int length = recordLength(base);
      if (length < 0 || !readAndVerify(slot, base, length)) {
        corruptDrops++;
        removeSlot(slot);
        return null;
      }
      ByteBuffer header = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
      if (nowMillis - header.getLong(24) >= 0) {
        evictions++;
        removeSlot(slot);
        return null;
      }
      int keyLength = header.getInt(4) - 1;
      int valueLength = header.getInt(8);
      V value;
      try {
        value = serializer.deserialize(
            ByteBuffer.wrap(scratch, HEADER_BYTES + keyLength, valueLength).asReadOnlyBuffer());
      } catch (RuntimeException e) {
        removeSlot(slot);
        throw e;
      }
      if (value == null) {
        removeSlot(slot);
        throw new IllegalStateException("value serializer " + serializer + " returned null");
      }
      long written = header.getLong(16);
      if (hits[slot] < Byte.MAX_VALUE) {
        hits[slot]++;
      }
      state[slot] = REFERENCED;
      return new Hit<>(value, written, promoteAfter > 0 && hits[slot] >= promoteAfter);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Removes {@code key}'s live record and returns its value (to move it up to L1); an expired or
   * corrupt record is removed and missed.
   *
   * @return the record's value and write time ({@code promote} true), or {@code null} if there is none
   * @throws RuntimeException whatever {@code serializer} throws, or {@link IllegalStateException} if it
   *     returns {@code null} (the record is removed either way)
   */
  public <V> Hit<V> take(byte[] key, Serializer<V> serializer, long nowMillis) {
    lock.lock();
    try {
      Hit<V> hit = get(key, serializer, nowMillis);
      if (hit == null) {
        return null;
      }
      int slot = index.find(hash(key), key);
      if (slot >= 0) {
        removeSlot(slot);
      }
      return new Hit<>(hit.value(), hit.writeMillis(), true);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Stores a record, replacing the key's record if present, else evicting by CLOCK when full.
   *
   * @return false if the record does not fit in a slot (any previous record for the key is removed)
   */
  public boolean put(byte[] key, ByteBuffer value, long writeMillis) {
    lock.lock();
    try {
      checkOpen();
      int hash = hash(key);
      int slot = index.find(hash, key);
      int valueLength = value.remaining();
      if (HEADER_BYTES + (long) key.length + valueLength > slotBytes) {
        if (slot >= 0) {
          removeSlot(slot);
        }
        return false;
      }
      if (slot < 0) {
        if (freeHead < 0) {
          evictOne(writeMillis);
        }
        slot = freeHead;
        freeHead = nextFree[slot];
        hashes[slot] = hash;
        hits[slot] = 0;
        index.insert(hash, slot);
        size++;
      }
      state[slot] = USED;
      writeRecord(slot, hash, key, value, writeMillis, saturatedAdd(writeMillis,
          expireAfterWriteMillis));
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes {@code key}'s record; returns whether there was one. */
  public boolean remove(byte[] key) {
    lock.lock();
    try {
      checkOpen();
      int slot = index.find(hash(key), key);
      if (slot < 0) {
        return false;
      }
      removeSlot(slot);
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** Removes every record. */
  public void clear() {
    lock.lock();
    try {
      checkOpen();
      for (int slot = 0; slot < capacity; slot++) {
        if (state[slot] != FREE) {
          file.putInt(slotOffset(slot) + 4, 0);
        }
      }
      resetIndex();
    } finally {
      lock.unlock();
    }
  }

  /** Returns the number of records, expired ones not yet removed included. */
  public int size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Returns {@code {evictions, corrupt records dropped, records recovered on open}}. */
  public long[] counters() {
    lock.lock();
    try {
      return new long[] {evictions, corruptDrops, recoveredEntries};
    } finally {
      lock.unlock();
    }
  }

  /** Writes the mapped pages to the storage device. */
  public void force() {
    lock.lock();
    try {
      checkOpen();
      file.force();
    } finally {
      lock.unlock();
    }
  }

  /** Forces, unmaps (as far as the JDK allows) and unlocks the file. Idempotent. */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      try {
        file.force();
      } finally {
        closeQuietly(file, lockChannel);
      }
    } finally {
      lock.unlock();
    }
  }

  // --------------- file format ---------------

  private boolean headerMatches() {
    if (file.getLong(0) != MAGIC || file.getInt(8) != VERSION || file.getInt(12) != slotBytes
        || file.getInt(16) != capacity) {
      return false;
    }
    crc.reset();
    byte[] header = new byte[20];
    file.getBytes(0, header, 0, 20);
    crc.update(header, 0, 20);
    return (int) crc.getValue() == file.getInt(20);
  }

  private void format() {
    // Invalidate the header first, so a crash while formatting leaves a file that is formatted again.
    file.putLong(0, 0);
    for (int slot = 0; slot < capacity; slot++) {
      file.putInt(slotOffset(slot) + 4, 0);
    }
    ByteBuffer header = ByteBuffer.allocate(20).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(0, MAGIC).putInt(8, VERSION).putInt(12, slotBytes).putInt(16, capacity);
    crc.reset();
    crc.update(header.array(), 0, 20);
    file.putBytes(8, header.array(), 8, 12);
    file.putInt(20, (int) crc.getValue());
    file.force();
    file.putLong(0, MAGIC);
    resetIndex();
  }

  private void recover(long nowMillis) {
    resetIndex();
    for (int slot = 0; slot < capacity; slot++) {
      long base = slotOffset(slot);
      if (file.getInt(base + 4) == 0) {
        continue;
      }
      int length = recordLength(base);
      boolean valid = length >= 0 && readAndVerify(slot, base, length);
      ByteBuffer header = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
      if (!valid || nowMillis - header.getLong(24) >= 0) {
        if (!valid) {
          corruptDrops++;
        }
        file.putInt(base + 4, 0);
        continue;
      }
      byte[] key = Arrays.copyOfRange(scratch, HEADER_BYTES, HEADER_BYTES + header.getInt(4) - 1);
      int hash = hash(key);
      if (hash != header.getInt(12) || index.find(hash, key) >= 0) {
        // A checksummed record whose hash is wrong, or a second copy of a key: never both served.
        corruptDrops++;
        file.putInt(base + 4, 0);
        continue;
      }
      hashes[slot] = hash;
      state[slot] = USED;
      index.insert(hash, slot);
      size++;
      recoveredEntries++;
    }
    freeHead = -1;
    for (int slot = capacity - 1; slot >= 0; slot--) {
      if (state[slot] == FREE) {
        nextFree[slot] = freeHead;
        freeHead = slot;
      }
    }
  }

  /** Returns 32 + key + value of the record at {@code base}, or -1 if its lengths are impossible. */
  private int recordLength(long base) {
    int keyLength = file.getInt(base + 4) - 1;
    int valueLength = file.getInt(base + 8);
    if (keyLength < 0 || valueLength < 0
        || HEADER_BYTES + (long) keyLength + valueLength > slotBytes) {
      return -1;
    }
    return HEADER_BYTES + keyLength + valueLength;
  }

  /** Copies the record into {@link #scratch} and returns whether its checksum matches. */
  private boolean readAndVerify(int slot, long base, int length) {
    file.getBytes(base, scratch, 0, length);
    return checksum(slot, scratch, length) == ByteBuffer.wrap(scratch)
        .order(ByteOrder.LITTLE_ENDIAN).getInt(0);
  }

  private int checksum(int slot, byte[] record, int length) {
    crc.reset();
    crc.update(record, 4, length - 4);
    crc.update(slot);
    crc.update(slot >>> 8);
    crc.update(slot >>> 16);
    crc.update(slot >>> 24);
    return (int) crc.getValue();
  }

  private void writeRecord(int slot, int hash, byte[] key, ByteBuffer value, long writeMillis,
      long expiresAtMillis) {
    int length = HEADER_BYTES + key.length + value.remaining();
    ByteBuffer record = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);
    record.putInt(4, key.length + 1).putInt(8, value.remaining()).putInt(12, hash)
        .putLong(16, writeMillis).putLong(24, expiresAtMillis);
    System.arraycopy(key, 0, scratch, HEADER_BYTES, key.length);
    value.duplicate().get(scratch, HEADER_BYTES + key.length, value.remaining());
    record.putInt(0, checksum(slot, scratch, length));
    long base = slotOffset(slot);
    // Body first, the checksum word last: a crash in between leaves a mismatching slot.
    file.putBytes(base + 4, scratch, 4, length - 4);
    file.putInt(base, record.getInt(0));
  }

  private long slotOffset(int slot) {
    return FILE_HEADER_BYTES + (long) slot * slotBytes;
  }

  // --------------- eviction ---------------

  private void evictOne(long nowMillis) {
    // CLOCK: clear reference bits until an unreferenced slot comes under the hand. Bounded by two
    // sweeps since the first sweep clears every bit.
    while (true) {
      int slot = hand;
      hand = hand + 1 == capacity ? 0 : hand + 1;
      if (state[slot] == REFERENCED
          && nowMillis - file.getLong(slotOffset(slot) + 24) < 0) {
        state[slot] = USED;
        continue;
      }
      if (state[slot] != FREE) {
        evictions++;
        removeSlot(slot);
        return;
      }
    }
  }

  private void removeSlot(int slot) {
    index.remove(slot);
    file.putInt(slotOffset(slot) + 4, 0);
    state[slot] = FREE;
    nextFree[slot] = freeHead;
    freeHead = slot;
    size--;
  }

  private void resetIndex() {
    index.clear();
    Arrays.fill(state, FREE);
    for (int i = 0; i < capacity; i++) {
      nextFree[i] = i + 1 < capacity ? i + 1 : -1;
    }
    freeHead = 0;
    size = 0;
    hand = 0;
  }

  private static long saturatedAdd(long a, long b) {
    long sum = a + b;
    return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
  }

  private boolean slotKeyEquals(int slot, byte[] key) {
    long base = slotOffset(slot);
    if (file.getInt(base + 4) - 1 != key.length) {
      return false;
    }
    for (int i = 0; i < key.length; i++) {
      if (file.getByte(base + HEADER_BYTES + i) != key[i]) {
        return false;
      }
    }
    return true;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("persistent tier " + path + " is closed");
    }
  }

  private static void closeQuietly(MappedFile mapped, FileChannel channel) {
    if (mapped != null) {
      try {
        mapped.close();
      } catch (IOException ignored) {
        // the mapping is unusable either way; the lock below must still be released
      }
    }
    if (channel != null) {
      try {
        channel.close(); // releases the file lock
      } catch (IOException ignored) {
        // nothing more to release
      }
    }
  }
}
