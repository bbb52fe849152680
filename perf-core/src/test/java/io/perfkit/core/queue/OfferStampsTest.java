package io.perfkit.core.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class OfferStampsTest {

  @Test
  void slotsFor_coverTheCapacityPlusTwo_withinBounds() {
    assertEquals(32, OfferStamps.slotsFor(1024, 1 << 14)); // 16 Ki + 2 needs 17 -> 32
    assertEquals(16, OfferStamps.slotsFor(4, 62)); // 64 / 4 = 16 exactly
    assertEquals(32, OfferStamps.slotsFor(4, 63)); // 65 / 4 -> 17 -> 32
    assertEquals(2, OfferStamps.slotsFor(1024, 1));
    assertEquals(OfferStamps.MAX_SLOTS, OfferStamps.slotsFor(1, 1 << 30));
    assertEquals(OfferStamps.MAX_SLOTS, OfferStamps.slotsFor(1024, -1)); // unbounded
    for (int interval = 1; interval <= 1 << 12; interval <<= 1) {
      for (int capacity : new int[] {1, 2, 3, 100, 1000, 4096, 1 << 20}) {
        int slots = OfferStamps.slotsFor(interval, capacity);
        assertEquals(1, Integer.bitCount(slots));
        assertTrue(slots == OfferStamps.MAX_SLOTS || (long) slots * interval >= capacity + 2L);
      }
    }
  }

  @Test
  void take_returnsTheStampOfThatPositionOnly() {
    OfferStamps stamps = new OfferStamps(4, 16); // 8 slots, positions 0, 4, ..., 28 then wrap
    long before = System.nanoTime();
    stamps.stampSingleWriter(8);
    long stamped = stamps.take(8);
    assertTrue(stamped >= before && stamped <= System.nanoTime());
    assertEquals(Long.MIN_VALUE, stamps.take(4), "never stamped");
    assertEquals(Long.MIN_VALUE, stamps.take(8 + 32), "same slot, other lap");
    stamps.stampSingleWriter(8 + 32); // overwrites position 8's slot
    assertEquals(Long.MIN_VALUE, stamps.take(8), "overwritten: dropped, not misattributed");
  }

  @Test
  void stampShared_takeShared_withdraw() {
    OfferStamps stamps = new OfferStamps(2, 8);
    assertTrue(stamps.stampShared(6, 123L));
    assertEquals(123L, stamps.takeShared(6));
    assertEquals(Long.MIN_VALUE, stamps.takeShared(6), "one reader only");
    assertTrue(stamps.stampShared(6, 456L));
    stamps.withdraw(4); // another position: no effect
    assertEquals(456L, stamps.take(6));
    stamps.withdraw(6);
    assertEquals(Long.MIN_VALUE, stamps.take(6));
  }

  @Test
  void stampShared_skipsASlotAnotherWriterHolds() {
    OfferStamps stamps = new OfferStamps(1, 4);
    // simulate a writer between its claim and its release: the slot's key is BUSY
    java.lang.invoke.VarHandle longs =
        java.lang.invoke.MethodHandles.arrayElementVarHandle(long[].class);
    long[] pairs = stamps.pairsForTest();
    int slot = 2 * (3 & (stamps.slots() - 1));
    longs.setVolatile(pairs, slot, OfferStamps.BUSY);
    assertTrue(!stamps.stampShared(3, 1L));
    assertEquals(Long.MIN_VALUE, stamps.take(3));
  }
}
