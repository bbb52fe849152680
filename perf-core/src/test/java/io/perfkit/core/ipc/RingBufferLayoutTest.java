package io.perfkit.core.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SortedSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * Proves with JOL (the JVM's actual field offsets) that the many-to-one head cache, which
 * producers write, sits at least 128 bytes from the fields every producer and the consumer read
 * on every call, from the object header and from both ends of the object.
 */
@Tag("jol")
final class RingBufferLayoutTest {
  private static final int PAD = 128;

  @Test
  void manyToOne_headCacheIsIsolated() {
    ClassLayout layout = ClassLayout.parseClass(ManyToOneRingBuffer.class);
    SortedSet<FieldLayout> fields = layout.fields();
    FieldLayout headCache = fields.stream().filter(f -> f.name().equals("headCache"))
        .findFirst().orElseThrow(() -> new AssertionError(layout.toPrintable()));
    assertEquals(8, headCache.size());
    long start = headCache.offset();
    long end = start + headCache.size();
    List<FieldLayout> shared = fields.stream()
        .filter(f -> !f.name().equals("headCache") && !f.name().startsWith("lhs")
            && !f.name().startsWith("rhs"))
        .collect(Collectors.toList());
    assertTrue(shared.stream().anyMatch(f -> f.name().equals("mask")), layout.toPrintable());
    for (FieldLayout field : shared) {
      long gap = field.offset() < start
          ? start - (field.offset() + field.size())
          : field.offset() - end;
      assertTrue(gap >= PAD, field.name() + " is " + gap + " bytes from headCache\n"
          + layout.toPrintable());
    }
    // The object start (header and any object before it) and the object end (the next object).
    assertTrue(start >= PAD, layout.toPrintable());
    assertTrue(layout.instanceSize() - end >= PAD, layout.toPrintable());
  }
}
