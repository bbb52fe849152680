package io.perfkit.core.memory;

import static io.perfkit.core.memory.LogRecords.readAll;
import static io.perfkit.core.memory.LogRecords.record;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

final class MappedLogTest {
  static final int SEGMENT = 64 * 1024;

  @TempDir Path dir;

  private MappedLog open() throws IOException {
    return MappedLog.newBuilder(dir).segmentSize(SEGMENT).open();
  }

  private static List<Path> segmentFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.toString().endsWith(".seg")).sorted().toList();
    }
  }

  @Test
  void append_read_acrossSegments_inOrder() throws IOException {
    int n = 3000;
    List<Long> positions = new ArrayList<>();
    try (MappedLog log = open()) {
      for (int i = 0; i < n; i++) {
        positions.add(log.append(record(i, 200)));
      }
      assertTrue(segmentFiles(dir).size() > 3, "spans several segments");
      List<byte[]> all = readAll(log);
      assertEquals(n, all.size());
      for (int i = 0; i < n; i++) {
        assertArrayEquals(record(i, 200), all.get(i), "record " + i);
      }
      // A reader can start at any record position.
      try (MappedLog.Reader reader = log.reader(positions.get(1234))) {
        assertArrayEquals(record(1234, 200), reader.next());
        List<Long> seen = new ArrayList<>();
        assertEquals(10, reader.read((position, payload) -> {
          seen.add(position);
          assertTrue(payload.isReadOnly());
          byte[] copy = new byte[payload.remaining()];
          payload.get(copy);
          assertArrayEquals(record(1235 + seen.size() - 1, 200), copy);
        }, 10));
        assertEquals(positions.subList(1235, 1245), seen);
      }
    }
  }

  @Test
  void reopen_recoversEverything_andAppendsContinue() throws IOException {
    long end;
    try (MappedLog log = open()) {
      for (int i = 0; i < 1000; i++) {
        log.append(record(i, 100));
      }
      end = log.endPosition();
    }
    try (MappedLog log = open()) {
      LogRecovery recovery = log.recovery();
      assertEquals(1000, recovery.records());
      assertEquals(end, recovery.endPosition());
      assertFalse(recovery.truncated());
      long p = log.append(record(1000, 100));
      assertEquals(end, p);
    }
    List<byte[]> all = LogRecords.reopenAndReadAll(dir);
    assertEquals(1001, all.size());
    assertArrayEquals(record(1000, 100), all.get(1000));
  }

  @Test
  void recordFillingSegmentExactly_thenReaderAtEnd() throws IOException {
    try (MappedLog log = open()) {
      byte[] max = new byte[log.maxRecordLength()];
      max[0] = 1;
      long p0 = log.append(max);
      assertEquals(64, p0);
      assertEquals(SEGMENT, log.endPosition());
      MappedLog.Reader tail = log.reader(log.endPosition());
      assertNull(tail.next());
      long p1 = log.append(new byte[] {7});
      assertEquals(SEGMENT + 64, p1);
      assertArrayEquals(new byte[] {7}, tail.next());
      assertThrows(IllegalArgumentException.class, () -> log.append(new byte[max.length + 1]));
    }
    try (MappedLog log = open()) {
      assertEquals(2, log.recovery().records());
    }
  }

  @Test
  void variousSources_andEmptyRecords() throws IOException {
    try (MappedLog log = open()) {
      log.append(new byte[0]);
      log.append(new byte[] {1, 2, 3, 4, 5}, 1, 3);
      ByteBuffer direct = ByteBuffer.allocateDirect(16).put(new byte[] {9, 8, 7}).flip();
      log.append(direct);
      assertEquals(3, direct.position());
      List<byte[]> all = readAll(log);
      assertArrayEquals(new byte[0], all.get(0));
      assertArrayEquals(new byte[] {2, 3, 4}, all.get(1));
      assertArrayEquals(new byte[] {9, 8, 7}, all.get(2));
      assertThrows(IndexOutOfBoundsException.class, () -> log.append(new byte[2], 1, 2));
      assertThrows(NullPointerException.class, () -> log.append((byte[]) null));
      assertThrows(NullPointerException.class, () -> log.append((ByteBuffer) null));
    }
  }

  @Test
  void markProcessed_deletesOldSegments_andPersists() throws IOException {
    long mark;
    try (MappedLog log = open()) {
      List<Long> positions = new ArrayList<>();
      for (int i = 0; i < 2000; i++) {
        positions.add(log.append(record(i, 200)));
      }
      int before = segmentFiles(dir).size();
      mark = positions.get(1500);
      log.markProcessed(mark);
      assertTrue(segmentFiles(dir).size() < before);
      assertTrue(log.startPosition() <= mark);
      try (MappedLog.Reader reader = log.reader()) {
        assertArrayEquals(record(1500, 200), reader.next());
      }
      assertThrows(IllegalArgumentException.class, () -> log.markProcessed(mark - 8));
      assertThrows(IllegalArgumentException.class, () -> log.markProcessed(log.endPosition() + 8));
      assertThrows(IllegalArgumentException.class, () -> log.reader(0));
      log.force();
    }
    try (MappedLog log = open()) {
      assertEquals(mark, log.processedPosition());
      try (MappedLog.Reader reader = log.reader()) {
        assertArrayEquals(record(1500, 200), reader.next());
      }
      log.markProcessed(log.endPosition());
      assertEquals(1, segmentFiles(dir).size());
      try (MappedLog.Reader reader = log.reader()) {
        assertNull(reader.next());
      }
    }
  }

  @Test
  void forcePolicies_advanceDurablePosition() throws IOException {
    try (MappedLog log =
        MappedLog.newBuilder(dir).segmentSize(SEGMENT).forcePolicy(ForcePolicy.everyRecords(3))
            .open()) {
      log.append(new byte[10]);
      log.append(new byte[10]);
      assertTrue(log.durablePosition() < log.endPosition());
      log.append(new byte[10]);
      assertEquals(log.endPosition(), log.durablePosition());
    }
    AtomicLong now = new AtomicLong();
    Path other = dir.resolve("timed");
    try (MappedLog log = MappedLog.newBuilder(other).segmentSize(SEGMENT)
        .forcePolicy(ForcePolicy.every(Duration.ofMillis(10))).nanoClock(now::get).open()) {
      log.append(new byte[10]);
      assertTrue(log.durablePosition() < log.endPosition());
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(10));
      log.append(new byte[10]);
      assertEquals(log.endPosition(), log.durablePosition());
      log.append(new byte[10]);
      assertTrue(log.durablePosition() < log.endPosition());
      log.force();
      assertEquals(log.endPosition(), log.durablePosition());
    }
    assertThrows(IllegalArgumentException.class, () -> ForcePolicy.everyRecords(0));
    assertThrows(IllegalArgumentException.class, () -> ForcePolicy.every(Duration.ZERO));
    assertThrows(NullPointerException.class, () -> ForcePolicy.every(null));
  }

  @Test
  void concurrentReader_seesEveryRecordOnceInOrder() throws Exception {
    int n = 20_000;
    try (MappedLog log = open()) {
      MappedLog.Reader reader = log.reader();
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < n; i++) {
            log.append(record(i, 64));
          }
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      });
      writer.start();
      int[] next = {0};
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (next[0] < n && System.nanoTime() < deadline) {
        reader.read((position, payload) -> {
          byte[] copy = new byte[payload.remaining()];
          payload.get(copy);
          assertArrayEquals(record(next[0], 64), copy, "record " + next[0]);
          next[0]++;
        }, 100);
      }
      writer.join();
      assertEquals(n, next[0]);
      assertNull(reader.next());
    }
  }

  @Test
  void badInput_andLifecycle() throws IOException {
    MappedLog log = open();
    IOException twice = assertThrows(IOException.class, this::open);
    assertTrue(twice.getMessage().contains("already open"), twice.getMessage());
    MappedLog.Reader reader = log.reader();
    log.append(new byte[3]);
    log.close();
    log.close();
    assertTrue(log.isClosed());
    assertThrows(IllegalStateException.class, () -> log.append(new byte[1]));
    assertThrows(IllegalStateException.class, log::force);
    assertThrows(IllegalStateException.class, () -> log.markProcessed(0));
    assertThrows(IllegalStateException.class, log::reader);
    assertThrows(IllegalStateException.class, reader::next);
    Path file = dir.resolve("plain");
    Files.write(file, new byte[1]);
    assertThrows(IOException.class, () -> MappedLog.open(file));
    assertThrows(IllegalArgumentException.class,
        () -> MappedLog.newBuilder(dir).segmentSize(100_000));
    assertThrows(IllegalArgumentException.class, () -> MappedLog.newBuilder(dir).segmentSize(1024));
    assertThrows(NullPointerException.class, () -> MappedLog.newBuilder(null));
    try (MappedLog again = open()) {
      MappedLog.Reader r = again.reader();
      assertThrows(IllegalArgumentException.class, () -> r.read((p, b) -> { }, 0));
      r.close();
      assertThrows(IllegalStateException.class, r::next);
    }
  }

  @Test
  void damagedHeader_orMissingMiddleSegment_isAnIOException() throws IOException {
    try (MappedLog log = open()) {
      for (int i = 0; i < 2000; i++) {
        log.append(record(i, 200));
      }
    }
    List<Path> segments = segmentFiles(dir);
    try (RandomAccessFile file = new RandomAccessFile(segments.get(0).toFile(), "rw")) {
      file.seek(20);
      file.write(0x55);
    }
    IOException header = assertThrows(IOException.class, this::open);
    assertTrue(header.getMessage().contains("checksum"), header.getMessage());
    try (RandomAccessFile file = new RandomAccessFile(segments.get(0).toFile(), "rw")) {
      file.seek(20);
      file.write(0);
    }
    Files.delete(segments.get(1));
    IOException missing = assertThrows(IOException.class, this::open);
    assertTrue(missing.getMessage().contains("missing"), missing.getMessage());
    try (RandomAccessFile file = new RandomAccessFile(segments.get(0).toFile(), "rw")) {
      file.setLength(40);
    }
    IOException shortFile = assertThrows(IOException.class, this::open);
    assertTrue(shortFile.getMessage().contains("shorter than its 64-byte segment header"));
  }

  @Test
  void readerAtNonBoundary_failsClearly() throws IOException {
    try (MappedLog log = open()) {
      long p = log.append(new byte[40]);
      log.append(new byte[40]);
      MappedLog.Reader reader = log.reader(p + 8);
      IllegalStateException e = assertThrows(IllegalStateException.class, reader::next);
      assertTrue(e.getMessage().contains("no valid record at position " + (p + 8)));
    }
  }

  @Test
  @Timeout(60)
  void killedWriter_recoversEveryAppendedRecord() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process process = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        MappedLogWriterMain.class.getName(), dir.toString())
        .redirectErrorStream(true).start();
    long reported = 0;
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = out.readLine()) != null) {
        if (line.startsWith("appended ")) {
          reported = Long.parseLong(line.substring(9));
          if (reported >= 5000) {
            break;
          }
        }
      }
    } finally {
      process.destroyForcibly();
      assertTrue(process.waitFor(20, TimeUnit.SECONDS));
    }
    assertTrue(reported >= 5000, "child reported " + reported);
    try (MappedLog log = open()) {
      List<byte[]> all = readAll(log);
      assertTrue(all.size() >= reported, all.size() + " < " + reported);
      for (int i = 0; i < all.size(); i++) {
        assertArrayEquals(record(i, 300), all.get(i), "record " + i);
      }
      assertEquals(all.size(), log.recovery().records());
      long p = log.append(new byte[] {1});
      assertEquals(p, log.recovery().endPosition());
    }
  }
}
