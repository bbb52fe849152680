package io.perfkit.core.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bounds, alignment, closed and read-only cases for every MappedFile accessor. */
final class MappedFileAccessorTest {
  private static final int SIZE = 8192;

  @TempDir Path dir;

  private record Accessor(String name, int size, boolean writes, boolean atomic, Call call) {}

  @FunctionalInterface
  private interface Call {
    void run(MappedFile file, long offset);
  }

  private static List<Accessor> accessors() {
    byte[] array = new byte[16];
    return List.of(
        new Accessor("getByte", 1, false, false, (f, o) -> f.getByte(o)),
        new Accessor("putByte", 1, true, false, (f, o) -> f.putByte(o, (byte) 1)),
        new Accessor("getShort", 2, false, false, (f, o) -> f.getShort(o)),
        new Accessor("putShort", 2, true, false, (f, o) -> f.putShort(o, (short) 1)),
        new Accessor("getInt", 4, false, false, (f, o) -> f.getInt(o)),
        new Accessor("putInt", 4, true, false, (f, o) -> f.putInt(o, 1)),
        new Accessor("getLong", 8, false, false, (f, o) -> f.getLong(o)),
        new Accessor("putLong", 8, true, false, (f, o) -> f.putLong(o, 1)),
        new Accessor("getFloat", 4, false, false, (f, o) -> f.getFloat(o)),
        new Accessor("putFloat", 4, true, false, (f, o) -> f.putFloat(o, 1f)),
        new Accessor("getDouble", 8, false, false, (f, o) -> f.getDouble(o)),
        new Accessor("putDouble", 8, true, false, (f, o) -> f.putDouble(o, 1d)),
        new Accessor("getBytes", 16, false, false, (f, o) -> f.getBytes(o, array, 0, 16)),
        new Accessor("putBytes", 16, true, false, (f, o) -> f.putBytes(o, array, 0, 16)),
        new Accessor("getIntAcquire", 4, false, true, (f, o) -> f.getIntAcquire(o)),
        new Accessor("putIntRelease", 4, true, true, (f, o) -> f.putIntRelease(o, 1)),
        new Accessor("getIntVolatile", 4, false, true, (f, o) -> f.getIntVolatile(o)),
        new Accessor("putIntVolatile", 4, true, true, (f, o) -> f.putIntVolatile(o, 1)),
        new Accessor("compareAndSetInt", 4, true, true, (f, o) -> f.compareAndSetInt(o, 0, 1)),
        new Accessor("getAndAddInt", 4, true, true, (f, o) -> f.getAndAddInt(o, 1)),
        new Accessor("getLongAcquire", 8, false, true, (f, o) -> f.getLongAcquire(o)),
        new Accessor("putLongRelease", 8, true, true, (f, o) -> f.putLongRelease(o, 1)),
        new Accessor("getLongVolatile", 8, false, true, (f, o) -> f.getLongVolatile(o)),
        new Accessor("putLongVolatile", 8, true, true, (f, o) -> f.putLongVolatile(o, 1)),
        new Accessor("compareAndSetLong", 8, true, true, (f, o) -> f.compareAndSetLong(o, 0, 1)),
        new Accessor("getAndAddLong", 8, true, true, (f, o) -> f.getAndAddLong(o, 1)));
  }

  private MappedFile create(String name) throws IOException {
    return MappedFile.newBuilder(dir.resolve(name)).size(SIZE).chunkSize(4096).create();
  }

  @Test
  void everyAccessor_edges_bounds_alignment() throws IOException {
    try (MappedFile file = create("a")) {
      for (Accessor a : accessors()) {
        a.call.run(file, 0);
        a.call.run(file, SIZE - a.size);
        a.call.run(file, 4096 - a.size); // last slot of the first chunk
        for (long offset : new long[] {-1, SIZE - a.size + 1, SIZE, Long.MAX_VALUE}) {
          IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class,
              () -> a.call.run(file, offset), a.name);
          assertEquals("index=" + offset + " length=" + a.size + " capacity=" + SIZE,
              e.getMessage(), a.name);
        }
        if (a.atomic) {
          assertThrows(IllegalArgumentException.class, () -> a.call.run(file, 4096 - 2), a.name);
        } else {
          a.call.run(file, 4096 - a.size / 2 - 1); // straddles the chunk boundary: split
        }
      }
    }
  }

  @Test
  void everyAccessor_closed() throws IOException {
    MappedFile file = create("b");
    file.close();
    for (Accessor a : accessors()) {
      assertThrows(IllegalStateException.class, () -> a.call.run(file, 0), a.name);
    }
  }

  @Test
  void everyWriter_readOnly() throws IOException {
    Path path = dir.resolve("c");
    Files.write(path, new byte[SIZE]);
    try (MappedFile file = MappedFile.open(path, MappedFile.Mode.READ_ONLY)) {
      for (Accessor a : accessors()) {
        if (a.writes) {
          assertThrows(ReadOnlyBufferException.class, () -> a.call.run(file, 0), a.name);
        } else {
          a.call.run(file, 0);
        }
      }
      assertTrue(file.getLong(0) == 0);
    }
  }
}
