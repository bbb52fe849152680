package io.perfkit.core.counter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * Proves with JOL (the JVM's actual field offsets) that the hot longs sit at least 128 bytes from
 * every other written field of their object, from the object's header and from both ends of the
 * object (hence from any neighbouring object).
 */
@Tag("jol")
final class PaddedLayoutTest {
  private static final int PAD = 128;

  @Test
  void paddedAtomicLong_valueIsIsolated() {
    ClassLayout layout = ClassLayout.parseClass(PaddedAtomicLong.class);
    List<FieldLayout> hot = layout.fields().stream()
        .filter(f -> !f.name().startsWith("lhs") && !f.name().startsWith("rhs"))
        .collect(Collectors.toList());
    assertEquals(1, hot.size(), layout.toPrintable());
    FieldLayout value = hot.get(0);
    assertEquals("value", value.name());
    assertEquals(8, value.size());
    // Left: object start (header included, and any object before it) is >= 128 bytes away.
    assertTrue(value.offset() >= PAD, layout.toPrintable());
    // Right: the object's end (so the next object) is >= 128 bytes after the value's last byte.
    assertTrue(layout.instanceSize() - (value.offset() + value.size()) >= PAD,
        layout.toPrintable());
    // Every pad field is on its own side: 128 bytes of lhs before and of rhs after.
    long lhsBytes = layout.fields().stream()
        .filter(f -> f.name().startsWith("lhs") && f.offset() < value.offset())
        .mapToLong(FieldLayout::size).sum();
    long rhsBytes = layout.fields().stream()
        .filter(f -> f.name().startsWith("rhs") && f.offset() > value.offset())
        .mapToLong(FieldLayout::size).sum();
    assertEquals(PAD, lhsBytes, layout.toPrintable());
    assertEquals(PAD, rhsBytes, layout.toPrintable());
  }

  @Test
  void paddedLongArray_slotsAreIsolated() {
    int length = 5;
    PaddedLongArray array = new PaddedLongArray(length);
    long[] slots = slotsOf(array);
    ClassLayout layout = ClassLayout.parseInstance(slots);
    long base = layout.headerSize();
    long size = layout.instanceSize();
    long previousEnd = 0; // object start
    for (int i = 0; i < length; i++) {
      long offset = base + 8L * (PaddedLongArray.PAD + i * PaddedLongArray.STRIDE);
      assertTrue(offset - previousEnd >= PAD,
          "slot " + i + " at " + offset + " is " + (offset - previousEnd) + " bytes after "
              + (i == 0 ? "the object start" : "slot " + (i - 1)));
      previousEnd = offset + 8;
    }
    assertTrue(size - previousEnd >= PAD, "last slot ends " + (size - previousEnd) + " before end");
    // The slot mapping used by the class agrees with the offsets above.
    array.set(2, 42);
    assertEquals(42, slots[PaddedLongArray.PAD + 2 * PaddedLongArray.STRIDE]);
  }

  private static long[] slotsOf(PaddedLongArray array) {
    try {
      java.lang.reflect.Field field = PaddedLongArray.class.getDeclaredField("slots");
      field.setAccessible(true);
      return (long[]) field.get(array);
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }
}
