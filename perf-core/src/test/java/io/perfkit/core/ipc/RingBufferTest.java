package io.perfkit.core.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MemoryBuffer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

final class RingBufferTest {
  static final int CAPACITY = 1024;

  static Stream<Arguments> kinds() {
    return Stream.of(
        Arguments.of("one-to-one", (Function<MemoryBuffer, RingBuffer>) OneToOneRingBuffer::new),
        Arguments.of("many-to-one", (Function<MemoryBuffer, RingBuffer>) ManyToOneRingBuffer::new),
        // A MemoryBuffer that is not one of perfkit's: the rings' checked fallback path.
        Arguments.of("one-to-one, foreign buffer",
            (Function<MemoryBuffer, RingBuffer>) b -> new OneToOneRingBuffer(foreign(b))),
        Arguments.of("many-to-one, foreign buffer",
            (Function<MemoryBuffer, RingBuffer>) b -> new ManyToOneRingBuffer(foreign(b))));
  }

  /** Returns a MemoryBuffer of another implementation (a proxy) delegating to {@code target}. */
  static MemoryBuffer foreign(MemoryBuffer target) {
    if (target == null) {
      return null;
    }
    InvocationHandler delegate = (proxy, method, args) -> {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    };
    return (MemoryBuffer) Proxy.newProxyInstance(MemoryBuffer.class.getClassLoader(),
        new Class<?>[] {MemoryBuffer.class}, delegate);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void closedBuffer_everyOperationThrows(String name, Function<MemoryBuffer, RingBuffer> f) {
    MemoryBuffer memory =
        MemoryBuffer.allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH);
    RingBuffer ring = f.apply(memory);
    assertTrue(ring.write(1, new byte[8], 0, 8));
    int claimed = ring.tryClaim(2, 8);
    memory.close();
    assertThrows(IllegalStateException.class, () -> ring.write(1, new byte[8], 0, 8));
    assertThrows(IllegalStateException.class, () -> ring.write(1, new byte[2000], 0, 100));
    MemoryBuffer src = MemoryBuffer.allocateDirect(16);
    assertThrows(IllegalStateException.class, () -> ring.write(1, src, 0, 8));
    assertThrows(IllegalStateException.class, () -> ring.tryClaim(1, 8));
    assertThrows(IllegalStateException.class, () -> ring.commit(claimed));
    assertThrows(IllegalStateException.class, () -> ring.abort(claimed));
    assertThrows(IllegalStateException.class, () -> ring.read((t, b, i, l) -> { }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void closedBuffer_fullRingStillThrows(String name, Function<MemoryBuffer, RingBuffer> f) {
    MemoryBuffer memory = MemoryBuffer.allocateDirect(64 * 8 + RingBufferDescriptor.TRAILER_LENGTH);
    RingBuffer ring = f.apply(memory);
    while (ring.write(1, new byte[56], 0, 56)) {
      // fill it
    }
    memory.close();
    assertThrows(IllegalStateException.class, () -> ring.write(1, new byte[56], 0, 56));
  }

  static RingBuffer create(Function<MemoryBuffer, RingBuffer> factory, int capacity) {
    return factory.apply(
        MemoryBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH));
  }

  record Message(int type, byte[] bytes) {}

  static List<Message> drain(RingBuffer ring, int limit) {
    List<Message> out = new ArrayList<>();
    ring.read((type, buffer, index, length) -> {
      byte[] bytes = new byte[length];
      buffer.getBytes(index, bytes, 0, length);
      out.add(new Message(type, bytes));
    }, limit);
    return out;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void write_read_roundTrip_withWrapAround(String name, Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, CAPACITY);
    assertEquals(CAPACITY, ring.capacity());
    assertEquals(CAPACITY / 8, ring.maxMessageLength());
    int next = 0;
    int expected = 0;
    for (int round = 0; round < 200; round++) {
      while (true) {
        byte[] bytes = new byte[next % 50];
        java.util.Arrays.fill(bytes, (byte) next);
        if (!ring.write(1 + next % 7, bytes, 0, bytes.length)) {
          break;
        }
        next++;
      }
      for (Message m : drain(ring, 3)) {
        assertEquals(1 + expected % 7, m.type);
        assertEquals(expected % 50, m.bytes.length);
        for (byte b : m.bytes) {
          assertEquals((byte) expected, b);
        }
        expected++;
      }
    }
    // A read stops at the end of the buffer; the next one continues from the start.
    for (int pass = 0; pass < 2; pass++) {
      for (Message m : drain(ring, Integer.MAX_VALUE)) {
        assertEquals(expected % 50, m.bytes.length);
        expected++;
      }
    }
    assertEquals(next, expected);
    assertEquals(0, ring.size());
    assertEquals(ring.producerPosition(), ring.consumerPosition());
    assertTrue(ring.producerPosition() > 10L * CAPACITY, "wrapped many times");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void full_returnsFalse_thenSpaceComesBack(String name, Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, 64 * 8);
    byte[] bytes = new byte[56];
    int written = 0;
    while (ring.write(1, bytes, 0, bytes.length)) {
      written++;
    }
    assertEquals(8, written);
    assertEquals(RingBuffer.INSUFFICIENT_CAPACITY, ring.tryClaim(1, 8));
    assertEquals(1, drain(ring, 1).size());
    assertTrue(ring.write(1, bytes, 0, bytes.length));
    assertFalse(ring.write(1, bytes, 0, bytes.length));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void tryClaim_commit_abort(String name, Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, CAPACITY);
    int a = ring.tryClaim(3, 8);
    ring.buffer().putLong(a, 42);
    assertEquals(0, drain(ring, 10).size(), "not visible before commit");
    ring.commit(a);
    int b = ring.tryClaim(4, 16);
    ring.abort(b);
    assertThrows(IllegalArgumentException.class, () -> ring.commit(b));
    assertThrows(IllegalArgumentException.class, () -> ring.commit(3));
    try (MemoryBuffer src = MemoryBuffer.allocateDirect(16)) {
      src.putInt(4, 7);
      assertTrue(ring.write(5, src, 4, 4));
    }
    List<Message> got = drain(ring, 10);
    assertEquals(2, got.size());
    assertEquals(3, got.get(0).type);
    assertEquals(42, java.nio.ByteBuffer.wrap(got.get(0).bytes)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong());
    assertEquals(5, got.get(1).type);
    assertArrayEquals(new byte[] {7, 0, 0, 0}, got.get(1).bytes);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void badInput(String name, Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, CAPACITY);
    assertEquals("typeId: 0 (expected: >= 1)",
        assertThrows(IllegalArgumentException.class, () -> ring.write(0, new byte[1], 0, 1))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(-1, 1));
    assertThrows(IllegalArgumentException.class, () -> ring.write(1, new byte[200], 0, 129));
    assertThrows(IllegalArgumentException.class, () -> ring.tryClaim(1, -1));
    assertThrows(IndexOutOfBoundsException.class, () -> ring.write(1, new byte[4], 2, 4));
    assertThrows(NullPointerException.class, () -> ring.write(1, (byte[]) null, 0, 0));
    assertThrows(NullPointerException.class, () -> ring.read(null));
    assertThrows(IllegalArgumentException.class, () -> ring.read((t, b, i, l) -> { }, 0));
    assertThrows(IllegalArgumentException.class,
        () -> f.apply(MemoryBuffer.allocateDirect(1000 + RingBufferDescriptor.TRAILER_LENGTH)));
    assertThrows(IllegalArgumentException.class, () -> f.apply(MemoryBuffer.allocateDirect(100)));
    MemoryBuffer misaligned = MemoryBuffer.allocateDirect(2048).slice(4, 1024 + 640);
    assertThrows(IllegalArgumentException.class, () -> f.apply(misaligned));
    assertThrows(NullPointerException.class, () -> f.apply(null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void trailerFields(String name, Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, CAPACITY);
    assertEquals(0, ring.nextCorrelationId());
    assertEquals(1, ring.nextCorrelationId());
    ring.consumerHeartbeatTime(1234);
    assertEquals(1234, ring.consumerHeartbeatTime());
    assertTrue(ring.toString().contains("capacity=1024"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void handlerThrows_messagesSoFarConsumed(String name, Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, CAPACITY);
    for (int i = 0; i < 3; i++) {
      ring.write(1 + i, new byte[4], 0, 4);
    }
    assertThrows(IllegalStateException.class, () -> ring.read((type, b, i, l) -> {
      if (type == 2) {
        throw new IllegalStateException("boom");
      }
    }));
    List<Message> rest = drain(ring, 10);
    assertEquals(1, rest.size());
    assertEquals(3, rest.get(0).type);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void header_isOneWord_lengthThenType_inBufferOrder(String name,
      Function<MemoryBuffer, RingBuffer> f) {
    for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.LITTLE_ENDIAN,
        java.nio.ByteOrder.BIG_ENDIAN)) {
      MemoryBuffer memory = MemoryBuffer
          .allocateDirect(CAPACITY + RingBufferDescriptor.TRAILER_LENGTH).withOrder(order);
      RingBuffer ring = f.apply(memory);
      assertTrue(ring.write(7, new byte[] {1, 2, 3, 4, 5}, 0, 5));
      assertEquals(13, memory.getInt(0), order + ": length at bytes 0-3");
      assertEquals(7, memory.getInt(4), order + ": type at bytes 4-7");
      int claimed = ring.tryClaim(9, 8); // the first record takes 16 aligned bytes
      assertEquals(24, claimed);
      assertEquals(-16, memory.getInt(16), order + ": a claim is marked by a negative length");
      assertEquals(9, memory.getInt(20), order + ": and carries its type");
      ring.abort(claimed);
      assertEquals(16, memory.getInt(16), order + ": an aborted claim is padding of its length");
      assertEquals(RingBufferDescriptor.PADDING_TYPE_ID, memory.getInt(20));
      List<Message> got = drain(ring, 10);
      assertEquals(1, got.size(), order + ": the aborted claim is skipped");
      assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, got.get(0).bytes);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void read_zeroesWhatItConsumed_smallAndLargeBatches(String name,
      Function<MemoryBuffer, RingBuffer> f) {
    RingBuffer ring = create(f, CAPACITY);
    byte[] ones = new byte[48]; // 56-byte records: 1024 is no multiple, so wrapping pads
    java.util.Arrays.fill(ones, (byte) -1);
    // One record (56 bytes: zeroed word by word), then 12 records (672 bytes: bulk zeroing), then
    // records across wrap-arounds (padding included), each batch checked for zeros.
    for (int batch : new int[] {1, 12, 5, 9, 15}) {
      long head = ring.consumerPosition();
      for (int i = 0; i < batch; i++) {
        assertTrue(ring.write(1, ones, 0, ones.length));
      }
      long tail = ring.producerPosition();
      int read = 0;
      while (ring.consumerPosition() < tail) {
        read += drain(ring, 100).size(); // a read stops at the end of the buffer
      }
      assertEquals(batch, read);
      for (long p = head; p < tail; p += 8) {
        assertEquals(0, ring.buffer().getLong((int) (p & (CAPACITY - 1))),
            name + ": word at position " + p + " after a batch of " + batch);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("kinds")
  void write_emptyRingAcceptsTheLargestMessageAtEveryHead_smallCapacities(String name,
      Function<MemoryBuffer, RingBuffer> f) {
    // An empty ring takes a message of maxMessageLength wherever the head is, also in the
    // smallest buffers (a free-space rule that rounded the head down would break this at 64).
    for (int capacity : new int[] {64, 128, 256}) {
      RingBuffer ring = create(f, capacity);
      byte[] large = new byte[ring.maxMessageLength()];
      for (int step = 0; step < capacity / 4; step++) {
        int small = step % 3 == 0 ? 1 : 0; // moves the head by 16 or 8: every 8-byte index
        assertTrue(ring.write(1, new byte[small], 0, small));
        // Two reads at most: the first may stop after a padding record at the buffer's end.
        assertEquals(1, drain(ring, 10).size() + drain(ring, 10).size());
        assertTrue(ring.write(2, large, 0, large.length),
            name + ": capacity " + capacity + ", head " + ring.consumerPosition());
        assertEquals(1, drain(ring, 10).size() + drain(ring, 10).size());
      }
    }
  }
}
