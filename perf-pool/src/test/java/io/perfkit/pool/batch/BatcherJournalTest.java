package io.perfkit.pool.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.core.memory.MappedLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class BatcherJournalTest {
  static final ItemSerializer<Long> LONGS = new ItemSerializer<>() {
    @Override
    public byte[] serialize(Long item) {
      return ByteBuffer.allocate(8).putLong(item).array();
    }

    @Override
    public Long deserialize(byte[] bytes) {
      return ByteBuffer.wrap(bytes).getLong();
    }
  };

  static MappedLog openLog(Path dir) throws IOException {
    return MappedLog.newBuilder(dir).segmentSize(1 << 20).open();
  }

  @Test
  void finishedItemWithNothingPending_isNotReplayed(@TempDir Path dir) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (MappedLog log = openLog(dir)) {
      long initialMark = log.processedPosition();
      Batcher<Long> batcher = Batcher.<Long>newBuilder().maxBatchSize(1).journal(log, LONGS)
          .build(batch -> {
            if (batch.get(0) >= 1) {
              started.countDown();
              never.await(); // the "crash": item 1 never completes
            }
          });
      batcher.put(0L);
      // Item 0 is the only journaled item: once its batch is done, the mark must pass its end.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (log.processedPosition() == initialMark && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      assertTrue(log.processedPosition() > initialMark, "item 0 was never marked done");
      batcher.put(1L);
      assertTrue(started.await(10, TimeUnit.SECONDS));
      assertFalse(batcher.close(Duration.ofMillis(10)).completed());
      never.countDown();
    }
    List<Long> replayed = new CopyOnWriteArrayList<>();
    try (MappedLog log = openLog(dir)) {
      Batcher<Long> batcher = Batcher.<Long>newBuilder().journal(log, LONGS).build(replayed::addAll);
      assertTrue(batcher.close(Duration.ofSeconds(10)).completed());
    }
    // item 1 may have been marked when it finished after close gave up (at-least-once)
    assertTrue(replayed.equals(List.of(1L)) || replayed.isEmpty(), replayed.toString());
  }

  @Test
  void unprocessedItemsAreReplayedAfterRestart(@TempDir Path dir) throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (MappedLog log = openLog(dir)) {
      Batcher<Long> batcher = Batcher.<Long>newBuilder().maxBatchSize(1).journal(log, LONGS)
          .build(batch -> {
            if (batch.get(0) >= 3) {
              started.countDown();
              never.await(); // the "crash": items 3.. never complete
            }
          });
      for (long i = 0; i < 10; i++) {
        batcher.put(i);
      }
      assertTrue(started.await(10, TimeUnit.SECONDS));
      CloseReport<Long> report = batcher.close(Duration.ofMillis(10));
      assertFalse(report.completed());
      never.countDown();
    }
    List<Long> replayed = new CopyOnWriteArrayList<>();
    try (MappedLog log = openLog(dir)) {
      Batcher<Long> batcher = Batcher.<Long>newBuilder().journal(log, LONGS)
          .build(replayed::addAll);
      assertTrue(batcher.close(Duration.ofSeconds(10)).completed());
    }
    // item 3 may or may not have been marked: it finished after close gave up (at-least-once)
    assertTrue(replayed.equals(List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L))
        || replayed.equals(List.of(4L, 5L, 6L, 7L, 8L, 9L)), replayed.toString());
    try (MappedLog log = openLog(dir)) {
      List<Long> again = new CopyOnWriteArrayList<>();
      Batcher<Long> batcher = Batcher.<Long>newBuilder().journal(log, LONGS).build(again::addAll);
      batcher.close(Duration.ofSeconds(10));
      assertEquals(List.of(), again, "a completed close marks everything done");
    }
  }

  @Test
  void rejectedItemsAreNotJournaled(@TempDir Path dir) throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (MappedLog log = openLog(dir)) {
      Batcher<Long> batcher = Batcher.<Long>newBuilder().capacity(2).maxBatchSize(1)
          .backpressure(BackpressurePolicy.FAIL_FAST).journal(log, LONGS)
          .build(batch -> {
            started.countDown();
            release.await();
          });
      batcher.put(0L);
      assertTrue(started.await(10, TimeUnit.SECONDS));
      batcher.put(1L);
      batcher.put(2L);
      assertFalse(batcher.offer(3L));
      CloseReport<Long> report = batcher.close(Duration.ofMillis(1));
      assertEquals(List.of(1L, 2L), report.unprocessed());
      release.countDown();
    }
    List<Long> replayed = new CopyOnWriteArrayList<>();
    try (MappedLog log = openLog(dir)) {
      Batcher.<Long>newBuilder().journal(log, LONGS).build(replayed::addAll)
          .close(Duration.ofSeconds(10));
    }
    assertFalse(replayed.contains(3L), "rejected item invented on replay: " + replayed);
    assertTrue(replayed.containsAll(List.of(1L, 2L)), replayed.toString());
  }

  @Test
  void journal_notSupportedForKeyedOrCoalescing(@TempDir Path dir) throws Exception {
    try (MappedLog log = openLog(dir)) {
      assertThrows(IllegalStateException.class, () -> Batcher.<Long>newBuilder().journal(log, LONGS)
          .buildKeyed(x -> x % 2, (k, b) -> { }));
      assertThrows(IllegalStateException.class, () -> Batcher.<Long>newBuilder().journal(log, LONGS)
          .buildCoalescing(b -> b));
    }
  }

  /**
   * Kills a producer JVM with SIGKILL mid-stream and restarts: every acknowledged item is processed
   * at least once (before the crash or on replay), and nothing is processed that was not offered.
   */
  @Test
  void killedProducerJvm_everyAckedItemProcessedAtLeastOnce(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("journal"));
    Path processedFile = tmp.resolve("processed.txt");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        JournalChild.class.getName(), dir.toString(), processedFile.toString())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
    long maxAcked = -1;
    try (BufferedReader acks = new BufferedReader(
        new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
      String line;
      boolean killed = false;
      while ((line = acks.readLine()) != null) { // after the kill: the acks still in the pipe
        if (line.startsWith("ack ")) {
          maxAcked = Long.parseLong(line.substring(4));
          if (maxAcked >= 3000 && !killed) {
            child.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroy* keeps our pipe
            killed = true;
          }
        }
      }
      child.waitFor(30, TimeUnit.SECONDS);
    }
    assertTrue(maxAcked >= 3000, "child acknowledged " + maxAcked);

    Set<Long> processed = new HashSet<>();
    for (String id : Files.readAllLines(processedFile, StandardCharsets.US_ASCII)) {
      if (!id.isEmpty()) {
        processed.add(Long.parseLong(id));
      }
    }
    int beforeCrash = processed.size();
    List<Long> replayed = new ArrayList<>();
    try (MappedLog log = openLog(dir)) {
      Batcher<Long> batcher = Batcher.<Long>newBuilder().journal(log, LONGS)
          .build(batch -> {
            synchronized (replayed) {
              replayed.addAll(batch);
            }
          });
      assertTrue(batcher.close(Duration.ofSeconds(30)).completed());
    }
    processed.addAll(replayed);
    for (long id = 0; id <= maxAcked; id++) {
      assertTrue(processed.contains(id), "acknowledged item " + id + " never processed");
    }
    for (long id : processed) {
      assertTrue(id >= 0 && id <= maxAcked + 1, "invented item " + id);
    }
    assertTrue(replayed.size() > 0 || beforeCrash > maxAcked, "nothing was left to replay");
  }
}
