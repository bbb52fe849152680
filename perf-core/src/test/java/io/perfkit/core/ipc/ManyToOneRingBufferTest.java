package io.perfkit.core.ipc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MemoryBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

final class ManyToOneRingBufferTest {

  private static ManyToOneRingBuffer ring(int capacity) {
    return new ManyToOneRingBuffer(
        MemoryBuffer.allocateDirect(capacity + RingBufferDescriptor.TRAILER_LENGTH));
  }

  @Test
  void unblock_producerDiedAfterHeader() {
    ManyToOneRingBuffer ring = ring(1024);
    int claimed = ring.tryClaim(1, 16); // the "dead" producer never commits
    assertTrue(claimed > 0);
    assertTrue(ring.write(2, new byte[8], 0, 8));
    assertEquals(0, ring.read((t, b, i, l) -> { }));
    assertTrue(ring.unblock());
    List<Integer> types = new ArrayList<>();
    assertEquals(1, ring.read((t, b, i, l) -> types.add(t)));
    assertEquals(List.of(2), types);
    assertFalse(ring.unblock());
  }

  @Test
  void unblock_producerDiedBetweenClaimAndHeader() {
    ManyToOneRingBuffer ring = ring(1024);
    MemoryBuffer buffer = ring.buffer();
    int tailIndex = 1024 + RingBufferDescriptor.TAIL_POSITION_OFFSET;
    // A producer won the CAS for 24 bytes and died before writing anything.
    buffer.getAndAddLong(tailIndex, 24);
    assertTrue(ring.write(2, new byte[8], 0, 8));
    assertEquals(0, ring.read((t, b, i, l) -> { }));
    assertTrue(ring.unblock());
    List<Integer> types = new ArrayList<>();
    ring.read((t, b, i, l) -> types.add(t));
    assertEquals(List.of(2), types);
  }

  @Test
  void bigEndianBuffer_headerLayoutHolds() {
    MemoryBuffer memory = MemoryBuffer.allocateDirect(1024 + RingBufferDescriptor.TRAILER_LENGTH)
        .withOrder(java.nio.ByteOrder.BIG_ENDIAN);
    ManyToOneRingBuffer ring = new ManyToOneRingBuffer(memory);
    assertTrue(ring.write(9, new byte[] {1, 2, 3}, 0, 3));
    assertEquals(11, memory.getInt(0), "length at bytes 0-3");
    assertEquals(9, memory.getInt(4), "type at bytes 4-7");
    int claimed = ring.tryClaim(5, 8);
    assertEquals(-16, memory.getInt(claimed - 8));
    assertTrue(ring.write(6, new byte[1], 0, 1));
    List<Integer> types = new ArrayList<>();
    ring.read((t, b, i, l) -> types.add(t));
    assertTrue(ring.unblock());
    ring.read((t, b, i, l) -> types.add(t));
    assertEquals(List.of(9, 6), types);
  }

  @Test
  void unblock_thenLateCommit_isRejected_andNothingIsReadTwice() {
    ManyToOneRingBuffer ring = ring(1024);
    int claimed = ring.tryClaim(1, 16);
    assertTrue(ring.write(2, new byte[8], 0, 8));
    assertTrue(ring.unblock(), "the stuck claim becomes padding");
    assertFalse(ring.unblock(), "already padding: nothing more to do");
    // The presumed-dead producer was only slow: its commit finds its claim gone.
    assertThrows(IllegalArgumentException.class, () -> ring.commit(claimed));
    List<Integer> types = new ArrayList<>();
    assertEquals(1, ring.read((t, b, i, l) -> types.add(t)));
    assertEquals(List.of(2), types);
  }

