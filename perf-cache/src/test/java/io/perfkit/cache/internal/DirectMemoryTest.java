package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectMemoryTest {
  @Test
  void ints_startZeroed_keepWhatIsSet_andFill() {
    DirectMemory memory = new DirectMemory(1_001);
    int[] model = new int[1_001];
    Random random = new Random(1);
    for (int i = 0; i < model.length; i++) {
      assertEquals(0, memory.getInt(i), "index " + i);
    }
    for (int i = 0; i < 5_000; i++) {
      int index = random.nextInt(model.length);
      int value = random.nextInt();
      memory.setInt(index, value);
      model[index] = value;
    }
    for (int i = 0; i < model.length; i++) {
      assertEquals(model[i], memory.getInt(i), "index " + i);
    }
    memory.fill(0, 1_001, -7); // odd length: the last int is filled on its own
    for (int i = 0; i < model.length; i++) {
      assertEquals(-7, memory.getInt(i), "index " + i);
    }
    assertEquals(1_001, memory.ints());
  }

  @Test
  void ints_outOfRange_throw() {
    DirectMemory memory = new DirectMemory(3);
    assertEquals(0, memory.getInt(2));
    assertThrows(IndexOutOfBoundsException.class, () -> memory.getInt(3));
    assertThrows(IndexOutOfBoundsException.class, () -> memory.setInt(-1, 1));
    assertEquals(0, new DirectMemory(0).ints());
  }

  @Test
  void longs_keepWhatIsSet() {
    DirectMemory memory = new DirectMemory(128);
    for (int i = 0; i < 64; i++) {
      assertEquals(0L, memory.getLong(2L * i));
      memory.setLong(2L * i, Long.MIN_VALUE + i);
    }
    for (int i = 0; i < 64; i++) {
      assertEquals(Long.MIN_VALUE + i, memory.getLong(2L * i));
    }
    assertThrows(IndexOutOfBoundsException.class, () -> memory.getLong(128));
  }

  @Test
  void regionsOfOneLayout_doNotOverlap_andLongRegionsAreAligned() {
    DirectMemory.Layout layout = new DirectMemory.Layout();
    long a = layout.ints(3);
    long b = layout.longs(5);
    long c = layout.ints(7);
    assertEquals(0, b & 1, "long region at an even index");
    DirectMemory memory = layout.allocate();
    assertEquals(layout.size(), memory.ints());
    memory.fill(a, 3, -1);
    memory.fill(c, 7, 0x5A5A_5A5A);
    for (int i = 0; i < 5; i++) {
      assertEquals(0L, memory.getLong(b + 2L * i), "untouched by its neighbours' fills");
      memory.setLong(b + 2L * i, 0x0123_4567_89AB_CDEFL * (i + 1));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(-1, memory.getInt(a + i));
    }
    for (int i = 0; i < 7; i++) {
      assertEquals(0x5A5A_5A5A, memory.getInt(c + i));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(0x0123_4567_89AB_CDEFL * (i + 1), memory.getLong(b + 2L * i));
    }
    assertThrows(IllegalArgumentException.class,
        () -> new FrequencySketch(16, FrequencySketch.SAMPLES_PER_ENTRY, memory, 1));
  }

  @Test
  void fillFromAnOddIndex_andVolatileAccess() {
    DirectMemory memory = new DirectMemory(9);
    memory.fill(1, 7, 42); // odd start, odd end: both ends filled int by int
    assertEquals(0, memory.getInt(0));
    for (int i = 1; i < 8; i++) {
      assertEquals(42, memory.getInt(i), "index " + i);
    }
    assertEquals(0, memory.getInt(8));
    memory.setIntVolatile(8, 9);
    assertEquals(9, memory.getIntVolatile(8));
    assertThrows(IllegalArgumentException.class, () -> new DirectMemory(-1));
  }
}
