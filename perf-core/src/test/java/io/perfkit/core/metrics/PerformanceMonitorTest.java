package io.perfkit.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

final class PerformanceMonitorTest {
  private final FakeTicker ticker = new FakeTicker();
  private final AtomicReference<SystemSnapshot> system =
      new AtomicReference<>(new SystemSnapshot(0.25, 100, 1000, 3, 40, 12));
  private final List<Alert> received = new ArrayList<>();

  private PerformanceMonitor.Builder builder() {
    // 3 digits: values up to 2048 ns are exact, so thresholds can be probed at +-1 ns.
    return PerformanceMonitor.newBuilder().ticker(ticker).systemSource(system::get)
        .significantDigits(3);
  }

  private PerformanceMonitor monitor(PerformanceMonitor.Builder builder) {
    PerformanceMonitor monitor = builder.build();
    monitor.addAlertListener(received::add);
    return monitor;
  }

  /** Records a call of {@code name} lasting exactly {@code micros} on the fake ticker. */
  private void call(PerformanceMonitor monitor, String name, long micros, boolean fail) {
    Runnable work = () -> {
      ticker.advance(micros, TimeUnit.MICROSECONDS);
      if (fail) {
        throw new IllegalStateException("boom");
      }
    };
    if (fail) {
      assertThrows(IllegalStateException.class, () -> monitor.time(name, work));
    } else {
      monitor.time(name, work);
    }
  }

  @Test
  void time_recordsLatencyThroughputAndErrors() throws Exception {
    PerformanceMonitor monitor = monitor(builder());
    for (int i = 1; i <= 100; i++) {
      call(monitor, "db", i, i % 10 == 0);
    }
    assertEquals("v", monitor.time("cache", () -> {
      ticker.advance(5, TimeUnit.MICROSECONDS);
      return "v";
    }));
    assertThrows(IOException.class, () -> monitor.time("cache", () -> {
      throw new IOException("io");
    }));
    PerformanceSnapshot s = monitor.snapshot();
    OperationSnapshot db = s.operation("db");
    assertEquals(100, db.count());
    assertEquals(10, db.errors());
    assertEquals(0.10, db.errorRate(), 1e-12);
    assertEquals(100_000, db.latency().max(), 100); // 100 us at 3 digits
    assertEquals(50_000, db.latency().p50(), 50);
    assertEquals(99_000, db.latency().p99(), 99);
    // Interval = sum of 1..100 us + 5 us = 5055 us on the fake ticker.
    assertEquals(TimeUnit.MICROSECONDS.toNanos(5055), s.intervalNanos());
    assertEquals(100 / 5.055e-3, db.throughput(), 1e-6);
    OperationSnapshot cache = s.operation("cache");
    assertEquals(2, cache.count());
    assertEquals(1, cache.errors());
    assertEquals(List.of("cache", "db"), new ArrayList<>(s.operations().keySet()));
    assertSame(system.get(), s.system());
    assertNull(s.operation("missing"));
    assertTrue(received.isEmpty());
  }

  @Test
  void snapshot_isAnInterval_eachCallInExactlyOne() {
    PerformanceMonitor monitor = monitor(builder());
    monitor.record("op", 10, true);
    monitor.record("op", 10, false);
    assertEquals(2, monitor.snapshot().operation("op").count());
    monitor.record("op", 10, false);
    OperationSnapshot second = monitor.snapshot().operation("op");
    assertEquals(1, second.count());
    assertEquals(1, second.errors());
    assertEquals(2, second.totalErrors());
    assertEquals(3, second.rate().count());
    assertEquals(0, monitor.snapshot().operation("op").count());
  }

  @Test
  void p99Alerts_fireStrictlyAboveThresholds_onLevelChangesOnly() {
    PerformanceMonitor monitor = monitor(builder()
        .p99Warning(Duration.ofNanos(1_000)).p99Critical(Duration.ofNanos(2_000)));
    monitor.record("op", 1_000, true); // exactly at the warning threshold: no alert
    assertTrue(monitor.snapshot().alerts().isEmpty());
    assertTrue(received.isEmpty());

    monitor.record("op", 1_001, true); // just above warning
    PerformanceSnapshot s = monitor.snapshot();
    assertEquals(List.of(new Alert(Alert.Level.WARNING, "p99", "op", 1_001, 1_000)), s.alerts());
    assertEquals(s.alerts(), received);

    monitor.record("op", 1_500, true); // still warning: listed, not re-notified
    assertEquals(1, monitor.snapshot().alerts().size());
    assertEquals(1, received.size());

    monitor.record("op", 2_000, true); // exactly critical: still warning
    assertEquals(Alert.Level.WARNING, monitor.snapshot().alerts().get(0).level());
    assertEquals(1, received.size());

    monitor.record("op", 2_001, true); // escalation
    monitor.snapshot();
    assertEquals(2, received.size());
    assertEquals(new Alert(Alert.Level.CRITICAL, "p99", "op", 2_001, 2_000), received.get(1));

    monitor.snapshot(); // idle interval: cleared and re-armed
    monitor.record("op", 1_200, true);
    monitor.snapshot();
    assertEquals(3, received.size());
    assertEquals(Alert.Level.WARNING, received.get(2).level());
  }

