package io.perfkit.core.metrics;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Times named operations and reports their latency percentiles, throughput and error rate together
 * with the JVM's CPU, heap, GC and thread figures, raising {@link Alert alerts} when thresholds are
 * exceeded.
 *
 * <pre>{@code
 * PerformanceMonitor monitor = PerformanceMonitor.newBuilder()
 *     .p99Warning(Duration.ofMillis(5)).p99Critical(Duration.ofMillis(50))
 *     .errorRateWarning(0.01).heapUsageCritical(0.95)
 *     .build();
 * monitor.addAlertListener(alert -> log.warn(alert.message()));
 * User user = monitor.time("db.loadUser", () -> db.loadUser(id));
 * System.out.println(monitor.snapshot().toTable());   // or startReporting(executor, period, sink)
 * }</pre>
 *
 * <p><b>Thresholds</b> are checked when a snapshot is taken, against the snapshot's interval: a
 * figure strictly above a threshold breaches it (equal does not). Every breach is listed in
 * {@link PerformanceSnapshot#alerts()}; listeners are notified only when a figure's level changes to
 * WARNING or CRITICAL (first breach, escalation, de-escalation from CRITICAL to WARNING), so a lasting
 * breach does not repeat on every report. A figure back under its thresholds re-arms silently.
 *
 * <p><b>Threading:</b> {@code time}, {@code record} and {@code addAlertListener} may be called by any
 * number of threads. {@link #snapshot()} is serialised internally.
 *
 * <p><b>Memory:</b> each operation owns a {@link LatencyRecorder} (2 significant digits by default):
 * about 115 KiB when recorded from one thread with latencies up to 10 ms, growing with the largest
 * latency seen and with each further writer stripe (see {@link LatencyRecorder}).
 *
 * <p><b>Progress:</b> recording is wait-free once an operation exists (a hash lookup, a
 * {@link LatencyRecorder} record and {@link LongAdder} increments); an operation's first call
 * allocates it. <b>Background threads:</b> none, unless the caller schedules
 * {@link #startReporting(ScheduledExecutorService, Duration, Consumer)} on its own executor.
 */
public final class PerformanceMonitor {
  private static final String P99 = "p99";
  private static final String ERROR_RATE = "errorRate";
  private static final String HEAP_USAGE = "heapUsage";

  private final ConcurrentHashMap<String, Operation> operations = new ConcurrentHashMap<>();
  private final CopyOnWriteArrayList<AlertListener> listeners = new CopyOnWriteArrayList<>();
  private final LongSupplier ticker;
  private final Supplier<SystemSnapshot> systemSource;
  private final int maxOperations;
  private final int significantDigits;
  private final long highestTrackableNanos;
  // Thresholds; NaN when not set (no value is above NaN).
  private final double p99WarningNanos;
  private final double p99CriticalNanos;
  private final double errorRateWarning;
  private final double errorRateCritical;
  private final double heapUsageWarning;
  private final double heapUsageCritical;

  // Guarded by `this`.
  private long lastSnapshotNanos;
  private final Map<String, Alert.Level> activeLevels = new HashMap<>();

  private PerformanceMonitor(Builder b) {
    this.ticker = b.ticker != null ? b.ticker : System::nanoTime;
    this.systemSource = b.systemSource != null ? b.systemSource : SystemSnapshot::capture;
    this.maxOperations = b.maxOperations > 0 ? b.maxOperations : Builder.DEFAULT_MAX_OPERATIONS;
    this.significantDigits = b.significantDigits >= 0
        ? b.significantDigits : Builder.DEFAULT_SIGNIFICANT_DIGITS;
    this.highestTrackableNanos = b.highestTrackableNanos > 0
        ? b.highestTrackableNanos : LatencyRecorder.DEFAULT_HIGHEST_TRACKABLE_VALUE;
    this.p99WarningNanos = orNaN(b.p99WarningNanos);
    this.p99CriticalNanos = orNaN(b.p99CriticalNanos);
    this.errorRateWarning = orNaN(b.errorRateWarning);
    this.errorRateCritical = orNaN(b.errorRateCritical);
    this.heapUsageWarning = orNaN(b.heapUsageWarning);
    this.heapUsageCritical = orNaN(b.heapUsageCritical);
    this.lastSnapshotNanos = ticker.getAsLong();
  }

  private static double orNaN(double threshold) {
    return threshold < 0 ? Double.NaN : threshold;
  }

  /** Returns a monitor without thresholds, on {@link System#nanoTime()} and the platform MXBeans. */
  public static PerformanceMonitor create() {
    return newBuilder().build();
  }

  /** Returns a builder for a monitor with thresholds or custom sources. */
  public static Builder newBuilder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- recording

  /**
   * Runs {@code task}, recording its latency under {@code name} and whether it threw.
   *
   * @param name the operation's name, non-empty
   * @param task the work
   * @param <T> the result type
   * @return what {@code task} returned
   * @throws NullPointerException if {@code name} or {@code task} is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if {@code name} is new and the operation limit is reached
   * @throws Exception whatever {@code task} threw (recorded as a failure, then rethrown)
   */
  public <T> T time(String name, Callable<T> task) throws Exception {
    Checks.requireNonNull(task, "task");
    Operation op = operation(name);
    long start = ticker.getAsLong();
    boolean success = false;
    try {
      T result = task.call();
      success = true;
      return result;
    } finally {
      op.record(ticker.getAsLong() - start, success);
    }
  }

  /**
   * Runs {@code task}, recording its latency under {@code name} and whether it threw.
   *
   * @param name the operation's name, non-empty
   * @param task the work
   * @throws NullPointerException if {@code name} or {@code task} is null
   * @throws IllegalArgumentException if {@code name} is empty
   * @throws IllegalStateException if {@code name} is new and the operation limit is reached
   * @throws RuntimeException whatever {@code task} threw (recorded as a failure, then rethrown)
   */
  public void time(String name, Runnable task) {
    Checks.requireNonNull(task, "task");
    Operation op = operation(name);
    long start = ticker.getAsLong();
    boolean success = false;
    try {
      task.run();
      success = true;
    } finally {
      op.record(ticker.getAsLong() - start, success);
    }
  }

  /**
   * Records one call of {@code name} that the caller timed itself.
   *
   * @param name the operation's name, non-empty
   * @param nanos its latency, {@code >= 0}
   * @param success whether it succeeded
   * @throws NullPointerException if {@code name} is null
   * @throws IllegalArgumentException if {@code name} is empty or {@code nanos < 0}
   * @throws IllegalStateException if {@code name} is new and the operation limit is reached
   */
  public void record(String name, long nanos, boolean success) {
    Checks.checkNonNegative(nanos, "nanos");
    operation(name).record(nanos, success);
  }

  private Operation operation(String name) {
    Operation op = operations.get(Checks.requireNonNull(name, "name"));
    return op != null ? op : newOperation(name);
  }

  private Operation newOperation(String name) {
    Checks.requireArgument(!name.isEmpty(), "name: \"\" (expected: non-empty)");
    return operations.computeIfAbsent(name, n -> {
      Checks.requireState(operations.size() < maxOperations,
          "operation limit reached: %s (maxOperations), cannot add \"%s\"", maxOperations, n);
      return new Operation(n, LatencyRecorder.newBuilder()
          .highestTrackableValue(highestTrackableNanos)
          .significantDigits(significantDigits)
          .build(), RateMeter.create(ticker));
    });
  }

  // ---------------------------------------------------------------- listeners and reporting

  /**
   * Adds a listener for alerts raised by later snapshots.
   *
   * @param listener the listener
   * @throws NullPointerException if {@code listener} is null
   */
  public void addAlertListener(AlertListener listener) {
    listeners.add(Checks.requireNonNull(listener, "listener"));
  }

  /**
   * Removes a listener added before.
   *
   * @param listener the listener
   * @return whether it was registered
   * @throws NullPointerException if {@code listener} is null
   */
  public boolean removeAlertListener(AlertListener listener) {
    return listeners.remove(Checks.requireNonNull(listener, "listener"));
  }

  /**
   * Schedules {@link #snapshot()} on {@code executor} every {@code period} (at fixed rate) and hands
   * each snapshot to {@code reporter}. The caller owns the executor and its threads; cancel the
   * returned future to stop. An exception from the snapshot, a listener or the reporter goes to the
   * executing thread's uncaught-exception handler and does not stop later reports.
   *
   * @param executor the caller's executor
   * @param period the interval between reports, positive
   * @param reporter receives each snapshot (print {@code toTable()}, export {@code toMap()}, ...)
   * @return the scheduled task
   * @throws NullPointerException if any argument is null
   * @throws IllegalArgumentException if {@code period} is not positive
   */
  public ScheduledFuture<?> startReporting(ScheduledExecutorService executor, Duration period,
      Consumer<? super PerformanceSnapshot> reporter) {
    Checks.requireNonNull(executor, "executor");
    Checks.requireNonNull(period, "period");
    Checks.requireNonNull(reporter, "reporter");
    long periodNanos = Checks.checkPositive(period.toNanos(), "period");
    return executor.scheduleAtFixedRate(() -> {
      try {
        reporter.accept(snapshot());
      } catch (RuntimeException | Error e) {
        Thread t = Thread.currentThread();
        t.getUncaughtExceptionHandler().uncaughtException(t, e);
      }
    }, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
  }

  // ---------------------------------------------------------------- snapshots

  /**
   * Returns the figures since the previous snapshot (or creation), checks the thresholds and
   * notifies listeners of level changes. Each recorded call appears in exactly one snapshot.
   *
   * @return the snapshot
   * @throws RuntimeException the first exception a listener threw, after every listener was called
   *     (others are attached as suppressed); the interval is consumed regardless
   */
  public synchronized PerformanceSnapshot snapshot() {
    long now = ticker.getAsLong();
    long interval = Math.max(0, now - lastSnapshotNanos);
    lastSnapshotNanos = now;
    double seconds = interval / 1e9;
    Map<String, OperationSnapshot> ops = new TreeMap<>();
    List<Alert> alerts = new ArrayList<>();
    for (Operation op : operations.values()) {
      LatencySnapshot latency = op.latency.intervalSnapshot();
      long totalErrors = op.errors.sum();
      long errors = totalErrors - op.errorsAtLastSnapshot;
      op.errorsAtLastSnapshot = totalErrors;
      long count = latency.count();
      double errorRate = count == 0 ? 0.0 : Math.min(1.0, (double) errors / count);
      double throughput = seconds > 0 ? count / seconds : 0.0;
      OperationSnapshot snapshot = new OperationSnapshot(op.name, count, errors, throughput,
          errorRate, latency, op.rate.snapshot(), totalErrors);
      ops.put(op.name, snapshot);
      // An idle interval has no p99 or error rate: NaN breaches nothing and re-arms the alert.
      check(alerts, P99, op.name, count > 0 ? latency.p99() : Double.NaN,
          p99WarningNanos, p99CriticalNanos);
      check(alerts, ERROR_RATE, op.name, count > 0 ? errorRate : Double.NaN,
          errorRateWarning, errorRateCritical);
    }
    SystemSnapshot system = systemSource.get();
    check(alerts, HEAP_USAGE, "", system.heapUsage(), heapUsageWarning, heapUsageCritical);
    PerformanceSnapshot result = new PerformanceSnapshot(interval, ops, system, alerts);
    notifyListeners(alerts);
    return result;
  }

  /** Appends an alert if {@code value} is above a threshold (NaN values and thresholds never are). */
  private void check(List<Alert> alerts, String metric, String operation, double value,
      double warning, double critical) {
    Alert alert = null;
    if (value > critical) {
      alert = new Alert(Alert.Level.CRITICAL, metric, operation, value, critical);
    } else if (value > warning) {
      alert = new Alert(Alert.Level.WARNING, metric, operation, value, warning);
    }
    String key = metric + '\u0000' + operation;
    if (alert == null) {
      activeLevels.remove(key);
      return;
    }
    alerts.add(alert);
  }

  private void notifyListeners(List<Alert> alerts) {
    List<Alert> toNotify = new ArrayList<>();
    for (Alert alert : alerts) {
      String key = alert.metric() + '\u0000' + alert.operation();
      Alert.Level previous = activeLevels.put(key, alert.level());
      if (previous != alert.level()) {
        toNotify.add(alert);
      }
    }
    RuntimeException failure = null;
    for (Alert alert : toNotify) {
      for (AlertListener listener : listeners) {
        try {
          listener.onAlert(alert);
        } catch (RuntimeException e) {
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  @Override
  public String toString() {
    return "PerformanceMonitor[operations=" + operations.size() + "]";
  }

  /** One named operation's recorders. */
  private static final class Operation {
    final String name;
    final LatencyRecorder latency;
    final RateMeter rate;
    final LongAdder errors = new LongAdder();
    long errorsAtLastSnapshot; // guarded by the monitor

    Operation(String name, LatencyRecorder latency, RateMeter rate) {
      this.name = name;
      this.latency = latency;
      this.rate = rate;
    }

    void record(long nanos, boolean success) {
      // Latency first, errors second: a snapshot in between sees the call without its error
      // (counted in the next interval), never an error without its call.
      latency.record(Math.max(0, nanos));
      rate.mark();
      if (!success) {
        errors.increment();
      }
    }
  }

  /**
   * Builds a {@link PerformanceMonitor}. Thresholds are off unless set; each setter may be called at
   * most once. A critical threshold must not be below the warning threshold of the same figure.
   *
   * <p><b>Threading:</b> not thread-safe; build on one thread, then share the monitor.
   */
  public static final class Builder {
    static final int DEFAULT_MAX_OPERATIONS = 1024;
    // 1 % precision is plenty for monitoring and keeps each operation's histograms ~6x smaller than
    // LatencyRecorder's default of 3 digits (115 KiB instead of 720 KiB for one writer stripe and
    // latencies up to 10 ms).
    static final int DEFAULT_SIGNIFICANT_DIGITS = 2;

    private LongSupplier ticker;
    private Supplier<SystemSnapshot> systemSource;
    private int maxOperations = -1;
    private int significantDigits = -1;
    private long highestTrackableNanos = -1;
    private double p99WarningNanos = -1;
    private double p99CriticalNanos = -1;
    private double errorRateWarning = -1;
    private double errorRateCritical = -1;
    private double heapUsageWarning = -1;
    private double heapUsageCritical = -1;

    private Builder() {}

    /**
     * Raises a WARNING when an operation's interval p99 latency is above {@code threshold}. The p99
     * compared is the one reported, rounded up to the configured precision (see
     * {@link #significantDigits(int)}).
     *
     * @param threshold positive
     * @return this builder
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder p99Warning(Duration threshold) {
      Checks.requireState(p99WarningNanos < 0, "p99Warning was already set to %s ns",
          p99WarningNanos);
      p99WarningNanos = positiveNanos(threshold, "p99Warning");
      return this;
    }

    /**
     * Raises a CRITICAL alert when an operation's interval p99 latency is above {@code threshold}.
     *
     * @param threshold positive
     * @return this builder
     * @throws NullPointerException if {@code threshold} is null
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder p99Critical(Duration threshold) {
      Checks.requireState(p99CriticalNanos < 0, "p99Critical was already set to %s ns",
          p99CriticalNanos);
      p99CriticalNanos = positiveNanos(threshold, "p99Critical");
      return this;
    }

    /**
     * Raises a WARNING when an operation's interval error rate (failed / all calls) is above
     * {@code fraction}.
     *
     * @param fraction in {@code [0, 1)}; 0.01 means 1 %, 0 means any failure
     * @return this builder
     * @throws IllegalArgumentException if NaN or out of range
     * @throws IllegalStateException if already set
     */
    public Builder errorRateWarning(double fraction) {
      Checks.requireState(errorRateWarning < 0, "errorRateWarning was already set to %s",
          errorRateWarning);
      errorRateWarning = fraction(fraction, 0.0, "errorRateWarning");
      return this;
    }

    /**
     * Raises a CRITICAL alert when an operation's interval error rate is above {@code fraction}.
     *
     * @param fraction in {@code [0, 1)}
     * @return this builder
     * @throws IllegalArgumentException if NaN or out of range
     * @throws IllegalStateException if already set
     */
    public Builder errorRateCritical(double fraction) {
      Checks.requireState(errorRateCritical < 0, "errorRateCritical was already set to %s",
          errorRateCritical);
      errorRateCritical = fraction(fraction, 0.0, "errorRateCritical");
      return this;
    }

    /**
     * Raises a WARNING when heap in use is above {@code fraction} of the maximum heap.
     *
     * @param fraction in {@code (0, 1)}; 0.8 means 80 %
     * @return this builder
     * @throws IllegalArgumentException if NaN or out of range
     * @throws IllegalStateException if already set
     */
    public Builder heapUsageWarning(double fraction) {
      Checks.requireState(heapUsageWarning < 0, "heapUsageWarning was already set to %s",
          heapUsageWarning);
      heapUsageWarning = fraction(fraction, Double.MIN_VALUE, "heapUsageWarning");
      return this;
    }

    /**
     * Raises a CRITICAL alert when heap in use is above {@code fraction} of the maximum heap.
     *
     * @param fraction in {@code (0, 1)}
     * @return this builder
     * @throws IllegalArgumentException if NaN or out of range
     * @throws IllegalStateException if already set
     */
    public Builder heapUsageCritical(double fraction) {
      Checks.requireState(heapUsageCritical < 0, "heapUsageCritical was already set to %s",
          heapUsageCritical);
      heapUsageCritical = fraction(fraction, Double.MIN_VALUE, "heapUsageCritical");
      return this;
    }

    /**
     * Sets the nanosecond time source used to time calls and measure intervals. Default:
     * {@code System::nanoTime}.
     *
     * @param nanoTicker a monotonic nanosecond source
     * @return this builder
     * @throws NullPointerException if {@code nanoTicker} is null
     * @throws IllegalStateException if already set
     */
    public Builder ticker(LongSupplier nanoTicker) {
      Checks.requireState(ticker == null, "ticker was already set");
      ticker = Checks.requireNonNull(nanoTicker, "nanoTicker");
      return this;
    }

    /**
     * Sets where the system section comes from. Default: {@link SystemSnapshot#capture()}.
     *
     * @param source called once per snapshot
     * @return this builder
     * @throws NullPointerException if {@code source} is null
     * @throws IllegalStateException if already set
     */
    public Builder systemSource(Supplier<SystemSnapshot> source) {
      Checks.requireState(systemSource == null, "systemSource was already set");
      systemSource = Checks.requireNonNull(source, "source");
      return this;
    }

    /**
     * Sets how many distinct operation names the monitor accepts (a guard against unbounded names
     * such as URLs with ids). Default: 1024.
     *
     * @param max positive
     * @return this builder
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder maxOperations(int max) {
      Checks.requireState(maxOperations < 0, "maxOperations was already set to %s", maxOperations);
      maxOperations = Checks.checkPositive(max, "maxOperations");
      return this;
    }

    /**
     * Sets the latency precision in significant decimal digits (see
     * {@link LatencyRecorder.Builder#significantDigits(int)}). Default: 2 (within 1 %), which keeps
     * memory per operation small; 3 costs about 6 times more.
     *
     * @param digits in {@code [0, 5]}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder significantDigits(int digits) {
      Checks.requireState(significantDigits < 0, "significantDigits was already set to %s",
          significantDigits);
      significantDigits = Checks.checkInRange(digits, 0, 5, "significantDigits");
      return this;
    }

    /**
     * Sets the highest latency tracked exactly; longer calls count as this value (see
     * {@link LatencyRecorder.Builder#highestTrackableValue(Duration)}). Default: one hour.
     *
     * @param duration at least 2 ns
     * @return this builder
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder highestTrackableLatency(Duration duration) {
      Checks.requireState(highestTrackableNanos < 0,
          "highestTrackableLatency was already set to %s ns", highestTrackableNanos);
      long nanos = positiveNanos(duration, "highestTrackableLatency");
      highestTrackableNanos = Checks.checkInRange(nanos, 2, Long.MAX_VALUE / 2,
          "highestTrackableLatency");
      return this;
    }

    /**
     * Returns a new monitor.
     *
     * @return the monitor
     * @throws IllegalArgumentException if a critical threshold is below its warning threshold
     */
    public PerformanceMonitor build() {
      requireOrdered(p99WarningNanos, p99CriticalNanos, "p99");
      requireOrdered(errorRateWarning, errorRateCritical, "errorRate");
      requireOrdered(heapUsageWarning, heapUsageCritical, "heapUsage");
      return new PerformanceMonitor(this);
    }

    private static void requireOrdered(double warning, double critical, String name) {
      Checks.requireArgument(warning < 0 || critical < 0 || critical >= warning,
          "%sCritical: %s (expected: >= %sWarning %s)", name, critical, name, warning);
    }

    private static long positiveNanos(Duration duration, String name) {
      Checks.requireNonNull(duration, name);
      long nanos;
      try {
        nanos = duration.toNanos();
      } catch (ArithmeticException e) {
        nanos = duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
      return Checks.checkPositive(nanos, name);
    }

    private static double fraction(double value, double min, String name) {
      if (!(value >= min && value < 1.0)) {
        throw new IllegalArgumentException(name + ": " + value
            + (min == 0.0 ? " (expected: in [0.0, 1.0))" : " (expected: in (0.0, 1.0))"));
      }
      return value;
    }
  }
}
