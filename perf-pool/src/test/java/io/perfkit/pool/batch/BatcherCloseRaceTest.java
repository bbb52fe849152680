package io.perfkit.pool.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Pins the interleaving behind the lost batch of {@code BatcherStressTest}: close() expires while a
 * batch is in the processor; the processor then fails, so the abandoned consumer dead-letters the
 * batch while the closer's side reads the stats. The stats must never account for an item that is
 * neither in the handler's hands, processed, nor in the close report.
 */
final class BatcherCloseRaceTest {

  @Test
  void inFlightBatchFailingAfterExpiredClose_isCountedOnlyOnceTheHandlerHasIt() throws Exception {
    CountDownLatch processorEntered = new CountDownLatch(1);
    CountDownLatch processorRelease = new CountDownLatch(1);
    CountDownLatch handlerEntered = new CountDownLatch(1);
    CountDownLatch handlerRelease = new CountDownLatch(1);
    ConcurrentLinkedQueue<Integer> dead = new ConcurrentLinkedQueue<>();
    AtomicReference<Runnable> consumerTask = new AtomicReference<>();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(4)
        .capacity(16)
        .maxRetries(0)
        .executor(consumerTask::set) // the consumer starts when the test says so
        .deadLetterHandler((batch, cause) -> {
          handlerEntered.countDown();
          awaitQuietly(handlerRelease);
          dead.addAll(batch);
        })
        .build(batch -> {
          processorEntered.countDown();
          awaitQuietly(processorRelease);
          throw new IllegalStateException("injected after close expired");
        });
    for (int i = 0; i < 6; i++) {
      batcher.put(i);
    }
    Thread consumer = new Thread(consumerTask.get(), "close-race-consumer");
    consumer.start();
    assertTrue(processorEntered.await(10, TimeUnit.SECONDS));

    // close expires with items 0..3 in the processor and 4, 5 still in the intake
    CloseReport<Integer> report = batcher.close(Duration.ZERO);
    assertFalse(report.completed());
    assertEquals(4, report.inFlight());
    assertEquals(List.of(4, 5), report.unprocessed());
    assertEquals(List.of(), report.failed());

    processorRelease.countDown(); // the in-flight batch fails on the abandoned consumer
    assertTrue(handlerEntered.await(10, TimeUnit.SECONDS));
    // the handler has not taken the batch yet: nothing may count it as dead-lettered
    BatcherStats during = batcher.stats();
    assertEquals(0, during.deadLettered(), during.toString());
    assertEquals(0, during.processed());
    assertTrue(dead.isEmpty());

    handlerRelease.countDown();
    // the stress test's wait: once the counters cover every accepted item, every item is findable
    BatcherTest.waitUntil(() -> {
      BatcherStats s = batcher.stats();
      return s.processed() + s.deadLettered() + report.unprocessed().size() >= s.accepted();
    });
    List<Integer> all = new ArrayList<>(dead);
    all.addAll(report.unprocessed());
    all.addAll(report.failed());
    Set<Integer> seen = new HashSet<>(all);
    assertEquals(all.size(), seen.size(), "item seen twice: " + all);
    assertEquals(Set.of(0, 1, 2, 3, 4, 5), seen);
    assertEquals(4, batcher.stats().deadLettered());
    consumer.join(TimeUnit.SECONDS.toMillis(10));
    assertFalse(consumer.isAlive());
  }

  @Test
  void inFlightBatchFailingAfterExpiredClose_withoutHandler_isLoggedNotSilentlyKept()
      throws Exception {
    CountDownLatch processorEntered = new CountDownLatch(1);
    CountDownLatch processorRelease = new CountDownLatch(1);
    AtomicReference<Runnable> consumerTask = new AtomicReference<>();
    BlockingQueue<String> warnings = new LinkedBlockingQueue<>();
    Batcher<Integer> batcher = Batcher.<Integer>newBuilder()
        .name("late-failure")
        .maxBatchSize(4)
        .maxRetries(0)
        .executor(consumerTask::set)
        .build(batch -> {
          processorEntered.countDown();
          awaitQuietly(processorRelease);
          throw new IllegalStateException("injected after close expired");
        });
    batcher.engine().lateFailureLogForTest(warnings::add); // System.Logger in production
    for (int i = 0; i < 4; i++) {
      batcher.put(i);
    }
    Thread consumer = new Thread(consumerTask.get(), "close-race-consumer");
    consumer.start();
    assertTrue(processorEntered.await(10, TimeUnit.SECONDS));
    CloseReport<Integer> report = batcher.close(Duration.ZERO);
    assertEquals(4, report.inFlight());
    assertEquals(List.of(), report.failed()); // still running when the report was built

    processorRelease.countDown();
    String warning = warnings.poll(10, TimeUnit.SECONDS);
    assertTrue(warning != null, "the late failure must be reported");
    assertTrue(warning.contains("'late-failure'") && warning.contains("4 item(s)")
        && warning.contains("[0, 1, 2, 3]"), warning);
    consumer.join(TimeUnit.SECONDS.toMillis(10));
    assertEquals(4, batcher.stats().deadLettered());
    assertEquals(List.of(), batcher.close(Duration.ZERO).failed(), "close stays idempotent");
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("latch not released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
