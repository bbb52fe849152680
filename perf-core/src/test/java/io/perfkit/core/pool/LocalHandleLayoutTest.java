package io.perfkit.core.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * Proves with JOL (the JVM's actual field offsets) that a {@link LocalHandle}'s fields, which its
 * owner reads and writes on every acquire and release, sit at least 128 bytes from the object's
 * start (its header and any object allocated before it) and from its end (the next object): two
 * threads' handles, often allocated next to each other, never share a cache line or an
 * adjacent-line prefetch pair.
 */
@Tag("jol")
final class LocalHandleLayoutTest {
  private static final int PAD = 128;
  private static final Set<String> FIELDS =
      Set.of("pool", "cache", "ownerId", "hotEnabled", "hot", "hotIdle", "hotReused");

  @Test
  void hotFieldsAreIsolated() {
    ClassLayout layout = ClassLayout.parseClass(LocalHandle.class);
    List<FieldLayout> fields =
        layout.fields().stream()
            .filter(f -> FIELDS.contains(f.name()))
            .collect(Collectors.toList());
    assertEquals(FIELDS.size(), fields.size(), layout.toPrintable());
    long first = fields.stream().mapToLong(FieldLayout::offset).min().orElseThrow();
    long end = fields.stream().mapToLong(f -> f.offset() + f.size()).max().orElseThrow();
    assertTrue(first >= PAD, "first hot field at " + first + "\n" + layout.toPrintable());
    assertTrue(
        layout.instanceSize() - end >= PAD,
        "last hot field ends " + (layout.instanceSize() - end) + " bytes before the object's end\n"
            + layout.toPrintable());
    // Nothing but padding between the hot fields (the whole group fits in 64 bytes).
    assertTrue(end - first <= 64, "hot fields span " + (end - first) + "\n" + layout.toPrintable());
  }
}
