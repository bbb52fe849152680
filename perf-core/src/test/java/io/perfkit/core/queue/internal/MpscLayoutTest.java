package io.perfkit.core.queue.internal;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.metrics.LatencyRecorder;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/**
 * Proves with JOL that the MPSC queues' hot read-only fields (the copies of the slot array, its
 * mask and, instrumented, the sampling mask that every offer and poll reads) sit at least 128 bytes
 * past the object header and the shared base's fields, and 128 bytes before the producer index:
 * JCTools' layout, so no write to the object allocated before the queue, and no write to an index,
 * shares their cache-line pair. QueueLayoutTest checks the indices themselves.
 */
@Tag("jol")
class MpscLayoutTest {
  private static final long PAD = 128;

  private static long offset(ClassLayout layout, String name) {
    return field(layout, name).offset();
  }

  private static FieldLayout field(ClassLayout layout, String name) {
    return layout.fields().stream()
        .filter(f -> f.name().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError(name + " not in " + layout.toPrintable()));
  }

  private static void assertHotFieldsIsolated(
      ClassLayout layout, List<String> baseFields, List<String> hotFields) {
    long baseEnd = layout.headerSize();
    for (String name : baseFields) {
      FieldLayout f = field(layout, name);
      baseEnd = Math.max(baseEnd, f.offset() + f.size());
    }
    long hotStart = Long.MAX_VALUE;
    long hotEnd = 0;
    for (String name : hotFields) {
      FieldLayout f = field(layout, name);
      hotStart = Math.min(hotStart, f.offset());
      hotEnd = Math.max(hotEnd, f.offset() + f.size());
    }
    String printable = layout.toPrintable();
    assertTrue(hotStart - baseEnd >= PAD, "hot fields too close to the head:\n" + printable);
    assertTrue(
        offset(layout, "producerIndex") - hotEnd >= PAD,
        "hot fields too close to producerIndex:\n" + printable);
  }

  @Test
  void mpsc_hotReadOnlyFieldsArePaddedFromHeadAndIndices() {
    assertHotFieldsIsolated(
        ClassLayout.parseClass(MpscArrayQueue.class),
        List.of("slots", "mask"),
        List.of("buffer", "bufferMask"));
  }

  @Test
  void instrumentedMpsc_hotReadOnlyFieldsArePaddedFromHeadAndIndices() {
    assertHotFieldsIsolated(
        ClassLayout.parseClass(InstrumentedMpscArrayQueue.class),
        List.of("slots", "mask", "sampleMask", "stampShift", "stamps", "timeInQueue", "pendingTimes"),
        List.of("buffer", "bufferMask", "bufferSampleMask"));
  }

  @Test
  void hotCopiesAreTheBaseFields() {
    var bare = new MpscArrayQueue<Integer>(64);
    assertSame(bare.slots, bare.buffer);
    assertTrue(bare.mask == bare.bufferMask, "mask " + bare.mask + " vs " + bare.bufferMask);
    var instrumented = new InstrumentedMpscArrayQueue<Integer>(64, 8, LatencyRecorder.create());
    assertSame(instrumented.slots, instrumented.buffer);
    assertTrue(instrumented.mask == instrumented.bufferMask, "mask");
    assertTrue(instrumented.sampleMask == instrumented.bufferSampleMask, "sampleMask");
  }
}
