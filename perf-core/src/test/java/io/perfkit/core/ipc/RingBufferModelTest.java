package io.perfkit.core.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.perfkit.core.memory.MemoryBuffer;
import java.util.ArrayDeque;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Records come out of a ring buffer as written, in order, against a queue model. */
final class RingBufferModelTest {

  /** Positive: write a message of (value - 1) bytes; zero or negative: read up to -value + 1. */
  @Provide
  Arbitrary<List<Integer>> ops() {
    return Arbitraries.integers().between(-5, 65).list().ofMinSize(1).ofMaxSize(150);
  }

  @Property(tries = 100)
  void oneToOne(@ForAll("ops") List<Integer> ops) {
    check(new OneToOneRingBuffer(MemoryBuffer.allocateDirect(512 + 640)), ops);
  }

  @Property(tries = 100)
  void manyToOne(@ForAll("ops") List<Integer> ops) {
    check(new ManyToOneRingBuffer(MemoryBuffer.allocateDirect(512 + 640)), ops);
  }

  private static void check(RingBuffer ring, List<Integer> ops) {
    ArrayDeque<byte[]> model = new ArrayDeque<>();
    int seq = 0;
    for (int op : ops) {
      if (op > 0) {
        byte[] msg = new byte[op - 1];
        for (int i = 0; i < msg.length; i++) {
          msg[i] = (byte) (seq * 7 + i);
        }
        seq++;
        int required = RingBufferDescriptor.align(msg.length + 8);
        long head = ring.consumerPosition();
        long tail = ring.producerPosition();
        int capacity = ring.capacity();
        int tailIndex = (int) (tail & (capacity - 1));
        int headIndex = (int) (head & (capacity - 1));
        boolean fits = required <= capacity - (tail - head)
            && (required <= capacity - tailIndex || required <= headIndex);
        boolean ok = ring.write(1 + seq % 5, msg, 0, msg.length);
        assertEquals(fits, ok, "write of " + required + " bytes, head " + head + ", tail " + tail);
        if (ok) {
          model.add(msg);
        }
      } else {
        int limit = -op + 1;
        int[] count = {0};
        MessageHandler check = (type, buffer, index, length) -> {
          byte[] expected = model.poll();
          byte[] actual = new byte[length];
          buffer.getBytes(index, actual, 0, length);
          assertArrayEquals(expected, actual);
          count[0]++;
        };
        int read = ring.read(check, limit);
        if (read == 0 && !model.isEmpty()) {
          // Only a padding record up to the buffer end can make a read come back empty.
          read = ring.read(check, limit);
          assertEquals(true, read > 0, "no progress with messages available");
        }
        assertEquals(true, read <= limit);
        assertEquals(read, count[0]);
      }
      assertFreeSpaceZeroed(ring);
    }
    for (int pass = 0; pass < 2; pass++) {
      ring.read((type, buffer, index, length) -> {
        byte[] actual = new byte[length];
        buffer.getBytes(index, actual, 0, length);
        assertArrayEquals(model.poll(), actual);
      });
    }
    assertEquals(0, model.size());
  }

  /** Every word a producer may claim next, [tail, head + capacity), reads as zero. */
  private static void assertFreeSpaceZeroed(RingBuffer ring) {
    long tail = ring.producerPosition();
    long end = ring.consumerPosition() + ring.capacity();
    for (long p = tail; p < end; p += 8) {
      assertEquals(0, ring.buffer().getLong((int) (p & (ring.capacity() - 1))),
          "free word at position " + p + " (tail " + tail + ", claimable up to " + end + ")");
    }
  }
}
