package io.perfkit.pool.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

final class BatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  private static final Duration HOUR = Duration.ofHours(1);

  /** Records every batch; lets a test wait for the n-th. */
  static final class Recorder<T> implements BatchProcessor<T> {
    final BlockingQueue<List<T>> batches = new LinkedBlockingQueue<>();

    @Override
    public void process(List<T> batch) {
      batches.add(batch);
    }

    List<T> next() throws InterruptedException {
      List<T> batch = batches.poll(10, TimeUnit.SECONDS);
      if (batch == null) {
        throw new AssertionError("no batch within 10 s");
      }
      return batch;
    }
  }

  @Test
  void adaptive_singleItemIsProcessedAlone() throws Exception {
    Recorder<Integer> recorder = new Recorder<>();
    try (Batcher<Integer> batcher = Batcher.<Integer>newBuilder().build(recorder)) {
      assertTrue(batcher.offer(1));
      assertEquals(List.of(1), recorder.next());
      assertTrue(batcher.offer(2));
      assertEquals(List.of(2), recorder.next());
    }
  }

  @Test
  void adaptive_batchIsWhatAccumulatedWhileBusy() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch firstStarted = new CountDownLatch(1);
    List<List<Integer>> batches = new CopyOnWriteArrayList<>();
    try (Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(100)
        .build(batch -> {
          batches.add(batch);
          firstStarted.countDown();
          release.await();
        })) {
      batcher.put(0);
      assertTrue(firstStarted.await(10, TimeUnit.SECONDS));
      for (int i = 1; i <= 50; i++) {
        batcher.put(i);
      }
      release.countDown();
      assertTrue(batcher.flush(WAIT));
    }
    assertEquals(List.of(0), batches.get(0));
    List<Integer> rest = new ArrayList<>();
    for (int i = 1; i < batches.size(); i++) {
      rest.addAll(batches.get(i));
    }
    assertEquals(50, rest.size());
    assertEquals(50, (int) rest.get(49));
    assertEquals(2, batches.size(), "everything queued while busy forms one batch: " + batches);
  }

  @Test
  void sizeTrigger_flushesFullBatchesOnlyWhileLingerNotElapsed() throws Exception {
    AtomicLong time = new AtomicLong();
    Recorder<Integer> recorder = new Recorder<>();
    try (Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(10).lingerTime(HOUR).ticker(time::get).build(recorder)) {
      for (int i = 0; i < 25; i++) {
        batcher.put(i);
      }
      assertEquals(10, recorder.next().size());
      assertEquals(10, recorder.next().size());
      waitUntil(() -> batcher.engine().drainedForTest() == 25 && batcher.stats().processed() == 20);
      batcher.engine().wakeForTest();
      assertTrue(recorder.batches.poll(20, TimeUnit.MILLISECONDS) == null, "no linger flush yet");
      time.addAndGet(HOUR.toNanos());
      batcher.engine().wakeForTest();
      assertEquals(List.of(20, 21, 22, 23, 24), recorder.next());
    }
  }

  @Test
  void lingerTrigger_firesExactlyAtLingerOnFakeTime() throws Exception {
    AtomicLong time = new AtomicLong(1_000);
    Recorder<String> recorder = new Recorder<>();
    try (Batcher<String> batcher = Batcher.<String>newBuilder()
        .maxBatchSize(1000).lingerTime(Duration.ofMillis(5)).ticker(time::get).build(recorder)) {
      batcher.put("a");
      batcher.put("b");
      // the consumer stamps the batch at its fake "now" when it drains it; let it see the items
      waitUntil(() -> batcher.engine().drainedForTest() == 2);
      time.addAndGet(Duration.ofMillis(5).toNanos() - 1);
      batcher.engine().wakeForTest();
      assertTrue(recorder.batches.poll(50, TimeUnit.MILLISECONDS) == null, "linger not reached");
      time.addAndGet(1);
      batcher.engine().wakeForTest();
      assertEquals(List.of("a", "b"), recorder.next());
    }
  }

  @Test
  void flush_processesEverythingAcceptedBeforeTheCall() throws Exception {
    Recorder<Integer> recorder = new Recorder<>();
    try (Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(1000).lingerTime(HOUR).ticker(() -> 0L).build(recorder)) {
      for (int i = 0; i < 7; i++) {
        batcher.put(i);
      }
      assertTrue(batcher.flush(WAIT));
      assertEquals(7, batcher.stats().processed());
      assertEquals(List.of(0, 1, 2, 3, 4, 5, 6), recorder.next());
      assertTrue(batcher.flush(WAIT), "an empty flush completes too");
    }
  }

  @Test
  void close_flushesAcceptedItemsIgnoringLinger() throws Exception {
    Recorder<Integer> recorder = new Recorder<>();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(4).lingerTime(HOUR).ticker(() -> 0L).build(recorder);
    for (int i = 0; i < 10; i++) {
      batcher.put(i);
    }
    CloseReport<Integer> report = batcher.close(WAIT);
    assertTrue(report.completed());
    assertEquals(List.of(), report.unprocessed());
    assertEquals(10, batcher.stats().processed());
    assertEquals(List.of(0, 1, 2, 3), recorder.next());
    assertEquals(List.of(4, 5, 6, 7), recorder.next());
    assertEquals(List.of(8, 9), recorder.next());
    assertTrue(batcher.close(WAIT) == report, "close is idempotent");
  }

  @Test
  void close_timeoutReturnsWhatCouldNotBeProcessed() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<Integer> processed = new CopyOnWriteArrayList<>();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(1)
        .build(batch -> {
          started.countDown();
          release.await();
          processed.addAll(batch);
        });
    for (int i = 0; i < 10; i++) {
      batcher.put(i);
    }
    assertTrue(started.await(10, TimeUnit.SECONDS));
    CloseReport<Integer> report = batcher.close(Duration.ofMillis(20));
    release.countDown();
    assertFalse(report.completed());
    assertEquals(1, report.inFlight());
    assertEquals(List.of(1, 2, 3, 4, 5, 6, 7, 8, 9), report.unprocessed());
    waitUntil(() -> batcher.stats().processed() == 1);
    assertEquals(List.of(0), processed);
  }

  @Test
  void failFast_rejectsWhenFullAndCounts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .capacity(2).maxBatchSize(1).backpressure(BackpressurePolicy.FAIL_FAST)
        .build(batch -> {
          started.countDown();
          release.await();
        });
    batcher.put(0);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    assertTrue(batcher.offer(1));
    assertTrue(batcher.offer(2));
    assertFalse(batcher.offer(3));
    assertThrows(RejectedExecutionException.class, () -> batcher.put(4));
    assertEquals(2, batcher.stats().rejected());
    assertEquals(3, batcher.stats().accepted());
    release.countDown();
    assertTrue(batcher.close(WAIT).completed());
    assertEquals(3, batcher.stats().processed());
  }

  @Test
  void drop_countsAndReportsEveryDroppedItem() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    List<Integer> dropped = new CopyOnWriteArrayList<>();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .capacity(2).maxBatchSize(1).backpressure(BackpressurePolicy.DROP)
        .dropListener(dropped::add)
        .build(batch -> {
          started.countDown();
          release.await();
        });
    batcher.put(0);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    batcher.offer(1);
    batcher.offer(2);
    assertFalse(batcher.offer(3));
    assertFalse(batcher.offer(4));
    assertEquals(List.of(3, 4), dropped);
    assertEquals(2, batcher.stats().dropped());
    release.countDown();
    batcher.close(WAIT);
  }

  @Test
  void block_timesOutOnFakeTimeAndRejects() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    AtomicLong time = new AtomicLong();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .capacity(2).maxBatchSize(1).offerTimeout(Duration.ofSeconds(1)).ticker(time::get)
        .build(batch -> {
          started.countDown();
          release.await();
        });
    batcher.put(0);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    batcher.put(1);
    batcher.put(2);
    Thread mover = new Thread(() -> {
      while (batcher.stats().rejected() == 0) {
        time.addAndGet(Duration.ofMillis(100).toNanos());
        Thread.onSpinWait();
      }
    });
    mover.start();
    assertFalse(batcher.offer(3));
    mover.join();
    assertEquals(1, batcher.stats().rejected());
    release.countDown();
    assertTrue(batcher.close(WAIT).completed());
  }

  @Test
  void block_waitsForRoomThenAccepts() throws Exception {
    AtomicInteger seen = new AtomicInteger();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .capacity(2).maxBatchSize(1).build(batch -> seen.addAndGet(batch.size()));
    for (int i = 0; i < 1000; i++) {
      batcher.put(i);
    }
    assertTrue(batcher.close(WAIT).completed());
    assertEquals(1000, seen.get());
    assertEquals(0, batcher.stats().rejected());
  }

  @Test
  void retries_thenSucceed() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    List<Integer> done = new CopyOnWriteArrayList<>();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxRetries(3).retryBackoff(Duration.ZERO, Duration.ZERO)
        .build(batch -> {
          if (calls.incrementAndGet() <= 2) {
            throw new IllegalStateException("transient");
          }
          done.addAll(batch);
        });
    batcher.put(42);
    assertTrue(batcher.close(WAIT).completed());
    assertEquals(List.of(42), done);
    assertEquals(2, batcher.stats().retries());
    assertEquals(0, batcher.stats().deadLettered());
  }

  @Test
  void retries_exhaustedGoToDeadLetterHandlerWithCause() throws Exception {
    List<Integer> dead = new CopyOnWriteArrayList<>();
    List<Throwable> causes = new CopyOnWriteArrayList<>();
    AtomicInteger calls = new AtomicInteger();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxRetries(2).retryBackoff(Duration.ofNanos(1), Duration.ofNanos(4))
        .deadLetterHandler((batch, cause) -> {
          dead.addAll(batch);
          causes.add(cause);
        })
        .build(batch -> {
          calls.incrementAndGet();
          throw new java.io.IOException("down");
        });
    batcher.put(7);
    assertTrue(batcher.close(WAIT).completed());
    assertEquals(List.of(7), dead);
    assertEquals("down", causes.get(0).getMessage());
    assertEquals(3, calls.get());
    assertEquals(2, batcher.stats().retries());
    assertEquals(1, batcher.stats().deadLettered());
  }

  @Test
  void deadLetters_withoutHandlerAreReturnedByClose() throws Exception {
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxRetries(0)
        .build(batch -> {
          throw new IllegalStateException("always");
        });
    batcher.put(1);
    batcher.put(2);
    CloseReport<Integer> report = batcher.close(WAIT);
    List<Integer> failed = new ArrayList<>(report.failed());
    Collections.sort(failed);
    assertEquals(List.of(1, 2), failed);
  }

  @Test
  void deadLetterHandlerThatThrows_keepsItems() throws Exception {
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxRetries(0)
        .deadLetterHandler((batch, cause) -> {
          throw new IllegalStateException("handler broken");
        })
        .build(batch -> {
          throw new IllegalStateException("always");
        });
    batcher.put(1);
    assertEquals(List.of(1), batcher.close(WAIT).failed());
  }

  @Test
  void keyed_batchesHoldOneKeyEach() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    AtomicInteger items = new AtomicInteger();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(8)
        .buildKeyed(i -> i % 3, (Integer key, List<Integer> batch) -> {
          for (int item : batch) {
            if (item % 3 != key) {
              seen.add("item " + item + " in batch of key " + key);
            }
          }
          items.addAndGet(batch.size());
        });
    for (int i = 0; i < 3000; i++) {
      batcher.put(i);
    }
    assertTrue(batcher.close(WAIT).completed());
    assertEquals(List.of(), seen);
    assertEquals(3000, items.get());
  }

  @Test
  void executor_runsTheConsumerLoop() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      Recorder<Integer> recorder = new Recorder<>();
      Batcher<Integer> batcher = Batcher.<Integer>newBuilder().executor(executor).build(recorder);
      batcher.put(5);
      assertEquals(List.of(5), recorder.next());
      assertTrue(batcher.close(WAIT).completed());
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void ownedThread_isNamedAndDaemon() throws Exception {
    AtomicInteger daemon = new AtomicInteger();
    List<String> names = new CopyOnWriteArrayList<>();
    try (Batcher<Integer> batcher = Batcher.<Integer>newBuilder().name("orders")
        .build(batch -> {
          names.add(Thread.currentThread().getName());
          daemon.set(Thread.currentThread().isDaemon() ? 1 : 2);
        })) {
      batcher.put(1);
      assertTrue(batcher.flush(WAIT));
    }
    assertEquals(List.of("perfkit-batcher-orders"), names);
    assertEquals(1, daemon.get());
  }

  @Test
  void useAfterClose_throws() throws Exception {
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder().build(batch -> { });
    batcher.close(WAIT);
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> batcher.offer(1));
    assertTrue(e.getMessage().contains("closed"), e.getMessage());
    assertThrows(IllegalStateException.class, () -> batcher.flush(WAIT));
    assertTrue(batcher.isClosed());
  }

  @Test
  void badInput_isRejectedWithTheValue() {
    BatcherBuilder<Integer> b = Batcher.newBuilder();
    assertEquals("maxBatchSize: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> b.maxBatchSize(0)).getMessage());
    assertEquals("maxRetries: -1 (expected: >= 0)",
        assertThrows(IllegalArgumentException.class, () -> b.maxRetries(-1)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class,
        () -> b.lingerTime(Duration.ofMillis(-1))).getMessage().startsWith("lingerTime: PT-0.001S"));
    assertThrows(IllegalArgumentException.class, () -> b.capacity(1));
    assertThrows(IllegalArgumentException.class,
        () -> b.retryBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    assertThrows(NullPointerException.class, () -> b.lingerTime(null));
    assertThrows(NullPointerException.class, () -> b.build(null));
    b.maxBatchSize(4);
    assertThrows(IllegalStateException.class, () -> b.maxBatchSize(5));
    b.daemon(false);
    assertThrows(IllegalStateException.class, () -> b.executor(Runnable::run));
  }

  @Test
  void metrics_latencyRateAndBatchSizes() throws Exception {
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder().maxBatchSize(8).recordLatency(true)
        .build(batch -> { });
    for (int i = 0; i < 100; i++) {
      batcher.put(i);
    }
    assertTrue(batcher.close(WAIT).completed());
    BatcherStats stats = batcher.stats();
    assertEquals(100, stats.latency().count());
    assertTrue(stats.latency().max() > 0);
    assertEquals(100, stats.processedRate().count());
    long batches = 0;
    long[] buckets = stats.batchSizeLog2Counts();
    for (long b : buckets) {
      batches += b;
    }
    assertEquals(stats.batches(), batches);
    assertEquals(0, buckets[4], "no batch of 16 or more with maxBatchSize 8");
    assertEquals(0, Batcher.<Integer>newBuilder().build(b -> { }).stats().latency().count());
  }

  @Test
  void nullItem_throwsNpe() throws Exception {
    try (Batcher<Integer> batcher = Batcher.<Integer>newBuilder().build(batch -> { })) {
      assertThrows(NullPointerException.class, () -> batcher.offer(null));
    }
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not reached within 10 s");
      }
      Thread.sleep(1);
    }
  }
}
