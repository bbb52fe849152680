package io.perfkit.core.ipc;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MappedFile;
import io.perfkit.core.memory.MemoryBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class CountersManagerTest {

  record Row(int id, int type, String label, long value) {}

  static List<Row> list(CountersReader reader) {
    List<Row> rows = new ArrayList<>();
    reader.forEach((id, type, label, value) -> rows.add(new Row(id, type, label, value)));
    return rows;
  }

  @Test
  void allocate_update_list_free_reuse() {
    MemoryBuffer buffer = MemoryBuffer.allocateDirect(CountersDescriptor.requiredLength(4));
    CountersManager manager = new CountersManager(buffer);
    assertEquals(4, manager.maxCounters());
    SharedCounter a = manager.allocate("requests");
    SharedCounter b = manager.allocate("errors: ünïcode", 7, new byte[] {1, 2, 3});
    a.increment();
    a.getAndAdd(41);
    b.set(-5);
    assertEquals(42, a.get());
    assertEquals(List.of(new Row(0, 0, "requests", 42), new Row(1, 7, "errors: ünïcode", -5)),
        list(manager));
    assertEquals(2, manager.allocatedCount());
    assertArrayEquals(new byte[] {1, 2, 3}, Arrays.copyOf(manager.counterKey(1), 3));
    assertEquals(-5, manager.counterValue(1));
    a.close();
    a.close(); // idempotent
    assertThrows(IllegalStateException.class, a::get);
    assertThrows(IllegalStateException.class, () -> manager.free(0)); // double free
    assertEquals(CountersDescriptor.RECORD_RECLAIMED, manager.counterState(0));
    assertNull(manager.counterLabel(0));
    assertNull(manager.counterKey(0));
    SharedCounter c = manager.allocate("reused");
    assertEquals(0, c.id());
    assertEquals(0, c.get(), "value reset on reuse");
    assertEquals("reused", manager.counterLabel(0));
    manager.allocate("x");
    manager.allocate("y");
    IllegalStateException full =
        assertThrows(IllegalStateException.class, () -> manager.allocate("z"));
    assertEquals("all 4 counters are allocated", full.getMessage());
  }

  @Test
  void badInput() {
    CountersManager manager =
        new CountersManager(MemoryBuffer.allocateDirect(CountersDescriptor.requiredLength(2)));
    assertThrows(NullPointerException.class, () -> manager.allocate(null));
    assertThrows(IllegalArgumentException.class, () -> manager.allocate("x".repeat(381)));
    assertThrows(IllegalArgumentException.class, () -> manager.allocate("k", 1, new byte[113]));
    assertThrows(IllegalArgumentException.class, () -> manager.counterValue(2));
    assertThrows(IllegalArgumentException.class, () -> manager.free(-1));
    assertThrows(IllegalArgumentException.class, () -> CountersDescriptor.requiredLength(0));
    assertThrows(IllegalArgumentException.class,
        () -> new CountersManager(MemoryBuffer.allocateDirect(100)));
    MemoryBuffer junk = MemoryBuffer.allocateDirect(4096);
    junk.putLong(0, 12345);
    assertThrows(IllegalArgumentException.class, () -> new CountersManager(junk));
    assertThrows(IllegalArgumentException.class, () -> new CountersReader(junk));
    assertThrows(IllegalArgumentException.class,
        () -> new CountersReader(MemoryBuffer.allocateDirect(4096)));
    MemoryBuffer lying = MemoryBuffer.allocateDirect(CountersDescriptor.requiredLength(2));
    new CountersManager(lying);
    lying.putInt(12, 1000); // claims more counters than fit
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new CountersReader(lying));
    assertTrue(e.getMessage().contains("claims 1000 counters"), e.getMessage());
  }

  @Test
  void readerInAnotherMapping_seesLiveCounters_andRestartFreesOldOnes(@TempDir Path dir)
      throws Exception {
    Path path = dir.resolve("counters");
    try (MappedFile file = MappedFile.create(path, CountersDescriptor.requiredLength(8));
        MappedFile view = MappedFile.open(path, MappedFile.Mode.READ_ONLY)) {
      CountersManager manager = new CountersManager(file.region(0, (int) file.size()));
      CountersReader reader = new CountersReader(view.region(0, (int) view.size()));
      SharedCounter c = manager.allocate("bytes.in");
      c.getAndAdd(1000);
      assertEquals(List.of(new Row(0, 0, "bytes.in", 1000)), list(reader));
    }
    try (MappedFile file = MappedFile.open(path, MappedFile.Mode.READ_WRITE)) {
      CountersManager restarted = new CountersManager(file.region(0, (int) file.size()));
      assertEquals(List.of(), list(restarted));
      assertEquals(0, restarted.allocate("again").id());
    }
  }

  @Test
  void concurrentReader_neverSeesTornRecords() throws Exception {
    CountersManager manager =
        new CountersManager(MemoryBuffer.allocateDirect(CountersDescriptor.requiredLength(4)));
    MemoryBuffer shared = manager.buffer;
    CountersReader reader = new CountersReader(shared);
    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong torn = new AtomicLong();
    AtomicLong seen = new AtomicLong();
    Thread readerThread = new Thread(() -> {
      while (!stop.get()) {
        reader.forEach((id, type, label, value) -> {
          seen.incrementAndGet();
          // Labels are "n:" + type repeated to a length that depends on the type.
          String expected = ("n" + type + ":").repeat(1 + type % 50);
          if (!label.equals(expected)) {
            torn.incrementAndGet();
          }
        });
      }
    });
    readerThread.start();
    for (int i = 0; i < 100_000; i++) {
      int type = i % 1000;
      SharedCounter c = manager.allocate(("n" + type + ":").repeat(1 + type % 50), type,
          new byte[0]);
      c.close();
    }
    stop.set(true);
    readerThread.join();
    assertEquals(0, torn.get());
  }
}