  @Test
  void errorRateAlerts_atThresholds() {
    PerformanceMonitor monitor =
        monitor(builder().errorRateWarning(0.25).errorRateCritical(0.5));
    recordCalls(monitor, 4, 1); // 25 %: at warning, no alert
    assertTrue(monitor.snapshot().alerts().isEmpty());
    recordCalls(monitor, 5, 2); // 40 %
    monitor.snapshot();
    assertEquals(List.of(new Alert(Alert.Level.WARNING, "errorRate", "op", 0.4, 0.25)), received);
    recordCalls(monitor, 2, 1); // 50 %: at critical, still warning, not re-notified
    monitor.snapshot();
    assertEquals(1, received.size());
    recordCalls(monitor, 3, 2); // 66 %
    monitor.snapshot();
    assertEquals(Alert.Level.CRITICAL, received.get(1).level());
  }

  @Test
  void errorRateZero_meansAnyFailure() {
    PerformanceMonitor monitor = monitor(builder().errorRateWarning(0.0));
    recordCalls(monitor, 1000, 0);
    assertTrue(monitor.snapshot().alerts().isEmpty());
    recordCalls(monitor, 1000, 1);
    assertEquals(1, monitor.snapshot().alerts().size());
  }

  private static void recordCalls(PerformanceMonitor monitor, int calls, int failures) {
    for (int i = 0; i < calls; i++) {
      monitor.record("op", 100, i >= failures);
    }
  }

  @Test
  void heapAlerts_atThresholds() {
    PerformanceMonitor monitor =
        monitor(builder().heapUsageWarning(0.8).heapUsageCritical(0.9));
    system.set(new SystemSnapshot(0.1, 800, 1000, 0, 0, 1));
    assertTrue(monitor.snapshot().alerts().isEmpty());
    system.set(new SystemSnapshot(0.1, 801, 1000, 0, 0, 1));
    assertEquals(List.of(new Alert(Alert.Level.WARNING, "heapUsage", "", 0.801, 0.8)),
        monitor.snapshot().alerts());
    system.set(new SystemSnapshot(0.1, 901, 1000, 0, 0, 1));
    assertEquals(Alert.Level.CRITICAL, monitor.snapshot().alerts().get(0).level());
    system.set(new SystemSnapshot(0.1, 500, -1, 0, 0, 1)); // undefined max: no alert
    assertTrue(monitor.snapshot().alerts().isEmpty());
    assertEquals(2, received.size());
  }

  @Test
  void listenerFailure_otherListenersStillCalled_thenRethrown() {
    PerformanceMonitor monitor = monitor(builder().p99Warning(Duration.ofNanos(10)));
    AlertListener failing = a -> {
      throw new IllegalStateException("listener");
    };
    monitor.addAlertListener(failing);
    List<Alert> second = new ArrayList<>();
    monitor.addAlertListener(second::add);
    monitor.record("op", 100, true);
    IllegalStateException e = assertThrows(IllegalStateException.class, monitor::snapshot);
    assertEquals("listener", e.getMessage());
    assertEquals(1, received.size());
    assertEquals(1, second.size());
    assertTrue(monitor.removeAlertListener(failing));
    assertFalse(monitor.removeAlertListener(failing));
  }

  @Test
  void toTableAndToMap() {
    PerformanceMonitor monitor = monitor(builder().p99Warning(Duration.ofNanos(10)));
    call(monitor, "db.query", 1500, false);
    PerformanceSnapshot s = monitor.snapshot();
    String table = s.toTable();
    assertTrue(table.contains("db.query"), table);
    assertTrue(table.contains("1.5ms"), table);
    assertTrue(table.contains("ALERT WARNING db.query p99"), table);
    assertTrue(table.contains("heap 0.1KiB / 1.0KiB (10.0%)"), table);
    assertEquals(table, s.toString());
    Map<String, Object> map = s.toMap();
    assertEquals(List.of("intervalNanos", "operations", "system", "alerts"),
        new ArrayList<>(map.keySet()));
    Map<?, ?> op = (Map<?, ?>) ((Map<?, ?>) map.get("operations")).get("db.query");
    assertEquals(1L, op.get("count"));
    assertEquals(0.1, ((Map<?, ?>) map.get("system")).get("heapUsage"));
    assertEquals(1, ((List<?>) map.get("alerts")).size());
  }

