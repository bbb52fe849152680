package io.perfkit.pool.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class CoalescingBatcherTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static CoalescingProcessor<Integer, String> doubler() {
    return requests -> {
      List<String> out = new ArrayList<>();
      for (int r : requests) {
        out.add("v" + (2 * r));
      }
      return out;
    };
  }

  @Test
  void submit_eachCallerGetsItsOwnResult() throws Exception {
    try (CoalescingBatcher<Integer, String> batcher =
        Batcher.<Integer>newBuilder().maxBatchSize(16).buildCoalescing(doubler())) {
      List<CompletableFuture<String>> futures = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        futures.add(batcher.submit(i));
      }
      for (int i = 0; i < 100; i++) {
        assertEquals("v" + (2 * i), futures.get(i).get(10, TimeUnit.SECONDS));
      }
    }
  }

  @Test
  void concurrentCallers_everyFutureCompletesOnceWithItsValue() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    CoalescingBatcher<Integer, String> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(64)
        .buildCoalescing(requests -> {
          calls.incrementAndGet();
          return doubler().process(requests);
        });
    int threads = 3;
    int perThread = 20_000;
    List<List<CompletableFuture<String>>> all = new ArrayList<>();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      List<CompletableFuture<String>> mine = new ArrayList<>();
      all.add(mine);
      int base = t * perThread;
      Thread w = new Thread(() -> {
        for (int i = 0; i < perThread; i++) {
          mine.add(batcher.submit(base + i));
        }
      });
      workers.add(w);
      w.start();
    }
    for (Thread w : workers) {
      w.join();
    }
    assertTrue(batcher.close(WAIT).completed());
    for (int t = 0; t < threads; t++) {
      for (int i = 0; i < perThread; i++) {
        assertEquals("v" + 2 * (t * perThread + i), all.get(t).get(i).getNow("not done"));
      }
    }
    assertEquals(threads * perThread, batcher.stats().processed());
    assertTrue(calls.get() <= threads * perThread);
  }

  @Test
  void processorFailure_failsEveryCallerOfTheBatchAfterRetries() throws Exception {
    List<Integer> dead = new ArrayList<>();
    CountDownLatch go = new CountDownLatch(1);
    CoalescingBatcher<Integer, String> batcher = Batcher.<Integer>newBuilder()
        .maxRetries(1).retryBackoff(Duration.ZERO, Duration.ZERO)
        .deadLetterHandler((batch, cause) -> dead.addAll(batch))
        .buildCoalescing(requests -> {
          go.await();
          throw new java.io.IOException("backend down");
        });
    CompletableFuture<String> a = batcher.submit(1);
    CompletableFuture<String> b = batcher.submit(2);
    go.countDown();
    ExecutionException ea = assertThrows(ExecutionException.class, () -> a.get(10, TimeUnit.SECONDS));
    ExecutionException eb = assertThrows(ExecutionException.class, () -> b.get(10, TimeUnit.SECONDS));
    assertEquals("backend down", ea.getCause().getMessage());
    assertEquals("backend down", eb.getCause().getMessage());
    batcher.close(WAIT);
    dead.sort(null);
    assertEquals(List.of(1, 2), dead);
  }

  @Test
  void wrongResultCount_failsEachCallerWithSizes() throws Exception {
    try (CoalescingBatcher<Integer, String> batcher = Batcher.<Integer>newBuilder()
        .buildCoalescing(requests -> List.of())) {
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> batcher.submit(3).get(10, TimeUnit.SECONDS));
      assertInstanceOf(IllegalStateException.class, e.getCause());
      assertEquals("processor returned 0 results for 1 requests", e.getCause().getMessage());
    }
  }

  @Test
  void close_failsFuturesItCouldNotProcess() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CoalescingBatcher<Integer, String> batcher = Batcher.<Integer>newBuilder()
        .maxBatchSize(1)
        .buildCoalescing(requests -> {
          started.countDown();
          release.await();
          return List.of("x");
        });
    CompletableFuture<String> first = batcher.submit(1);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    CompletableFuture<String> second = batcher.submit(2);
    CloseReport<Integer> report = batcher.close(Duration.ofMillis(10));
    assertEquals(List.of(2), report.unprocessed());
    ExecutionException e = assertThrows(ExecutionException.class, () -> second.get(1, TimeUnit.SECONDS));
    assertInstanceOf(RejectedExecutionException.class, e.getCause());
    release.countDown();
    assertEquals("x", first.get(10, TimeUnit.SECONDS));
  }

  @Test
  void failFast_returnsFailedFutureWhenFull() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CoalescingBatcher<Integer, String> batcher = Batcher.<Integer>newBuilder()
        .capacity(2).maxBatchSize(1).backpressure(BackpressurePolicy.FAIL_FAST)
        .buildCoalescing(requests -> {
          started.countDown();
          release.await();
          return List.of("ok");
        });
    batcher.submit(0);
    assertTrue(started.await(10, TimeUnit.SECONDS));
    batcher.submit(1);
    batcher.submit(2);
    CompletableFuture<String> rejected = batcher.submit(3);
    assertTrue(rejected.isCompletedExceptionally());
    release.countDown();
    batcher.close(WAIT);
    assertEquals(1, batcher.stats().rejected());
  }
}
