package io.perfkit.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MappedFileTest {
  private static final int CHUNK = 64 * 1024;

  @TempDir Path dir;

  private MappedFile small(String name, long size) throws IOException {
    return MappedFile.newBuilder(dir.resolve(name)).size(size).chunkSize(CHUNK).create();
  }

  @Test
  void create_preallocatesAndZeroes() throws IOException {
    try (MappedFile file = small("a", 3 * CHUNK + 100)) {
      assertEquals(3 * CHUNK + 100, file.size());
      assertEquals(3 * CHUNK + 100, Files.size(file.path()));
      assertEquals(0, file.getLong(3 * CHUNK + 92));
      assertTrue(MappedFile.mappedBytes() >= file.size());
    }
  }

  @Test
  void typedAccess_straddlingChunks_splitCorrectly() throws IOException {
    for (ByteOrder order : new ByteOrder[] {ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN}) {
      Path path = dir.resolve("s" + order);
      try (MappedFile file =
          MappedFile.newBuilder(path).size(2 * CHUNK).chunkSize(CHUNK).order(order).create()) {
        for (int back = 1; back < 8; back++) {
          long at = CHUNK - back;
          file.putLong(at, 0x1122334455667788L + back);
          assertEquals(0x1122334455667788L + back, file.getLong(at));
          file.putInt(at, -123456 - back);
          assertEquals(-123456 - back, file.getInt(at));
          file.putShort(at, (short) -2);
          assertEquals((short) -2, file.getShort(at));
          file.putDouble(at, Math.PI);
          assertEquals(Math.PI, file.getDouble(at));
          file.putFloat(at, 1.5f);
          assertEquals(1.5f, file.getFloat(at));
        }
        // The split write must agree byte for byte with an unsplit one.
        file.putLong(CHUNK - 3, 0x0102030405060708L);
        file.putLong(16, 0x0102030405060708L);
        for (int i = 0; i < 8; i++) {
          assertEquals(file.getByte(16 + i), file.getByte(CHUNK - 3 + i));
        }
      }
    }
  }

  @Test
  void bulk_acrossManyChunks() throws IOException {
    try (MappedFile file = small("bulk", 4 * CHUNK)) {
      byte[] data = new byte[3 * CHUNK];
      new Random(1).nextBytes(data);
      file.putBytes(CHUNK / 2, data, 0, data.length);
      byte[] back = new byte[data.length];
      file.getBytes(CHUNK / 2, back, 0, back.length);
      assertArrayEquals(data, back);
      assertEquals(data[CHUNK], file.region(CHUNK + CHUNK / 2, 16).getByte(0));
    }
  }

  @Test
  void atomics_alignedNeverStraddle_misalignedRejected() throws IOException {
    try (MappedFile file = small("atomic", 2 * CHUNK)) {
      long last = CHUNK - 8;
      assertTrue(file.compareAndSetLong(last, 0, 5));
      assertEquals(5, file.getAndAddLong(last, 1));
      assertEquals(6, file.getLongAcquire(last));
      file.putLongRelease(CHUNK, 9);
      assertEquals(9, file.getLongVolatile(CHUNK));
      file.putIntVolatile(CHUNK - 4, 3);
      assertEquals(3, file.getAndAddInt(CHUNK - 4, 1));
      assertTrue(file.compareAndSetInt(CHUNK - 4, 4, 7));
      file.putIntRelease(CHUNK + 8, 1);
      assertEquals(1, file.getIntAcquire(CHUNK + 8));
      assertEquals(7, file.getIntVolatile(CHUNK - 4));
      file.putLongVolatile(8, 1);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> file.getLongVolatile(CHUNK - 4));
      assertTrue(e.getMessage().startsWith("index=" + (CHUNK - 4) + " is not 8-byte aligned"));
      assertThrows(IllegalArgumentException.class, () -> file.getAndAddInt(CHUNK - 2, 1));
    }
  }

  @Test
  void bounds_messagesNameIndexLengthCapacity() throws IOException {
    try (MappedFile file = small("bounds", 100)) {
      IndexOutOfBoundsException e =
          assertThrows(IndexOutOfBoundsException.class, () -> file.getLong(93));
      assertEquals("index=93 length=8 capacity=100", e.getMessage());
      assertThrows(IndexOutOfBoundsException.class, () -> file.getByte(-1));
      assertThrows(IndexOutOfBoundsException.class, () -> file.putInt(Long.MAX_VALUE, 1));
      assertThrows(IndexOutOfBoundsException.class, () -> file.getBytes(90, new byte[20], 0, 20));
      assertThrows(IndexOutOfBoundsException.class, () -> file.putBytes(0, new byte[2], 1, 2));
      assertThrows(IndexOutOfBoundsException.class, () -> file.force(50, 51));
      assertThrows(IndexOutOfBoundsException.class, () -> file.region(96, 8));
    }
  }

  @Test
  void region_straddlingChunks_rejected() throws IOException {
    try (MappedFile file = small("region", 2 * CHUNK)) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> file.region(CHUNK - 8, 16));
      assertTrue(e.getMessage().contains("straddles"), e.getMessage());
      MemoryBuffer region = file.region(CHUNK, 64);
      region.putLongVolatile(8, 77);
      assertEquals(77, file.getLong(CHUNK + 8));
    }
  }

  @Test
  void grow_mapsNewRange_keepsData_andRegionsStayValid() throws IOException {
    try (MappedFile file = small("grow", CHUNK + 10)) {
      file.putLong(CHUNK, 42);
      MemoryBuffer region = file.region(CHUNK, 10);
      file.grow(3 * CHUNK);
      assertEquals(3 * CHUNK, file.size());
      assertEquals(42, file.getLong(CHUNK));
      file.putLong(3 * CHUNK - 8, 1);
      region.putByte(0, (byte) 7);
      assertEquals(7, file.getByte(CHUNK));
      file.grow(10); // smaller: no-op
      assertEquals(3 * CHUNK, file.size());
      assertThrows(IllegalArgumentException.class, () -> file.grow(-1));
    }
  }

  @Test
  void grow_detectsTruncationByAnotherWriter() throws IOException {
    try (MappedFile file = small("trunc", 2 * CHUNK)) {
      try (RandomAccessFile other = new RandomAccessFile(file.path().toFile(), "rw")) {
        other.setLength(CHUNK);
      }
      IOException e = assertThrows(IOException.class, file::verifyLength);
      assertTrue(e.getMessage().contains("truncated to " + CHUNK), e.getMessage());
      assertThrows(IOException.class, () -> file.grow(4 * CHUNK));
    }
  }

  @Test
  void open_badInput() throws IOException {
    assertThrows(NoSuchFileException.class,
        () -> MappedFile.open(dir.resolve("missing"), MappedFile.Mode.READ_ONLY));
    IOException e = assertThrows(IOException.class,
        () -> MappedFile.open(dir, MappedFile.Mode.READ_WRITE));
    assertTrue(e.getMessage().contains("is a directory"), e.getMessage());
    assertThrows(IOException.class, () -> MappedFile.create(dir, 10));
    Path shortFile = dir.resolve("short");
    Files.write(shortFile, new byte[10]);
    IOException tooShort = assertThrows(IOException.class,
        () -> MappedFile.newBuilder(shortFile).size(64).readOnly().open());
    assertTrue(tooShort.getMessage().contains("shorter than the required 64"));
    assertThrows(IllegalStateException.class,
        () -> MappedFile.newBuilder(shortFile).readOnly().create());
    assertThrows(IllegalArgumentException.class,
        () -> MappedFile.newBuilder(shortFile).chunkSize(5000));
    assertThrows(IllegalArgumentException.class,
        () -> MappedFile.newBuilder(shortFile).chunkSize(1024));
    assertThrows(IllegalArgumentException.class, () -> MappedFile.newBuilder(shortFile).size(-1));
    assertThrows(NullPointerException.class, () -> MappedFile.newBuilder(null));
  }

  @Test
  void open_readOnlyFileReadWrite_accessDenied() throws IOException {
    Path path = dir.resolve("ro");
    Files.write(path, new byte[64]);
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("r--r--r--"));
    Assumptions.assumeFalse(Files.isWritable(path), "running as root: permissions not enforced");
    assertThrows(AccessDeniedException.class, () -> MappedFile.open(path, MappedFile.Mode.READ_WRITE));
  }

  @Test
  void readOnly_rejectsWritesAndGrow() throws IOException {
    Path path = dir.resolve("ro2");
    Files.write(path, new byte[64]);
    try (MappedFile file = MappedFile.open(path, MappedFile.Mode.READ_ONLY)) {
      assertThrows(ReadOnlyBufferException.class, () -> file.putLong(0, 1));
      assertThrows(ReadOnlyBufferException.class, () -> file.putBytes(0, new byte[1], 0, 1));
      assertThrows(ReadOnlyBufferException.class, () -> file.compareAndSetLong(0, 0, 1));
      assertThrows(ReadOnlyBufferException.class, () -> file.putIntRelease(0, 1));
      assertThrows(IllegalStateException.class, () -> file.grow(128));
      file.force(); // no-op
      assertEquals(0, file.getLong(0));
    }
  }

  @Test
  void close_laterAccessThrowsIllegalState() throws IOException {
    MappedFile file = small("closed", 128);
    MemoryBuffer region = file.region(0, 64);
    long before = MappedFile.mappedBytes();
    file.close();
    file.close();
    assertEquals(before - 128, MappedFile.mappedBytes());
    assertThrows(IllegalStateException.class, () -> file.getLong(0));
    assertThrows(IllegalStateException.class, () -> file.getLong(1000));
    assertThrows(IllegalStateException.class, () -> file.putLongVolatile(0, 1));
    assertThrows(IllegalStateException.class, file::force);
    assertThrows(IllegalStateException.class, () -> file.grow(4096));
    assertThrows(IllegalStateException.class, () -> file.region(0, 8));
    assertThrows(IllegalStateException.class, () -> region.getLong(0));
    assertTrue(region.isClosed());
  }

  @Test
  void force_rangesAcrossChunks() throws IOException {
    try (MappedFile file = small("force", 2 * CHUNK)) {
      file.putLong(CHUNK - 4, 1);
      file.force(CHUNK - 100, 200);
      file.force();
    }
    try (MappedFile again = MappedFile.open(dir.resolve("force"), MappedFile.Mode.READ_ONLY)) {
      assertEquals(1, again.getLong(CHUNK - 4));
      assertEquals(MappedFile.DEFAULT_CHUNK_SIZE, again.chunkSize());
    }
  }

  @Test
  void sparse_whenNotPreallocated() throws IOException {
    Path path = dir.resolve("sparse");
    try (MappedFile file =
        MappedFile.newBuilder(path).size(1 << 20).preallocate(false).chunkSize(CHUNK).create()) {
      assertEquals(1 << 20, Files.size(path));
      file.putLong((1 << 20) - 8, 5);
      assertEquals(5, file.getLong((1 << 20) - 8));
    }
  }
}
