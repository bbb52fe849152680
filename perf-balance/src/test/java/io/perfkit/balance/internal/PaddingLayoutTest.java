package io.perfkit.balance.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.info.FieldLayout;

/** The hot fields have at least 128 bytes of padding before and after them. */
@Tag("jol")
final class PaddingLayoutTest {
  private static void assertPadded(Class<?> type, String... hot) {
    ClassLayout layout = ClassLayout.parseClass(type);
    long size = layout.instanceSize();
    for (String name : hot) {
      FieldLayout field =
          layout.fields().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
      assertTrue(field.offset() >= 128, name + " at " + field.offset() + "\n" + layout.toPrintable());
      assertTrue(
          size - (field.offset() + field.size()) >= 128,
          name + " ends " + (size - field.offset() - field.size()) + " bytes before the end\n"
              + layout.toPrintable());
    }
  }

  @Test
  void load_hotFieldsPadded() {
    assertPadded(
        Load.class, "pending", "version", "writing", "stamp", "time0", "cost0", "time1", "cost1");
  }

  @Test
  void paddedSequence_valuePadded() {
    assertPadded(PaddedSequence.class, "value");
  }
}
