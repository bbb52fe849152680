package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

class DirectArrayTest {
  @Test
  void ints_startZeroed_keepWhatIsSet_andFill() {
    DirectIntArray array = new DirectIntArray(1_001);
    int[] model = new int[1_001];
    Random random = new Random(1);
    for (int i = 0; i < 5_000; i++) {
      int index = random.nextInt(model.length);
      int value = random.nextInt();
      array.set(index, value);
      model[index] = value;
    }
    for (int i = 0; i < model.length; i++) {
      assertEquals(model[i], array.get(i), "index " + i);
    }
    array.fill(-7); // odd length: the last int is filled on its own
    for (int i = 0; i < model.length; i++) {
      assertEquals(-7, array.get(i), "index " + i);
    }
    assertEquals(1_001, array.length());
  }

  @Test
  void ints_outOfRange_throw() {
    DirectIntArray array = new DirectIntArray(3);
    assertEquals(0, array.get(2));
    assertThrows(IndexOutOfBoundsException.class, () -> array.get(3));
    assertThrows(IndexOutOfBoundsException.class, () -> array.set(-1, 1));
    assertEquals(0, new DirectIntArray(0).length());
  }

  @Test
  void longs_keepWhatIsSet() {
    DirectLongArray array = new DirectLongArray(64);
    for (int i = 0; i < 64; i++) {
      assertEquals(0L, array.get(i));
      array.set(i, Long.MIN_VALUE + i);
    }
    for (int i = 0; i < 64; i++) {
      assertEquals(Long.MIN_VALUE + i, array.get(i));
    }
    assertThrows(IndexOutOfBoundsException.class, () -> array.get(64));
  }

  @Test
  void views_ofOneLayout_doNotOverlap_andLongRegionsAreAligned() {
    DirectMemory.Layout layout = new DirectMemory.Layout();
    long a = layout.ints(3);
    long b = layout.longs(5);
    long c = layout.ints(7);
    assertEquals(0, b & 1, "long region at an even index");
    DirectMemory memory = layout.allocate();
    assertEquals(layout.size(), memory.ints());
    DirectIntArray first = new DirectIntArray(memory, a, 3);
    DirectLongArray longs = new DirectLongArray(memory, b, 5);
    DirectIntArray last = new DirectIntArray(memory, c, 7);
    first.fill(-1);
    last.fill(0x5A5A_5A5A);
    for (int i = 0; i < 5; i++) {
      assertEquals(0L, longs.get(i), "untouched by its neighbours' fills");
      longs.set(i, 0x0123_4567_89AB_CDEFL * (i + 1));
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(-1, first.get(i));
    }
    for (int i = 0; i < 7; i++) {
      assertEquals(0x5A5A_5A5A, last.get(i));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(0x0123_4567_89AB_CDEFL * (i + 1), longs.get(i));
    }
    assertThrows(IllegalArgumentException.class, () -> new DirectLongArray(memory, 1, 1));
  }

  @Test
  void memory_fillFromAnOddIndex_andVolatileAccess() {
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