  @Test
  void systemSnapshot_capture_readsThePlatform() {
    SystemSnapshot s = SystemSnapshot.capture();
    assertTrue(s.heapUsed() > 0);
    assertTrue(s.liveThreads() > 0);
    assertTrue(Double.isNaN(s.processCpuLoad())
        || (s.processCpuLoad() >= 0 && s.processCpuLoad() <= 1));
    assertTrue(PerformanceMonitor.create().snapshot().system().heapUsed() > 0);
  }

  @Test
  void startReporting_runsOnCallersExecutor() throws Exception {
    PerformanceMonitor monitor = monitor(builder());
    ScheduledExecutorService executor = new ScheduledThreadPoolExecutor(1);
    try {
      monitor.record("op", 5, true);
      CountDownLatch reported = new CountDownLatch(2);
      List<PerformanceSnapshot> reports = new ArrayList<>();
      ScheduledFuture<?> future = monitor.startReporting(executor, Duration.ofMillis(1), s -> {
        synchronized (reports) {
          reports.add(s);
        }
        reported.countDown();
      });
      assertTrue(reported.await(10, TimeUnit.SECONDS));
      future.cancel(false);
      synchronized (reports) {
        assertEquals(1, reports.stream().mapToLong(r -> {
          OperationSnapshot op = r.operation("op");
          return op == null ? 0 : op.count();
        }).sum());
      }
    } finally {
      executor.shutdownNow();
    }
  }

  @Test
  void stress_concurrentCallsAndSnapshots_noLoss() throws Exception {
    PerformanceMonitor monitor = PerformanceMonitor.create();
    int threads = 4;
    int perThread = 50_000;
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      String name = "op" + (t % 2);
      Thread thread = new Thread(() -> {
        try {
          start.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < perThread; i++) {
          monitor.record(name, i, i % 4 != 0);
        }
      });
      workers.add(thread);
      thread.start();
    }
    start.countDown();
    long count = 0;
    long errors = 0;
    boolean running = true;
    while (running) {
      running = workers.stream().anyMatch(Thread::isAlive);
      for (OperationSnapshot op : monitor.snapshot().operations().values()) {
        count += op.count();
        errors += op.errors();
      }
    }
    for (Thread thread : workers) {
      thread.join();
    }
    for (OperationSnapshot op : monitor.snapshot().operations().values()) {
      count += op.count();
      errors += op.errors();
    }
    assertEquals((long) threads * perThread, count);
    assertEquals((long) threads * perThread / 4, errors);
  }

  @Test
  void badInput_throws() {
    PerformanceMonitor monitor = PerformanceMonitor.newBuilder().maxOperations(1).build();
    assertThrows(NullPointerException.class, () -> monitor.time(null, () -> { }));
    assertThrows(NullPointerException.class, () -> monitor.time("a", (Runnable) null));
    IllegalArgumentException empty =
        assertThrows(IllegalArgumentException.class, () -> monitor.record("", 1, true));
    assertEquals("name: \"\" (expected: non-empty)", empty.getMessage());
    assertThrows(IllegalArgumentException.class, () -> monitor.record("a", -1, true));
    monitor.record("a", 1, true);
    IllegalStateException limit =
        assertThrows(IllegalStateException.class, () -> monitor.record("b", 1, true));
    assertTrue(limit.getMessage().contains("maxOperations"), limit.getMessage());
    assertThrows(NullPointerException.class, () -> monitor.addAlertListener(null));
    assertThrows(IllegalArgumentException.class,
        () -> monitor.startReporting(new ScheduledThreadPoolExecutor(1), Duration.ZERO, s -> { }));

    IllegalArgumentException nan = assertThrows(IllegalArgumentException.class,
        () -> PerformanceMonitor.newBuilder().errorRateWarning(Double.NaN));
    assertEquals("errorRateWarning: NaN (expected: in [0.0, 1.0))", nan.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> PerformanceMonitor.newBuilder().heapUsageCritical(0.0));
    assertThrows(IllegalArgumentException.class,
        () -> PerformanceMonitor.newBuilder().heapUsageCritical(1.5));
    assertThrows(IllegalArgumentException.class,
        () -> PerformanceMonitor.newBuilder().p99Warning(Duration.ofMillis(-1)));
    assertThrows(NullPointerException.class,
        () -> PerformanceMonitor.newBuilder().p99Critical(null));
    assertThrows(IllegalStateException.class,
        () -> PerformanceMonitor.newBuilder().errorRateWarning(0.1).errorRateWarning(0.2));
    IllegalArgumentException order = assertThrows(IllegalArgumentException.class,
        () -> PerformanceMonitor.newBuilder().errorRateWarning(0.5).errorRateCritical(0.1).build());
    assertEquals("errorRateCritical: 0.1 (expected: >= errorRateWarning 0.5)", order.getMessage());
    assertThrows(IllegalArgumentException.class, () -> PerformanceMonitor.newBuilder()
        .p99Warning(Duration.ofMillis(5)).p99Critical(Duration.ofMillis(1)).build());
  }
}
