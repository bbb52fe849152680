package io.perfkit.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class MemoryBufferTest {

  /** Every accessor, as a call at a given index; used for bounds/closed/read-only sweeps. */
  private static List<Accessor> accessors() {
    List<Accessor> list = new ArrayList<>();
    byte[] array = new byte[16];
    list.add(new Accessor("getByte", 1, false, (b, i) -> b.getByte(i)));
    list.add(new Accessor("putByte", 1, true, (b, i) -> b.putByte(i, (byte) 1)));
    list.add(new Accessor("getShort", 2, false, (b, i) -> b.getShort(i)));
    list.add(new Accessor("putShort", 2, true, (b, i) -> b.putShort(i, (short) 1)));
    list.add(new Accessor("getInt", 4, false, (b, i) -> b.getInt(i)));
    list.add(new Accessor("putInt", 4, true, (b, i) -> b.putInt(i, 1)));
    list.add(new Accessor("getLong", 8, false, (b, i) -> b.getLong(i)));
    list.add(new Accessor("putLong", 8, true, (b, i) -> b.putLong(i, 1)));
    list.add(new Accessor("getFloat", 4, false, (b, i) -> b.getFloat(i)));
    list.add(new Accessor("putFloat", 4, true, (b, i) -> b.putFloat(i, 1f)));
    list.add(new Accessor("getDouble", 8, false, (b, i) -> b.getDouble(i)));
    list.add(new Accessor("putDouble", 8, true, (b, i) -> b.putDouble(i, 1d)));
    list.add(new Accessor("getBytes", 16, false, (b, i) -> b.getBytes(i, array, 0, 16)));
    list.add(new Accessor("putBytes", 16, true, (b, i) -> b.putBytes(i, array, 0, 16)));
    list.add(new Accessor("setMemory", 16, true, (b, i) -> b.setMemory(i, 16, (byte) 1)));
    list.add(new Accessor("getIntAcquire", 4, false, (b, i) -> b.getIntAcquire(i)));
    list.add(new Accessor("putIntRelease", 4, true, (b, i) -> b.putIntRelease(i, 1)));
    list.add(new Accessor("getIntVolatile", 4, false, (b, i) -> b.getIntVolatile(i)));
    list.add(new Accessor("putIntVolatile", 4, true, (b, i) -> b.putIntVolatile(i, 1)));
    list.add(new Accessor("getIntOpaque", 4, false, (b, i) -> b.getIntOpaque(i)));
    list.add(new Accessor("putIntOpaque", 4, true, (b, i) -> b.putIntOpaque(i, 1)));
    list.add(new Accessor("compareAndSetInt", 4, true, (b, i) -> b.compareAndSetInt(i, 0, 1)));
    list.add(new Accessor("getAndAddInt", 4, true, (b, i) -> b.getAndAddInt(i, 1)));
    list.add(new Accessor("getLongAcquire", 8, false, (b, i) -> b.getLongAcquire(i)));
    list.add(new Accessor("putLongRelease", 8, true, (b, i) -> b.putLongRelease(i, 1)));
    list.add(new Accessor("getLongVolatile", 8, false, (b, i) -> b.getLongVolatile(i)));
    list.add(new Accessor("putLongVolatile", 8, true, (b, i) -> b.putLongVolatile(i, 1)));
    list.add(new Accessor("getLongOpaque", 8, false, (b, i) -> b.getLongOpaque(i)));
    list.add(new Accessor("putLongOpaque", 8, true, (b, i) -> b.putLongOpaque(i, 1)));
    list.add(new Accessor("compareAndSetLong", 8, true, (b, i) -> b.compareAndSetLong(i, 0, 1)));
    list.add(new Accessor("getAndAddLong", 8, true, (b, i) -> b.getAndAddLong(i, 1)));
    return list;
  }

  private record Accessor(String name, int size, boolean writes, Call call) {
    boolean atomic() {
      return name.contains("Acquire") || name.contains("Release") || name.contains("Volatile")
          || name.contains("Opaque") || name.contains("compareAndSet") || name.contains("getAndAdd");
    }
  }

  @FunctionalInterface
  private interface Call {
    void run(MemoryBuffer buffer, int index);
  }

  @Test
  void accessors_inBoundsAtEdges() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(64)) {
      for (Accessor a : accessors()) {
        a.call.run(buffer, 0);
        a.call.run(buffer, 64 - a.size);
      }
    }
  }

  @Test
  void accessors_outOfBounds_messageNamesIndexLengthCapacity() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(64)) {
      for (Accessor a : accessors()) {
        for (int index : new int[] {-1, 64 - a.size + 1, 64, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
          IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
              () -> a.call.run(buffer, index), a.name + " at " + index);
          assertEquals("index=" + index + " length=" + a.size + " capacity=64", e.getMessage(),
              a.name);
        }
      }
    }
  }

  @Test
  void atomics_misaligned_throwNamingIndex() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(64)) {
      for (Accessor a : accessors()) {
        if (!a.atomic()) {
          a.call.run(buffer, 3); // plain access works at any index
          continue;
        }
        for (int index = 1; index < a.size; index++) {
          int at = 8 + index;
          IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
              () -> a.call.run(buffer, at), a.name);
          assertTrue(e.getMessage().startsWith("index=" + at + " is not " + a.size + "-byte aligned"),
              e.getMessage());
        }
      }
    }
  }

  @Test
  void atomics_sliceAtOddOffset_alignmentFollowsAddress() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(64)) {
      MemoryBuffer slice = buffer.slice(4, 32);
      assertTrue(slice.isAligned(0, 4));
      assertFalse(slice.isAligned(0, 8));
      assertTrue(slice.isAligned(4, 8));
      slice.putLongVolatile(4, 42);
      assertEquals(42, buffer.getLongVolatile(8));
      assertThrows(IllegalArgumentException.class, () -> slice.getLongVolatile(0));
      assertThrows(IllegalArgumentException.class, () -> slice.isAligned(0, 3));
    }
  }

  @Test
  void close_laterAccessThrowsIllegalState_includingSlices() {
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(64);
    MemoryBuffer slice = buffer.slice(8, 16);
    buffer.close();
    buffer.close(); // idempotent
    assertTrue(slice.isClosed());
    assertEquals(0, buffer.capacity());
    for (Accessor a : accessors()) {
      assertThrows(IllegalStateException.class, () -> a.call.run(buffer, 0), a.name);
      assertThrows(IllegalStateException.class, () -> a.call.run(slice, 0), a.name);
      assertThrows(IllegalStateException.class, () -> a.call.run(buffer, 1000), a.name);
    }
    assertThrows(IllegalStateException.class, () -> buffer.slice(0, 1));
    assertThrows(IllegalStateException.class, () -> buffer.withOrder(ByteOrder.BIG_ENDIAN));
  }

  @Test
  void closeSlice_leavesParentOpen() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(64)) {
      MemoryBuffer slice = buffer.slice(8, 16);
      slice.close();
      assertThrows(IllegalStateException.class, () -> slice.getInt(0));
      buffer.putInt(8, 7);
      assertEquals(7, buffer.getInt(8));
    }
  }

  @Test
  void reservedDirectBytes_countsUntilClose() {
    long before = MemoryBuffer.reservedDirectBytes();
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(1000);
    // Other tests may allocate concurrently in the same JVM only if run in parallel (they are not).
    assertTrue(MemoryBuffer.reservedDirectBytes() - before >= 1000);
    buffer.slice(0, 10).close();
    assertTrue(MemoryBuffer.reservedDirectBytes() - before >= 1000);
    buffer.close();
    assertEquals(before, MemoryBuffer.reservedDirectBytes());
  }

  @Test
  void allocate_badInput() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> MemoryBuffer.allocateDirect(0));
    assertEquals("capacity: 0 (expected: in [1, 2147483639])", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MemoryBuffer.allocateDirect(-5));
    assertThrows(NullPointerException.class, () -> MemoryBuffer.allocateDirect(8, null));
  }

  @Test
  void byteOrder_littleEndianByDefault_settable() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(16)) {
      assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
      buffer.putInt(0, 0x01020304);
      assertEquals(0x04, buffer.getByte(0));
      MemoryBuffer big = buffer.withOrder(ByteOrder.BIG_ENDIAN);
      assertEquals(0x04030201, big.getInt(0));
      assertEquals(0x04030201, big.getIntVolatile(0));
      big.putLongRelease(8, 0x0102030405060708L);
      assertEquals(0x01, buffer.getByte(8));
      assertEquals(0x0807060504030201L, buffer.getLongAcquire(8));
    }
    try (MemoryBuffer big = MemoryBuffer.allocateDirect(8, ByteOrder.BIG_ENDIAN)) {
      big.putShort(0, (short) 0x0102);
      assertEquals(0x01, big.getByte(0));
    }
  }

  @Test
  void atomics_semantics() {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(16)) {
      assertTrue(buffer.compareAndSetInt(0, 0, 5));
      assertFalse(buffer.compareAndSetInt(0, 0, 6));
      assertEquals(5, buffer.getAndAddInt(0, 3));
      assertEquals(8, buffer.getIntOpaque(0));
      assertTrue(buffer.compareAndSetLong(8, 0, Long.MAX_VALUE));
      assertEquals(Long.MAX_VALUE, buffer.getAndAddLong(8, 1));
      assertEquals(Long.MIN_VALUE, buffer.getLongOpaque(8));
      buffer.putLongOpaque(8, 3);
      buffer.putIntOpaque(0, 4);
      assertEquals(3, buffer.getLong(8));
      assertEquals(4, buffer.getInt(0));
    }
  }

  @Test
  void bulk_betweenBuffersAndByteBuffers() {
    try (MemoryBuffer a = MemoryBuffer.allocateDirect(32);
        MemoryBuffer b = MemoryBuffer.allocateDirect(32)) {
      for (int i = 0; i < 32; i++) {
        a.putByte(i, (byte) i);
      }
      b.putBytes(4, a, 0, 16);
      assertEquals(15, b.getByte(19));
      a.putBytes(2, a, 0, 8); // overlapping, memmove semantics
      assertEquals(0, a.getByte(2));
      assertEquals(7, a.getByte(9));
      ByteBuffer heap = ByteBuffer.allocate(8);
      a.getBytes(2, heap, 0, 8);
      assertEquals(7, heap.get(7));
      assertEquals(0, heap.position());
      b.putBytes(0, heap, 0, 8);
      assertEquals(7, b.getByte(7));
      assertThrows(IndexOutOfBoundsException.class, () -> b.putBytes(0, heap, 4, 8));
      assertThrows(IndexOutOfBoundsException.class, () -> a.getBytes(0, new byte[4], 1, 4));
      assertThrows(IndexOutOfBoundsException.class, () -> b.putBytes(28, a, 0, 8));
      assertThrows(IndexOutOfBoundsException.class, () -> b.putBytes(0, a, 28, 8));
      assertThrows(NullPointerException.class, () -> b.putBytes(0, (byte[]) null, 0, 1));
      b.setMemory(1, 13, (byte) 0x7F);
      assertEquals(0x7F, b.getByte(13));
      assertEquals(0x7F7F7F7F, b.getInt(1));
    }
  }

  @Test
  void readOnly_mappedRegion_rejectsEveryWrite(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ro");
    try (MappedFile rw = MappedFile.newBuilder(file).size(4096).create()) {
      rw.putLong(0, 99);
    }
    try (MappedFile ro = MappedFile.newBuilder(file).readOnly().open()) {
      MemoryBuffer region = ro.region(0, 64);
      assertTrue(region.isReadOnly());
      assertTrue(region.isMapped());
      assertEquals(99, region.getLong(0));
      for (Accessor a : accessors()) {
        if (a.writes) {
          assertThrows(ReadOnlyBufferException.class, () -> a.call.run(region, 0), a.name);
        } else {
          a.call.run(region, 0);
        }
      }
    }
  }

  @Test
  void concurrentGetAndAdd_countsExactly() throws Exception {
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(64)) {
      int threads = 4;
      int perThread = 50_000;
      List<Thread> list = new ArrayList<>();
      Consumer<MemoryBuffer> work = b -> {
        for (int i = 0; i < perThread; i++) {
          b.getAndAddLong(8, 1);
          b.getAndAddInt(0, 1);
        }
      };
      for (int t = 0; t < threads; t++) {
        Thread thread = new Thread(() -> work.accept(buffer));
        list.add(thread);
        thread.start();
      }
      for (Thread thread : list) {
        thread.join();
      }
      assertEquals((long) threads * perThread, buffer.getLongVolatile(8));
      assertEquals(threads * perThread, buffer.getIntVolatile(0));
    }
  }
}
