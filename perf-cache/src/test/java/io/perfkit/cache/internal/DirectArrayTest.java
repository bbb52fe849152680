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
}