  @Test
  void unblock_gapBeforeWrapPadding() {
    ManyToOneRingBuffer ring = ring(1024);
    MemoryBuffer buffer = ring.buffer();
    int tailIndex = 1024 + RingBufferDescriptor.TAIL_POSITION_OFFSET;
    int headIndex = 1024 + RingBufferDescriptor.HEAD_POSITION_OFFSET;
    // Consumer and producers are near the end of the buffer: 1000 bytes written and consumed.
    buffer.putLong(tailIndex, 1000);
    buffer.putLong(headIndex, 1000);
    buffer.getAndAddLong(tailIndex, 8); // a producer claimed [1000, 1008) and died
    // The next record does not fit before the end: padding [1008, 1024), record at 0.
    assertTrue(ring.write(3, new byte[16], 0, 16));
    assertEquals(0, ring.read((t, b, i, l) -> { }));
    assertTrue(ring.unblock(), "the dead claim is covered up to the padding record");
    List<Integer> types = new ArrayList<>();
    while (types.isEmpty()) {
      ring.read((t, b, i, l) -> types.add(t));
    }
    assertEquals(List.of(3), types);
    assertEquals(0, ring.size());
  }

  @Test
  void producersOnSeparateInstances_shareTheBuffer_acrossManyLaps() {
    // Each instance keeps its own head cache (as producers in two processes would).
    MemoryBuffer memory = MemoryBuffer.allocateDirect(1024 + RingBufferDescriptor.TRAILER_LENGTH);
    ManyToOneRingBuffer a = new ManyToOneRingBuffer(memory);
    ManyToOneRingBuffer b = new ManyToOneRingBuffer(memory);
    ManyToOneRingBuffer consumer = new ManyToOneRingBuffer(memory);
    byte[] msg = new byte[40];
    long[] next = {0, 0};
    long written = 0;
    long[] read = {0};
    java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(msg);
    for (int round = 0; round < 2000; round++) {
      ManyToOneRingBuffer producer = (round % 3 == 0) ? b : a;
      int id = producer == a ? 0 : 1;
      view.putLong(0, written);
      if (producer.write(1 + id, msg, 0, msg.length)) {
        written++;
      }
      if (round % 7 == 0 || !producer.write(1 + id, msg, 0, 0)) {
        consumer.read((type, buffer, index, length) -> {
          if (length == 40) {
            long seq = buffer.withOrder(java.nio.ByteOrder.BIG_ENDIAN).getLong(index);
            assertEquals(next[0], seq, "records come out in the order written");
            next[0] = seq + 1;
          }
          read[0]++;
        });
      }
    }
    while (consumer.read((type, buffer, index, length) -> {
      if (length == 40) {
        next[0]++;
      }
    }) > 0) {
      // drain
    }
    assertEquals(written, next[0]);
    assertTrue(written > 1000, "many laps of a 1 KiB buffer: " + written);
    assertEquals(0, consumer.size());
  }

  @Test
  void unblock_nothingToDo() {
    ManyToOneRingBuffer ring = ring(1024);
    assertFalse(ring.unblock());
    ring.write(1, new byte[8], 0, 8);
    assertFalse(ring.unblock(), "a committed record is not stuck");
    assertEquals(1, ring.read((t, b, i, l) -> { }));
  }

  @Test
  @Timeout(30)
  void concurrentProducers_everyMessageOnce_inOrderPerProducer() throws Exception {
    int producers = 3;
    int perProducer = 100_000;
    ManyToOneRingBuffer ring = ring(64 * 1024);
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int p = 0; p < producers; p++) {
      int id = p;
      Thread t = new Thread(() -> {
        byte[] msg = new byte[8 + id * 13];
        java.nio.ByteBuffer view = java.nio.ByteBuffer.wrap(msg);
        try {
          start.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int i = 0; i < perProducer; i++) {
          view.putLong(0, i);
          while (!ring.write(1 + id, msg, 0, msg.length)) {
            Thread.onSpinWait();
          }
        }
      }, "producer-" + p);
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
    long[] next = new long[producers];
    long total = (long) producers * perProducer;
    long received = 0;
    start.countDown();
    long[] errors = {0};
    while (received < total) {
      received += ring.read((type, buffer, index, length) -> {
        int id = type - 1;
        long seq = buffer.withOrder(java.nio.ByteOrder.BIG_ENDIAN).getLong(index);
        if (seq != next[id] || length != 8 + id * 13) {
          errors[0]++;
        }
        next[id] = seq + 1;
      }, 256);
    }
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(10));
    }
    assertEquals(0, errors[0]);
    for (int p = 0; p < producers; p++) {
      assertEquals(perProducer, next[p]);
    }
    assertEquals(0, ring.size());
  }
}
