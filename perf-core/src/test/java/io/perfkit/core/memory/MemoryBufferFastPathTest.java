package io.perfkit.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast paths of {@link AbstractMemoryBuffer}: word-store {@code setMemory} at every short length
 * and alignment, the combined bounds/alignment/closed check at its boundaries (including indexes
 * whose arithmetic overflows), and the byte swap around the little-endian VarHandle for big-endian
 * views.
 */
final class MemoryBufferFastPathTest {
  private static final int SLACK = 16;

  /** Fills {@code buffer} and {@code model} with the same non-zero pattern. */
  private static void fillPattern(MemoryBuffer buffer, byte[] model) {
    for (int i = 0; i < model.length; i++) {
      model[i] = (byte) (i * 31 + 7);
      buffer.putByte(i, model[i]);
    }
  }

  private static void assertMatches(MemoryBuffer buffer, byte[] model, String what) {
    byte[] actual = new byte[model.length];
    buffer.getBytes(0, actual, 0, actual.length);
    assertArrayEquals(model, actual, what);
  }

  private static void setMemoryMatchesModel(MemoryBuffer buffer, int maxLength, byte value) {
    byte[] model = new byte[buffer.capacity()];
    for (int offset = 0; offset < 8; offset++) {
      for (int length = 0; length <= maxLength; length++) {
        fillPattern(buffer, model);
        buffer.setMemory(SLACK + offset, length, value);
        Arrays.fill(model, SLACK + offset, SLACK + offset + length, value);
        assertMatches(buffer, model,
            "offset=" + offset + " length=" + length + " value=" + value);
      }
    }
  }

