package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * Proves with JOL (the JVM's real field offsets) that fields written by different threads sit at
 * least 128 bytes apart, and at least 128 bytes from the object header, the cold fields and the
 * object's end.
 */
@Tag("jol")
class QueueLayoutTest {
  private static final long PAD = 128;

  private static FieldLayout field(ClassLayout layout, String name) {
    return layout.fields().stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + layout.toPrintable()));
  }

  private static void assertIsolated(ClassLayout layout, List<List<String>> groups) {
    long coldEnd = 0;
    // the cold (final, read-only) fields: the slot array, its index mask and, in the instrumented
    // queues, the sampling state
    List<String> coldFields =
        List.of("slots", "mask", "sampleMask", "stampShift", "stamps", "timeInQueue");
    for (String cold : coldFields) {
      if (layout.fields().stream().anyMatch(f -> f.name().equals(cold))) {
        FieldLayout f = field(layout, cold);
        coldEnd = Math.max(coldEnd, f.offset() + f.size());
      }
    }
    long previousEnd = coldEnd;
    for (List<String> group : groups) {
      long start = Long.MAX_VALUE;
      long end = 0;
      for (String name : group) {
        FieldLayout f = field(layout, name);
        start = Math.min(start, f.offset());
        end = Math.max(end, f.offset() + f.size());
      }
      assertTrue(start - previousEnd >= PAD, group + " too close:\n" + layout.toPrintable());
      previousEnd = end;
    }
    assertTrue(layout.instanceSize() - previousEnd >= PAD, "tail:\n" + layout.toPrintable());
  }

  @Test
  void spsc_producerAndConsumerFieldsArePadded() {
    assertIsolated(
        ClassLayout.parseClass(SpscArrayQueue.class),
        List.of(List.of("producerIndex", "producerLimit"), List.of("consumerIndex")));
  }

  @Test
  void mpsc_producerIndexLimitAndConsumerIndexArePadded() {
    assertIsolated(
        ClassLayout.parseClass(MpscArrayQueue.class),
        List.of(List.of("producerIndex"), List.of("producerLimit"), List.of("consumerIndex")));
  }

  @Test
  void instrumentedSpsc_producerAndConsumerFieldsArePadded() {
    assertIsolated(
        ClassLayout.parseClass(InstrumentedSpscArrayQueue.class),
        List.of(
            List.of("producerIndex", "producerLimit", "roomLimit", "offersRejected"),
            List.of("consumerIndex", "pollsEmpty")));
  }

  @Test
  void instrumentedMpsc_producerIndexLimitRejectedAndConsumerFieldsArePadded() {
    assertIsolated(
        ClassLayout.parseClass(InstrumentedMpscArrayQueue.class),
        List.of(
            List.of("producerIndex"),
            List.of("producerLimit"),
            List.of("offersRejected"),
            List.of("consumerIndex", "pollsEmpty")));
  }
}
