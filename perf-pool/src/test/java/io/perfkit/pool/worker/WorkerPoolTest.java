package io.perfkit.pool.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

final class WorkerPoolTest {

  private static WorkerPool pool(int threads, int capacity, RejectionPolicy policy) {
    return WorkerPool.newBuilder().threads(threads).queueCapacity(capacity)
        .rejectionPolicy(policy).offerTimeout(Duration.ofMillis(20)).daemon(true).build();
  }

  @Test
  void submit_callableResultAndException() throws Exception {
    try (WorkerPool pool = pool(2, 16, RejectionPolicy.ABORT)) {
      assertEquals(42, pool.submit(() -> 42).get(10, TimeUnit.SECONDS));
      CompletableFuture<Object> failing = pool.submit(() -> {
        throw new java.io.IOException("boom");
      });
      ExecutionException e = assertThrows(ExecutionException.class,
          () -> failing.get(10, TimeUnit.SECONDS));
      assertEquals("boom", e.getCause().getMessage());
    }
  }

  @Test
  void taskExceptions_neverKillAWorker() throws Exception {
    Set<String> threads = ConcurrentHashMap.newKeySet();
    AtomicInteger ran = new AtomicInteger();
    try (WorkerPool pool = WorkerPool.newBuilder().threads(2).name("t").daemon(true).build()) {
      for (int i = 0; i < 1000; i++) {
        int n = i;
        pool.submit(() -> {
          threads.add(Thread.currentThread().getName());
          ran.incrementAndGet();
          if (n % 2 == 0) {
            throw new IllegalStateException("task " + n);
          }
        });
      }
      // execute(): the exception goes to the uncaught handler, the worker lives on
      Thread.UncaughtExceptionHandler quiet = (t, e) -> { };
      CountDownLatch done = new CountDownLatch(1);
      pool.execute(() -> {
        Thread.currentThread().setUncaughtExceptionHandler(quiet);
        throw new IllegalStateException("execute failure");
      });
      pool.execute(done::countDown);
      assertTrue(done.await(10, TimeUnit.SECONDS));
    }
    assertEquals(1000, ran.get());
    assertTrue(Set.of("perfkit-worker-t-0", "perfkit-worker-t-1").containsAll(threads), "" + threads);
  }

