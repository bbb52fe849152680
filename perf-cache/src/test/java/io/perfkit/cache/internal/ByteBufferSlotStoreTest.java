package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import org.junit.jupiter.api.Test;

class ByteBufferSlotStoreTest {
  private static final int SLOT_BYTES = SlotStore.HEADER_BYTES + 24;

  @Test
  void storeInSharedMemory_keepsRecords_andLeavesTheBytesAroundItAlone() {
    DirectMemory.Layout layout = new DirectMemory.Layout();
    long before = layout.ints(5);
    long storeAt = layout.ints(4L * SLOT_BYTES / Integer.BYTES);
    long after = layout.ints(3);
    DirectMemory memory = layout.allocate();
    memory.fill(before, 5, -1);
    memory.fill(after, 3, -1);
    ByteBufferSlotStore store =
        new ByteBufferSlotStore(4, SLOT_BYTES, memory.buffer(), (int) (storeAt * Integer.BYTES));
    for (int slot = 0; slot < 4; slot++) {
      byte[] key = {(byte) slot, 1, 2, 3, 4, 5, 6, 7, 8, (byte) slot};
      byte[] value = new byte[24 - key.length];
      value[0] = (byte) (slot + 100);
      value[value.length - 1] = (byte) (slot + 50);
      store.write(slot, 31 * slot, key, value, 1_000L + slot, 2_000L + slot);
    }
    for (int slot = 0; slot < 4; slot++) {
      byte[] key = {(byte) slot, 1, 2, 3, 4, 5, 6, 7, 8, (byte) slot};
      assertEquals(31 * slot, store.hash(slot));
      assertEquals(1_000L + slot, store.writeNanos(slot));
      assertEquals(2_000L + slot, store.expiresAtNanos(slot));
      assertArrayEquals(key, store.key(slot));
      assertTrue(store.keyEquals(slot, key));
      key[9]++;
      assertFalse(store.keyEquals(slot, key));
      ByteBuffer value = store.value(slot);
      assertTrue(value.isReadOnly());
      assertEquals(14, value.remaining());
      assertEquals((byte) (slot + 100), value.get(value.position()));
      assertEquals((byte) (slot + 50), value.get(value.limit() - 1));
      assertThrows(ReadOnlyBufferException.class, () -> value.put(value.position(), (byte) 0));
    }
    for (int i = 0; i < 5; i++) {
      assertEquals(-1, memory.getInt(before + i), "before the store");
    }
    for (int i = 0; i < 3; i++) {
      assertEquals(-1, memory.getInt(after + i), "after the store");
    }
  }

  @Test
  void storeInSharedMemory_rejectsMemoryTooSmallOrInTheWrongOrder() {
    ByteBuffer small = ByteBuffer.allocateDirect(4 * SLOT_BYTES).order(ByteOrder.nativeOrder());
    assertThrows(IllegalArgumentException.class,
        () -> new ByteBufferSlotStore(4, SLOT_BYTES, small, 8));
    assertThrows(IllegalArgumentException.class,
        () -> new ByteBufferSlotStore(4, SLOT_BYTES, small, -1));
    ByteOrder other = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN
        ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    ByteBuffer wrongOrder = ByteBuffer.allocateDirect(4 * SLOT_BYTES).order(other);
    assertThrows(IllegalArgumentException.class,
        () -> new ByteBufferSlotStore(4, SLOT_BYTES, wrongOrder, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new ByteBufferSlotStore(5, SLOT_BYTES, small, 0));
    assertThrows(IllegalArgumentException.class,
        () -> new ByteBufferSlotStore(0, SLOT_BYTES, small, 0));
    new ByteBufferSlotStore(4, SLOT_BYTES, small, 0).close();
  }

  @Test
  void ownSlabs_allocatedUpFront_keepEverySlotApart() {
    // Slabs of 2 slots: slots 0-1, 2-3, 4-5, and 6 alone in the last one.
    int slots = 7;
    ByteBufferSlotStore store = new ByteBufferSlotStore(slots, SLOT_BYTES, 2L * SLOT_BYTES + 1);
    for (int slot = slots - 1; slot >= 0; slot--) {
      byte[] key = {(byte) slot, 7, 7, 7, 7, 7, 7, 7, 7};
      byte[] value = {(byte) (slot + 1), (byte) (slot + 2)};
      store.write(slot, slot * 17, key, value, slot, -slot);
    }
    for (int slot = 0; slot < slots; slot++) {
      assertEquals(slot * 17, store.hash(slot));
      assertEquals(slot, store.writeNanos(slot));
      assertEquals(-slot, store.expiresAtNanos(slot));
      assertTrue(store.keyEquals(slot, new byte[] {(byte) slot, 7, 7, 7, 7, 7, 7, 7, 7}));
      ByteBuffer value = store.value(slot);
      assertTrue(value.isReadOnly());
      assertEquals(2, value.remaining());
      assertEquals((byte) (slot + 1), value.get(value.position()));
      assertEquals((byte) (slot + 2), value.get(value.position() + 1));
    }
    store.close();
  }

  @Test
  void ownSlabs_slotsLargerThanASlab_getASlabEach_andBadSizesAreRejected() {
    ByteBufferSlotStore store = new ByteBufferSlotStore(3, SLOT_BYTES, 1);
    for (int slot = 0; slot < 3; slot++) {
      store.write(slot, slot, new byte[] {(byte) slot}, new byte[] {(byte) -slot}, 0, 0);
    }
    for (int slot = 0; slot < 3; slot++) {
      assertArrayEquals(new byte[] {(byte) slot}, store.key(slot));
      assertEquals((byte) -slot, store.value(slot).get(store.value(slot).position()));
    }
    store.close();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ByteBufferSlotStore(0, SLOT_BYTES, 1 << 20));
    assertTrue(e.getMessage().startsWith("slots: 0"), e.getMessage());
  }
}
