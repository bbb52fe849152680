package io.perfkit.pool.resource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class ResourcePoolTest {
  private static final Duration NOW = Duration.ZERO;

  /** A resource with an identity and a "closed" flag. */
  static final class Res {
    static final AtomicInteger IDS = new AtomicInteger();
    final int id = IDS.incrementAndGet();
    volatile boolean destroyed;

    @Override
    public String toString() {
      return "Res" + id;
    }
  }

  private static ResourcePoolBuilder<Res> builder() {
    return ResourcePool.<Res>newBuilder().factory(Res::new).destroyer(r -> r.destroyed = true);
  }

  @Test
  void borrow_reusesWhatThisThreadReturned() throws Exception {
    try (ResourcePool<Res> pool = builder().build()) {
      Res first;
      try (Lease<Res> lease = pool.borrow()) {
        first = lease.get();
      }
      try (Lease<Res> lease = pool.borrow()) {
        assertSame(first, lease.get());
      }
      assertEquals(1, pool.stats().created());
      assertEquals(1, pool.stats().idle());
      assertEquals(0, pool.stats().active());
    }
  }

  @Test
  void exhausted_throwsWithCounts() throws Exception {
    try (ResourcePool<Res> pool = builder().maxSize(2).build()) {
      Lease<Res> a = pool.borrow();
      Lease<Res> b = pool.borrow();
      PoolExhaustedException e = assertThrows(PoolExhaustedException.class,
          () -> pool.borrow(Duration.ofMillis(5)));
      assertEquals(2, e.active());
      assertEquals(0, e.idle());
      assertEquals(1, e.waiting());
      assertEquals(2, e.maxSize());
      assertTrue(e.getMessage().contains("active=2, idle=0, waiting=1, max=2"), e.getMessage());
      assertEquals(1, pool.stats().timeouts());
      a.close();
      b.close();
    }
  }

  @Test
  void waiters_areServedInFifoOrder() throws Exception {
    try (ResourcePool<Res> pool = builder().maxSize(1).build()) {
      Lease<Res> held = pool.borrow();
      List<String> order = new CopyOnWriteArrayList<>();
      List<Thread> waiters = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String name = "w" + i;
        Thread t = new Thread(() -> {
          try (Lease<Res> lease = pool.borrow(Duration.ofSeconds(10))) {
            order.add(name + (lease.get() == null ? "?" : ""));
          } catch (InterruptedException e) {
            throw new AssertionError(e);
          }
        });
        waiters.add(t);
        t.start();
        int expected = i + 1;
        waitUntil(() -> pool.stats().waiting() == expected);
      }
      held.close();
      for (Thread t : waiters) {
        t.join(10_000);
      }
      assertEquals(List.of("w0", "w1", "w2"), order);
    }
  }

  @Test
  void invalidate_destroysAndFreesTheSlot() throws Exception {
    try (ResourcePool<Res> pool = builder().maxSize(1).build()) {
      Lease<Res> lease = pool.borrow();
      Res r = lease.get();
      lease.invalidate();
      assertTrue(r.destroyed);
      try (Lease<Res> next = pool.borrow(NOW)) {
        assertFalse(next.get() == r);
      }
      assertEquals(1, pool.stats().destroyed());
      assertEquals(1, pool.stats().total());
    }
  }

  @Test
  void validateOnBorrow_replacesInvalidResources() throws Exception {
    AtomicReference<Res> broken = new AtomicReference<>();
    try (ResourcePool<Res> pool = builder().validator(r -> r != broken.get()).build()) {
      Res first;
      try (Lease<Res> lease = pool.borrow()) {
        first = lease.get();
      }
      broken.set(first);
      try (Lease<Res> lease = pool.borrow()) {
        assertFalse(lease.get() == first);
      }
      assertTrue(first.destroyed);
    }
  }

  @Test
  void maxLifetime_retiresOnReturnAndOnBorrow() throws Exception {
    AtomicLong time = new AtomicLong();
    try (ResourcePool<Res> pool = builder().ticker(time::get).maxLifetime(Duration.ofMinutes(1))
        .build()) {
      Lease<Res> lease = pool.borrow();
      Res r = lease.get();
      time.addAndGet(Duration.ofMinutes(1).toNanos());
      lease.close();
      assertTrue(r.destroyed);
      assertEquals(0, pool.stats().total());
    }
  }

  @Test
  void housekeeping_evictsIdleDownToMinIdleAndRefills() throws Exception {
    AtomicLong time = new AtomicLong();
    try (ResourcePool<Res> pool = builder().ticker(time::get).minIdle(2).maxSize(5)
        .idleTimeout(Duration.ofSeconds(10)).build()) {
      pool.housekeep();
      assertEquals(2, pool.stats().idle());
      List<Lease<Res>> leases = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        leases.add(pool.borrow());
      }
      leases.forEach(Lease::close);
      assertEquals(5, pool.stats().idle());
      time.addAndGet(Duration.ofSeconds(10).toNanos());
      pool.housekeep();
      assertEquals(2, pool.stats().idle());
      assertEquals(3, pool.stats().destroyed());
    }
  }

  @Test
  void leakDetection_reportsTheBorrowersStackOnce() throws Exception {
    AtomicLong time = new AtomicLong();
    List<Throwable> leaks = new CopyOnWriteArrayList<>();
    try (ResourcePool<Res> pool = builder().ticker(time::get)
        .leakDetectionThreshold(Duration.ofSeconds(2)).leakListener(leaks::add).build()) {
      Lease<Res> lease = pool.borrow();
      time.addAndGet(Duration.ofSeconds(1).toNanos());
      pool.housekeep();
      assertEquals(List.of(), leaks);
      time.addAndGet(Duration.ofSeconds(1).toNanos());
      pool.housekeep();
      pool.housekeep();
      assertEquals(1, leaks.size());
      assertTrue(leaks.get(0).getMessage().contains("held for 2000 ms"), leaks.get(0).getMessage());
      boolean hasBorrower = false;
      for (StackTraceElement frame : leaks.get(0).getStackTrace()) {
        hasBorrower |= frame.getMethodName().equals("leakDetection_reportsTheBorrowersStackOnce");
      }
      assertTrue(hasBorrower, "stack trace names the borrowing method");
      assertEquals(1, pool.stats().leaks());
      lease.close();
    }
  }

  @Test
  void failingFactory_isRetriedAndNeverLeaksASlot() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    try (ResourcePool<Res> pool = ResourcePool.<Res>newBuilder()
        .factory(() -> {
          if (calls.incrementAndGet() <= 3) {
            throw new java.io.IOException("refused");
          }
          return new Res();
        })
        .createBackoff(Duration.ofNanos(1)).maxSize(1).build()) {
      try (Lease<Res> lease = pool.borrow(Duration.ofSeconds(10))) {
        assertEquals(4, calls.get());
        assertFalse(lease.get().destroyed);
      }
      assertEquals(3, pool.stats().createFailures());
      assertEquals(1, pool.stats().total());
    }
  }

  @Test
  void alwaysFailingFactory_timesOutWithTheCause() throws Exception {
    try (ResourcePool<Res> pool = ResourcePool.<Res>newBuilder()
        .factory(() -> {
          throw new java.io.IOException("refused");
        })
        .createBackoff(Duration.ofMillis(1)).maxSize(2).build()) {
      PoolExhaustedException e = assertThrows(PoolExhaustedException.class,
          () -> pool.borrow(Duration.ofMillis(20)));
      assertEquals("refused", e.getCause().getMessage());
      assertEquals(0, pool.stats().total());
    }
  }

  @Test
  void asyncFactory_lateResourceJoinsThePoolIdle() throws Exception {
    CompletableFuture<Res> pending = new CompletableFuture<>();
    try (ResourcePool<Res> pool = ResourcePool.<Res>newBuilder().asyncFactory(() -> pending)
        .maxSize(1).build()) {
      assertThrows(PoolExhaustedException.class, () -> pool.borrow(Duration.ofMillis(5)));
      assertEquals(1, pool.stats().total(), "the slot stays reserved for the pending creation");
      Res late = new Res();
      pending.complete(late);
      assertEquals(1, pool.stats().idle());
      try (Lease<Res> lease = pool.borrow(NOW)) {
        assertSame(late, lease.get());
      }
    }
  }

  @Test
  void returningTwiceOrToAnotherPool_throws() throws Exception {
    try (ResourcePool<Res> pool = builder().build(); ResourcePool<Res> other = builder().build()) {
      Lease<Res> lease = pool.borrow();
      assertThrows(IllegalArgumentException.class, () -> other.release(lease));
      lease.close();
      IllegalStateException e = assertThrows(IllegalStateException.class, lease::close);
      assertTrue(e.getMessage().contains("already returned"), e.getMessage());
      assertThrows(IllegalStateException.class, lease::invalidate);
      assertThrows(IllegalStateException.class, lease::get);
    }
  }

  @Test
  void close_destroysIdleNowAndLentOnReturn() throws Exception {
    ResourcePool<Res> pool = builder().build();
    Lease<Res> kept = pool.borrow();
    Res idle;
    try (Lease<Res> lease = pool.borrow()) {
      idle = lease.get();
    }
    pool.close();
    assertTrue(idle.destroyed);
    assertFalse(kept.get().destroyed);
    kept.close();
    assertTrue(kept.entry.resource.destroyed);
    assertEquals(0, pool.stats().total());
    assertThrows(IllegalStateException.class, pool::borrow);
  }

  @Test
  void close_wakesWaiters() throws Exception {
    ResourcePool<Res> pool = builder().maxSize(1).build();
    Lease<Res> held = pool.borrow();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch done = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        pool.borrow(Duration.ofMinutes(1));
      } catch (Throwable t) {
        failure.set(t);
      }
      done.countDown();
    });
    waiter.start();
    waitUntil(() -> pool.stats().waiting() == 1);
    pool.close();
    assertTrue(done.await(10, TimeUnit.SECONDS));
    assertTrue(failure.get() instanceof IllegalStateException, String.valueOf(failure.get()));
    held.close();
  }

  @Test
  void ownedOrUserScheduler_runsHousekeeping() throws Exception {
    ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    try (ResourcePool<Res> pool = builder().minIdle(3)
        .housekeeping(scheduler, Duration.ofMillis(1)).build()) {
      waitUntil(() -> pool.stats().idle() == 3);
    } finally {
      scheduler.shutdownNow();
    }
    try (ResourcePool<Res> pool = builder().minIdle(2).ownHousekeeping(Duration.ofMillis(1))
        .build()) {
      waitUntil(() -> pool.stats().idle() == 2);
    }
  }

  @Test
  void recordBorrowWait_countsBorrows() throws Exception {
    try (ResourcePool<Res> pool = builder().recordBorrowWait(true).build()) {
      for (int i = 0; i < 10; i++) {
        pool.borrow().close();
      }
      assertEquals(10, pool.stats().borrowWait().count());
    }
  }

  @Test
  void badInput() {
    assertEquals("maxSize: 0 (expected: > 0)", assertThrows(IllegalArgumentException.class,
        () -> builder().maxSize(0)).getMessage());
    assertEquals("minIdle: 5 (expected: <= maxSize 2)", assertThrows(
        IllegalArgumentException.class, () -> builder().maxSize(2).minIdle(5).build())
        .getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder().minIdle(-1));
    assertThrows(IllegalArgumentException.class, () -> builder().idleTimeout(Duration.ofSeconds(-1)));
    assertThrows(NullPointerException.class, () -> ResourcePool.<Res>newBuilder().factory(null));
    assertThrows(IllegalStateException.class, () -> ResourcePool.<Res>newBuilder().build());
    assertThrows(IllegalStateException.class, () -> builder().factory(Res::new));
    assertThrows(IllegalArgumentException.class,
        () -> builder().ownHousekeeping(Duration.ZERO));
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