  @Test
  void abort_rejectsWhenFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    WorkerPool pool = pool(1, 2, RejectionPolicy.ABORT);
    CountDownLatch started = new CountDownLatch(1);
    pool.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    pool.execute(() -> { });
    pool.execute(() -> { });
    RejectedExecutionException e =
        assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
    assertTrue(e.getMessage().contains("full"), e.getMessage());
    assertEquals(1, pool.stats().rejected());
    release.countDown();
    pool.close();
    assertEquals(3, pool.stats().completed());
  }

  @Test
  void callerRuns_runsOnTheSubmitterWhenFull() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    WorkerPool pool = pool(1, 2, RejectionPolicy.CALLER_RUNS);
    pool.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    pool.execute(() -> { });
    pool.execute(() -> { });
    List<Thread> ranOn = new ArrayList<>();
    pool.execute(() -> ranOn.add(Thread.currentThread()));
    assertEquals(List.of(Thread.currentThread()), ranOn);
    assertEquals(1, pool.stats().callerRuns());
    release.countDown();
    pool.close();
  }

  @Test
  void block_waitsThenRejectsAfterTimeout() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    WorkerPool pool = pool(1, 2, RejectionPolicy.BLOCK);
    pool.execute(() -> {
      started.countDown();
      awaitQuietly(release);
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    pool.execute(() -> { });
    pool.execute(() -> { });
    assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
    release.countDown();
    pool.close();
    assertEquals(1, pool.stats().rejected());
    assertEquals(3, pool.stats().completed());
  }

  @Test
  void block_waitsForRoomWhileWorkersDrain() throws Exception {
    // A generous offer timeout: this test is about blocking (not rejecting) while the worker drains,
    // and a loaded machine may not schedule the worker for tens of milliseconds.
    WorkerPool pool = WorkerPool.newBuilder().threads(1).queueCapacity(2)
        .rejectionPolicy(RejectionPolicy.BLOCK).offerTimeout(Duration.ofSeconds(30)).daemon(true).build();
    CountDownLatch release = new CountDownLatch(1);
    pool.execute(() -> awaitQuietly(release));
    pool.execute(() -> { });
    pool.execute(() -> { });
    release.countDown();
    for (int i = 0; i < 200; i++) {
      pool.execute(() -> { }); // blocks briefly for room, never rejects while the worker drains
    }
    pool.close();
    assertEquals(0, pool.stats().rejected());
    assertEquals(203, pool.stats().completed());
  }

  @Test
  void cancel_beforeRunIsHonouredAndCancelTrueInterrupts() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (WorkerPool pool = pool(1, 16, RejectionPolicy.ABORT)) {
      CompletableFuture<?> blocker = pool.submit(() -> {
        started.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          throw new IllegalStateException("interrupted");
        }
      });
      AtomicInteger ran = new AtomicInteger();
      Future<?> queued = pool.submit(ran::incrementAndGet);
      assertTrue(started.await(10, TimeUnit.SECONDS));
      assertTrue(queued.cancel(false));
      assertTrue(blocker.cancel(true));
      assertTrue(pool.submit(() -> 1).get(10, TimeUnit.SECONDS) == 1);
      assertEquals(0, ran.get());
    }
  }

  @Test
  void shutdownNow_returnsPendingAndEverythingIsAccounted() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    WorkerPool pool = pool(1, 64, RejectionPolicy.ABORT);
    AtomicInteger ran = new AtomicInteger();
    pool.execute(() -> {
      started.countDown();
      awaitQuietly(release);
      ran.incrementAndGet();
    });
    assertTrue(started.await(10, TimeUnit.SECONDS));
    for (int i = 0; i < 10; i++) {
      pool.execute(ran::incrementAndGet);
    }
    List<Runnable> pending = pool.shutdownNow();
    assertEquals(10, pending.size());
    release.countDown();
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertTrue(pool.isTerminated());
    assertEquals(1, ran.get());
    assertThrows(RejectedExecutionException.class, () -> pool.execute(() -> { }));
  }

  @Test
  void shutdown_drainsTheQueue() throws Exception {
    WorkerPool pool = pool(2, 4096, RejectionPolicy.ABORT);
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 3000; i++) {
      pool.execute(ran::incrementAndGet);
    }
    pool.shutdown();
    assertTrue(pool.isShutdown());
    assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
    assertEquals(3000, ran.get());
  }

  @Test
  void concurrentSubmittersRacingShutdown_everyAcceptedTaskRunsExactlyOnce() throws Exception {
    for (int round = 0; round < 20; round++) {
      WorkerPool pool = pool(2, 256, RejectionPolicy.CALLER_RUNS);
      AtomicInteger ran = new AtomicInteger();
      AtomicInteger accepted = new AtomicInteger();
      List<Thread> submitters = new ArrayList<>();
      CountDownLatch going = new CountDownLatch(2);
      for (int t = 0; t < 2; t++) {
        Thread s = new Thread(() -> {
          for (int i = 0; i < 20_000; i++) {
            if (i == 100) {
              going.countDown();
            }
            try {
              pool.execute(ran::incrementAndGet);
              accepted.incrementAndGet();
            } catch (RejectedExecutionException shut) {
              break;
            }
          }
        });
        submitters.add(s);
        s.start();
      }
      going.await();
      pool.shutdown();
      for (Thread s : submitters) {
        s.join();
      }
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      assertEquals(accepted.get(), ran.get(), "round " + round);
    }
  }

  @Test
  void concurrentSubmittersRacingShutdownNow_everyAcceptedTaskRunsOrIsReturned() throws Exception {
    for (int round = 0; round < 20; round++) {
      WorkerPool pool = pool(2, 256, RejectionPolicy.CALLER_RUNS);
      AtomicInteger ran = new AtomicInteger();
      AtomicInteger accepted = new AtomicInteger();
      List<Thread> submitters = new ArrayList<>();
      CountDownLatch going = new CountDownLatch(2);
      for (int t = 0; t < 2; t++) {
        Thread s = new Thread(() -> {
          for (int i = 0; i < 20_000; i++) {
            if (i == 100) {
              going.countDown();
            }
            try {
              pool.execute(ran::incrementAndGet);
              accepted.incrementAndGet();
            } catch (RejectedExecutionException shut) {
              break;
            }
          }
        });
        submitters.add(s);
        s.start();
      }
      going.await();
      List<Runnable> returned = pool.shutdownNow();
      for (Thread s : submitters) {
        s.join();
      }
      assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
      assertEquals(accepted.get(), ran.get() + returned.size(), "round " + round);
    }
  }

  @Test
  void invokeAll_usesTheWorkers() throws Exception {
    try (WorkerPool pool = pool(2, 64, RejectionPolicy.ABORT)) {
      List<Future<Integer>> results = pool.invokeAll(List.of(() -> 1, () -> 2, () -> 3));
      int sum = 0;
      for (Future<Integer> f : results) {
        sum += f.get();
      }
      assertEquals(6, sum);
      assertInstanceOf(CompletableFuture.class, results.get(0));
    }
  }

  @Test
  void recordLatency_countsSubmittedTasks() throws Exception {
    try (WorkerPool pool = WorkerPool.newBuilder().threads(1).recordLatency(true).daemon(true)
        .build()) {
      for (int i = 0; i < 100; i++) {
        pool.submit(() -> { }).get(10, TimeUnit.SECONDS);
      }
      assertEquals(100, pool.stats().taskLatency().count());
    }
  }

  @Test
  void badInput() {
    WorkerPoolBuilder b = WorkerPool.newBuilder();
    assertEquals("threads: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> b.threads(0)).getMessage());
    assertThrows(IllegalArgumentException.class, () -> b.queueCapacity(-5));
    assertThrows(IllegalArgumentException.class, () -> b.offerTimeout(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> b.rejectionPolicy(null));
    b.threads(1);
    assertThrows(IllegalStateException.class, () -> b.threads(2));
    try (WorkerPool pool = b.daemon(true).build()) {
      assertThrows(NullPointerException.class, () -> pool.execute(null));
      assertFalse(pool.isShutdown());
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
