package io.perfkit.core.memory;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** A sequence of writes and reads on a MemoryBuffer behaves like the same operations on a byte[]. */
final class MemoryBufferModelTest {
  private static final int CAPACITY = 96;

  /** One operation: kind selects the accessor, index/value its arguments. */
  record Op(int kind, int index, long value, boolean bigEndian) {}

  @Provide
  Arbitrary<List<Op>> ops() {
    Arbitrary<Op> op = Combinators.combine(
            Arbitraries.integers().between(0, 11),
            Arbitraries.integers().between(-4, CAPACITY + 4),
            Arbitraries.longs(),
            Arbitraries.of(false, true))
        .as(Op::new);
    return op.list().ofMinSize(1).ofMaxSize(60);
  }

  @Property(tries = 300)
  void matchesByteArrayModel(@ForAll("ops") List<Op> ops) {
    byte[] model = new byte[CAPACITY];
    try (MemoryBuffer root = MemoryBuffer.allocateDirect(CAPACITY)) {
      for (Op op : ops) {
        ByteOrder order = op.bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        MemoryBuffer buffer = op.bigEndian ? root.withOrder(order) : root;
        ByteBuffer view = ByteBuffer.wrap(model).order(order);
        int size = size(op.kind);
        int index = op.index;
        boolean inBounds = index >= 0 && index + size <= CAPACITY;
        boolean aligned = (index & (size - 1)) == 0;
        boolean atomic = op.kind >= 8;
        if (!inBounds) {
          try {
            apply(op, buffer, index);
            throw new AssertionError("expected IndexOutOfBoundsException for " + op);
          } catch (IndexOutOfBoundsException expected) {
            continue;
          }
        }
        if (atomic && !aligned) {
          try {
            apply(op, buffer, index);
            throw new AssertionError("expected IllegalArgumentException for " + op);
          } catch (IllegalArgumentException expected) {
            continue;
          }
        }
        long got = apply(op, buffer, index);
        long expected = applyModel(op, view, index);
        assertEquals(expected, got, op.toString());
      }
      byte[] actual = new byte[CAPACITY];
      root.getBytes(0, actual, 0, CAPACITY);
      assertArrayEquals(model, actual);
    }
  }

  private static int size(int kind) {
    switch (kind) {
      case 0: case 1: return 1;
      case 2: case 3: return 2;
      case 4: case 5: case 8: case 9: return 4;
      case 6: case 7: case 10: case 11: return 8;
      default: throw new AssertionError(kind);
    }
  }

  /** Returns the value read (reads) or a marker (writes). */
  private static long apply(Op op, MemoryBuffer b, int i) {
    long v = op.value;
    switch (op.kind) {
      case 0: return b.getByte(i);
      case 1: b.putByte(i, (byte) v); return 0;
      case 2: return b.getShort(i);
      case 3: b.putShort(i, (short) v); return 0;
      case 4: return b.getInt(i);
      case 5: b.putInt(i, (int) v); return 0;
      case 6: return b.getLong(i);
      case 7: b.putLong(i, v); return 0;
      case 8: return b.getAndAddInt(i, (int) v);
      case 9: b.putIntRelease(i, (int) v); return b.getIntAcquire(i);
      case 10: return b.getAndAddLong(i, v);
      case 11: return b.compareAndSetLong(i, b.getLongVolatile(i), v) ? b.getLongOpaque(i) : -1;
      default: throw new AssertionError(op);
    }
  }

  private static long applyModel(Op op, ByteBuffer m, int i) {
    long v = op.value;
    switch (op.kind) {
      case 0: return m.get(i);
      case 1: m.put(i, (byte) v); return 0;
      case 2: return m.getShort(i);
      case 3: m.putShort(i, (short) v); return 0;
      case 4: return m.getInt(i);
      case 5: m.putInt(i, (int) v); return 0;
      case 6: return m.getLong(i);
      case 7: m.putLong(i, v); return 0;
      case 8: { int old = m.getInt(i); m.putInt(i, old + (int) v); return old; }
      case 9: m.putInt(i, (int) v); return (int) v;
      case 10: { long old = m.getLong(i); m.putLong(i, old + v); return old; }
      case 11: m.putLong(i, v); return v;
      default: throw new AssertionError(op);
    }
  }

  @Property(tries = 100)
  void bulkCopyMatchesModel(
      @ForAll("offsets") int srcIndex, @ForAll("offsets") int dstIndex, @ForAll("offsets") int len) {
    byte[] data = new byte[CAPACITY];
    for (int i = 0; i < CAPACITY; i++) {
      data[i] = (byte) (i * 31 + 7);
    }
    try (MemoryBuffer buffer = MemoryBuffer.allocateDirect(CAPACITY)) {
      buffer.putBytes(0, data, 0, CAPACITY);
      int length = Math.min(len, CAPACITY - Math.max(srcIndex, dstIndex));
      buffer.putBytes(dstIndex, buffer, srcIndex, length);
      System.arraycopy(data, srcIndex, data, dstIndex, length);
      byte[] actual = new byte[CAPACITY];
      buffer.getBytes(0, actual, 0, CAPACITY);
      assertArrayEquals(data, actual);
    }
  }

  @Provide
  Arbitrary<Integer> offsets() {
    return Arbitraries.integers().between(0, CAPACITY);
  }
}
