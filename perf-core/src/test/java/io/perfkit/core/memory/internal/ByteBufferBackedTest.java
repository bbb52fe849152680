package io.perfkit.core.memory.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MemoryBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

final class ByteBufferBackedTest {

  @Test
  void viewOf_sharesMemory_inTheBuffersOrder() {
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(64);
    MemoryBuffer slice = buffer.slice(8, 32).withOrder(ByteOrder.BIG_ENDIAN);
    ByteBuffer view = ByteBufferBacked.viewOf(slice);
    assertEquals(32, view.capacity());
    assertEquals(ByteOrder.BIG_ENDIAN, view.order());
    assertTrue(view.isDirect());
    view.putLong(0, 0x0102030405060708L);
    assertEquals(0x0102030405060708L, slice.getLong(0));
    assertEquals(0x0807060504030201L, buffer.getLong(8));
  }

  @Test
  void viewOf_isANewView_thatDoesNotChangeTheBuffer() {
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(16);
    ByteBuffer view = ByteBufferBacked.viewOf(buffer);
    assertNotSame(view, ByteBufferBacked.viewOf(buffer));
    view.order(ByteOrder.BIG_ENDIAN).limit(4).position(2);
    buffer.putLong(8, 1L);
    assertEquals(ByteOrder.LITTLE_ENDIAN, buffer.order());
    assertEquals(1, buffer.getByte(8));
    assertEquals(ByteOrder.LITTLE_ENDIAN, ByteBufferBacked.viewOf(buffer).order());
    assertEquals(16, ByteBufferBacked.viewOf(buffer).limit());
  }

  @Test
  void viewOf_otherObjects_null() {
    assertNull(ByteBufferBacked.viewOf(null));
    assertNull(ByteBufferBacked.viewOf("not a buffer"));
    assertNull(ByteBufferBacked.viewOf(ByteBuffer.allocateDirect(8)));
  }
}