  @Test
  void setMemory_everyShortLengthAndOffset_matchesByteArrayModel() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(80 + 8 + 2 * SLACK)) {
      for (byte value : new byte[] {0, 1, (byte) 0xA5, (byte) 0xFF}) {
        setMemoryMatchesModel(buffer, 80, value);
      }
    }
  }

  @Test
  void setMemory_sliceAtOddAddress_matchesByteArrayModel() {
    try (MemoryBuffer root = MemoryBuffer.allocateDirect(128)) {
      for (int shift = 1; shift < 8; shift++) {
        MemoryBuffer slice = root.slice(shift, 80 + 8 + 2 * SLACK);
        assertFalse(slice.isAligned(0, 8));
        setMemoryMatchesModel(slice, 80, (byte) 0x3C);
        setMemoryMatchesModel(slice, 80, (byte) 0);
      }
    }
  }

  @Test
  void setMemory_aroundBulkThresholdAndZeroChunk_matchesByteArrayModel() {
    int threshold = AbstractMemoryBuffer.BULK_ZERO_THRESHOLD;
    int[] lengths = {threshold - 1, threshold, threshold + 1, threshold + 7, 4095, 4096, 4097,
        8192 + 3, 10_000};
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(10_000 + 8 + 2 * SLACK)) {
      byte[] model = new byte[buffer.capacity()];
      for (byte value : new byte[] {0, (byte) 0x5A}) {
        for (int length : lengths) {
          for (int offset : new int[] {0, 3, 8}) {
            fillPattern(buffer, model);
            buffer.setMemory(SLACK + offset, length, value);
            Arrays.fill(model, SLACK + offset, SLACK + offset + length, value);
            assertMatches(buffer, model, "offset=" + offset + " length=" + length);
          }
        }
      }
    }
  }

  @Test
  void setMemory_wholeBufferAndEdges() {
    for (int capacity = 1; capacity <= 24; capacity++) {
      try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(capacity)) {
        byte[] model = new byte[capacity];
        fillPattern(buffer, model);
        buffer.setMemory(0, capacity, (byte) 9);
        Arrays.fill(model, (byte) 9);
        assertMatches(buffer, model, "capacity=" + capacity);
        buffer.setMemory(capacity, 0, (byte) 1); // empty range at the end is in bounds
        assertMatches(buffer, model, "empty range, capacity=" + capacity);
        int c = capacity;
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
            () -> buffer.setMemory(1, c, (byte) 0));
        assertEquals("index=1 length=" + c + " capacity=" + c, e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.setMemory(c + 1, 0, (byte) 0));
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.setMemory(0, -1, (byte) 0));
        assertThrows(IndexOutOfBoundsException.class,
            () -> buffer.setMemory(Integer.MAX_VALUE, 2, (byte) 0));
        assertMatches(buffer, model, "failed calls change nothing, capacity=" + capacity);
      }
    }
  }

  @Test
  void setMemory_readOnly_throwsEvenForEmptyRange(@TempDir Path dir) throws Exception {
    Path path = dir.resolve("ro");
    try (MappedFile file = MappedFile.create(path, 64)) {
      file.force();
    }
    try (MappedFile file = MappedFile.open(path, MappedFile.Mode.READ_ONLY)) {
      MemoryBuffer region = file.region(0, 64);
      assertThrows(ReadOnlyBufferException.class, () -> region.setMemory(0, 0, (byte) 1));
      assertThrows(ReadOnlyBufferException.class, () -> region.setMemory(3, 5, (byte) 1));
      assertThrows(ReadOnlyBufferException.class, () -> region.setMemory(0, 64, (byte) 0));
      assertThrows(ReadOnlyBufferException.class, () -> region.putLongRelease(8, 1));
      assertThrows(ReadOnlyBufferException.class, () -> region.compareAndSetInt(4, 0, 1));
      assertEquals(0, region.getLong(0));
    }
  }

  @Test
  void boundaryIndexes_everySize_inBoundsAtEndOutOfBoundsBeyond() {
    int capacity = 64;
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(capacity)) {
      for (int size : new int[] {1, 2, 4, 8}) {
        int last = capacity - size;
        plainGet(buffer, size, last);
        int[] bad = {last + 1, capacity, -1, -size, Integer.MIN_VALUE, Integer.MAX_VALUE,
            Integer.MAX_VALUE - size + 1, Integer.MAX_VALUE - capacity};
        for (int index : bad) {
          IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
              () -> plainGet(buffer, size, index), "size=" + size + " index=" + index);
          assertEquals("index=" + index + " length=" + size + " capacity=" + capacity,
              e.getMessage());
        }
      }
    }
  }

  private static long plainGet(MemoryBuffer buffer, int size, int index) {
    switch (size) {
      case 1:
        return buffer.getByte(index);
      case 2:
        return buffer.getShort(index);
      case 4:
        return buffer.getInt(index);
      default:
        return buffer.getLong(index);
    }
  }

  @Test
  void atomics_boundaryIndexes_boundsBeforeAlignment() {
    int capacity = 64;
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(capacity)) {
      buffer.putLongVolatile(capacity - 8, 5);
      assertEquals(5, buffer.getLongAcquire(capacity - 8));
      buffer.putIntVolatile(capacity - 4, 6);
      assertEquals(6, buffer.getIntAcquire(capacity - 4));
      // Aligned but out of bounds, including overflowing and negative indexes.
      for (int index : new int[] {capacity, -8, Integer.MIN_VALUE, Integer.MAX_VALUE - 7}) {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
            () -> buffer.getLongAcquire(index));
        assertEquals("index=" + index + " length=8 capacity=" + capacity, e.getMessage());
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.compareAndSetInt(index, 0, 1));
      }
      // Misaligned and out of bounds: bounds win.
      for (int index : new int[] {capacity - 7, capacity + 1, -1, Integer.MAX_VALUE}) {
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.getLongAcquire(index));
      }
      for (int index : new int[] {capacity - 3, capacity + 2, -2, Integer.MAX_VALUE - 1}) {
        assertThrows(IndexOutOfBoundsException.class, () -> buffer.putIntRelease(index, 1));
      }
      // Misaligned and in bounds: every misalignment is rejected naming the index.
      for (int index = 1; index < 8; index++) {
        int i = index;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> buffer.compareAndSetLong(i, 0, 1));
        assertTrue(e.getMessage().startsWith("index=" + i + " is not 8-byte aligned"),
            e.getMessage());
        if ((index & 3) != 0) {
          assertThrows(IllegalArgumentException.class, () -> buffer.getAndAddInt(i, 1));
        } else {
          assertEquals(0, buffer.getAndAddInt(i, 0));
        }
      }
    }
  }

  @Test
  void closed_winsOverBoundsAndAlignment_forViewAndScope() {
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(64);
    MemoryBuffer slice = buffer.slice(8, 32);
    MemoryBuffer other = buffer.slice(0, 64);
    slice.close();
    assertTrue(slice.isClosed());
    assertEquals(0, slice.capacity());
    for (int index : new int[] {0, 3, 31, 32, -1, Integer.MIN_VALUE}) {
      IllegalStateException e = assertThrows(IllegalStateException.class,
          () -> slice.getLongAcquire(index));
      assertEquals("buffer view is closed", e.getMessage());
      assertThrows(IllegalStateException.class, () -> slice.getByte(index));
      assertThrows(IllegalStateException.class, () -> slice.setMemory(index, 0, (byte) 0));
    }
    assertEquals(0, other.getLongAcquire(0)); // siblings stay open
    buffer.close();
    for (int index : new int[] {0, 3, 64, -1}) {
      assertThrows(IllegalStateException.class, () -> other.getLongAcquire(index));
      assertThrows(IllegalStateException.class, () -> other.putInt(index, 1));
      assertThrows(IllegalStateException.class, () -> buffer.compareAndSetLong(index, 0, 1));
    }
  }

  @Test
  void bigEndianView_atomicsAgreeWithPlainAccessorsAndLittleEndianView() {
    try (MemoryBuffer le = MemoryBuffer.allocateDirect(64)) {
      MemoryBuffer be = le.withOrder(ByteOrder.BIG_ENDIAN);
      long value = 0x0102030405060708L;
      be.putLongRelease(8, value);
      assertEquals(value, be.getLong(8));
      assertEquals(Long.reverseBytes(value), le.getLong(8));
      assertEquals(value, be.getLongAcquire(8));
      assertEquals(value, be.getLongVolatile(8));
      assertEquals(value, be.getLongOpaque(8));
      assertFalse(be.compareAndSetLong(8, Long.reverseBytes(value), 1));
      assertTrue(be.compareAndSetLong(8, value, 0x00000000000000FFL));
      assertEquals(0xFF00000000000000L, le.getLong(8));
      assertEquals(0xFFL, be.getAndAddLong(8, 1));
      assertEquals(0x100L, be.getLong(8));
      be.putLongOpaque(16, -2);
      be.putLongVolatile(24, value);
      assertEquals(-2, be.getLong(16));
      assertEquals(value, be.getLong(24));

      int v = 0x0A0B0C0D;
      be.putIntRelease(32, v);
      assertEquals(v, be.getInt(32));
      assertEquals(Integer.reverseBytes(v), le.getInt(32));
      assertEquals(v, be.getIntAcquire(32));
      assertEquals(v, be.getIntVolatile(32));
      assertEquals(v, be.getIntOpaque(32));
      assertTrue(be.compareAndSetInt(32, v, 0xFF));
      assertFalse(be.compareAndSetInt(32, v, 0));
      assertEquals(0xFF, be.getAndAddInt(32, 1));
      assertEquals(0x100, be.getInt(32));
      be.putIntOpaque(36, 7);
      be.putIntVolatile(40, -7);
      assertEquals(7, be.getInt(36));
      assertEquals(-7, be.getIntAcquire(40));
    }
  }
}
