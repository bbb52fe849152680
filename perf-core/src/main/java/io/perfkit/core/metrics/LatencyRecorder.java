package io.perfkit.core.metrics;

import io.perfkit.core.internal.Checks;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * A concurrent latency recorder: any number of threads {@link #record(long) record} values
 * (normally nanoseconds) while a reader takes cumulative {@link #snapshot() snapshots} or
 * {@link #intervalSnapshot() interval snapshots} with percentiles, at a fixed relative precision.
 *
 * <pre>{@code
 * LatencyRecorder latency = LatencyRecorder.newBuilder()
 *     .highestTrackableValue(Duration.ofSeconds(10))
 *     .significantDigits(3)
 *     .build();
 * long start = System.nanoTime();
 * doWork();
 * latency.record(System.nanoTime() - start);
 * LatencySnapshot s = latency.intervalSnapshot();   // since the previous interval snapshot
 * System.out.println(s.p99() + " ns at p99 over " + s.count() + " calls");
 * }</pre>
 *
 * <p><b>Threading:</b> {@code record*} may be called by any number of threads concurrently with each
 * other and with the reader methods. The reader methods ({@code snapshot}, {@code intervalSnapshot},
 * {@code reset}) are serialised internally and may be called from any thread.
 *
 * <p><b>Ordering:</b> a value recorded by a {@code record*} call that returned before a reader method
 * started is included in that reader method's result (or in the state that {@code reset} discards);
 * a value recorded concurrently with a reader method lands in exactly one interval, never zero or two.
 *
 * <p><b>Progress:</b> {@code record*} is wait-free, except (a) the first record a stripe receives,
 * which allocates the stripe, and (b) a value beyond the range the stripe's histogram covers so far,
 * which grows it (at most once per power of two of range; the resize briefly waits for that stripe's
 * other writers). Reader methods block each other, never a writer.
 *
 * <p><b>Allocation:</b> none in {@code record*} once the stripe exists and its histogram covers the
 * value (histograms grow to the largest value seen, up to the highest trackable value). Measured
 * retained memory of a recorder written by one thread, at 3 significant digits: about 720 KiB for
 * values up to 10 ms, 1.5 MiB up to one hour; at 2 digits 115 KiB and 220 KiB. Each further stripe
 * written to adds about two thirds of that (its Recorder's two concurrent histograms). Stripes are
 * created on first use.
 *
 * <p>Values above the highest trackable value are recorded as that value and counted in
 * {@link LatencySnapshot#clampedCount()}, so nothing is lost and nothing silently distorted.
 */
public final class LatencyRecorder {
  /*
   * Design. One HdrHistogram Recorder shared by several writer threads costs 10x more per record
   * than an uncontended one (150-190 ns vs ~13 ns on a 2-core machine): every record does an atomic
   * increment on the Recorder's phaser counter and on the histogram's, all on shared cache lines.
   * So writers are spread over a fixed power-of-two array of stripes, each with its own Recorder,
   * chosen by a Fibonacci hash of the thread id. A fixed array (not one Recorder per thread in a
   * ThreadLocal) means that dead threads' values stay in their stripe until the next snapshot, and
   * millions of short-lived virtual threads never allocate a recorder each. Two threads that hash to
   * the same stripe stay correct (Recorder is multi-writer safe) and merely contend on it.
   *
   * Stripes are created lazily (a Recorder's histograms are the bulk of the memory) and published
   * with a CAS; readers drain every stripe's interval histogram (Recorder's WriterReaderPhaser flip
   * makes this lossless against concurrent writers) into `pending` (since the last interval
   * snapshot) and `total` (since creation or reset).
   */

  /** Default highest trackable value: one hour in nanoseconds. */
  static final long DEFAULT_HIGHEST_TRACKABLE_VALUE = TimeUnit.HOURS.toNanos(1);

  /** Default number of significant decimal digits. */
  static final int DEFAULT_SIGNIFICANT_DIGITS = 3;

  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;
  private static final VarHandle STRIPES = MethodHandles.arrayElementVarHandle(Recorder[].class);

  private final long highestTrackableValue;
  private final int significantDigits;
  private final long expectedIntervalNanos;
  private final Recorder[] stripes;
  private final LongAdder clamped = new LongAdder();

  // Reader state, guarded by `this`.
  private final Histogram pending;
  private final Histogram total;
  private final Histogram[] recycled;
  private long clampedDrained;
  private long clampedPending;
  private long clampedTotal;

  private LatencyRecorder(Builder builder) {
    this.highestTrackableValue = builder.highestTrackableValue > 0
        ? builder.highestTrackableValue : DEFAULT_HIGHEST_TRACKABLE_VALUE;
    this.significantDigits = builder.significantDigits >= 0
        ? builder.significantDigits : DEFAULT_SIGNIFICANT_DIGITS;
    this.expectedIntervalNanos = Math.max(0, builder.expectedIntervalNanos);
    int stripeCount = builder.stripes > 0 ? builder.stripes : defaultStripes();
    this.stripes = new Recorder[stripeCount];
    this.recycled = new Histogram[stripeCount];
    this.pending = newHistogram(significantDigits);
    this.total = newHistogram(significantDigits);
  }

  /** Returns a recorder with the defaults: highest trackable value one hour (in ns), 3 digits. */
  public static LatencyRecorder create() {
    return newBuilder().build();
  }

  /** Returns a builder with the defaults of {@link #create()}. */
  public static Builder newBuilder() {
    return new Builder();
  }

  private static int defaultStripes() {
    int n = Math.min(64, 2 * Runtime.getRuntime().availableProcessors());
    return Integer.highestOneBit(Math.max(2, n - 1)) << 1;
  }

  private static Histogram newHistogram(int digits) {
    Histogram h = new Histogram(digits);
    h.setAutoResize(true);
    return h;
  }

  // ---------------------------------------------------------------- recording

  /**
   * Records one value (normally a latency in nanoseconds). If the builder set an
   * {@linkplain Builder#expectedInterval(Duration) expected interval}, corrects for coordinated
   * omission as {@link #recordWithExpectedInterval(long, long)} does.
   *
   * @param nanos the value, {@code >= 0}; values above the highest trackable value are recorded as it
   * @throws IllegalArgumentException if {@code nanos < 0}
   */
  public void record(long nanos) {
    // One unsigned comparison covers both rare cases: negative (huge unsigned) and too large.
    if (Long.compareUnsigned(nanos, highestTrackableValue) > 0) {
      nanos = outOfRange(nanos);
    }
    Recorder recorder = stripe();
    if (expectedIntervalNanos == 0) {
      recorder.recordValue(nanos);
    } else {
      recorder.recordValueWithExpectedInterval(nanos, expectedIntervalNanos);
    }
  }

  /**
   * Records one value and, if it exceeds {@code expectedIntervalNanos}, the synthetic values
   * {@code nanos - k * expectedIntervalNanos} for each {@code k >= 1} while they still exceed the
   * interval: the samples a load generator that waits for each response (coordinated omission) failed
   * to take while this one was stalled. See HdrHistogram's {@code recordValueWithExpectedInterval}.
   *
   * @param nanos the value, {@code >= 0}
   * @param expectedIntervalNanos the expected interval between samples; 0 disables the correction
   * @throws IllegalArgumentException if either argument is negative
   */
  public void recordWithExpectedInterval(long nanos, long expectedIntervalNanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
    }
    if (expectedIntervalNanos < 0) {
      throw new IllegalArgumentException(
          "expectedIntervalNanos: " + expectedIntervalNanos + " (expected: >= 0)");
    }
    if (nanos > highestTrackableValue) {
      nanos = clamp();
    }
    stripe().recordValueWithExpectedInterval(nanos, expectedIntervalNanos);
  }

  private long outOfRange(long nanos) {
    if (nanos < 0) {
      throw new IllegalArgumentException("nanos: " + nanos + " (expected: >= 0)");
    }
    return clamp();
  }

  private long clamp() {
    clamped.increment();
    return highestTrackableValue;
  }

  private Recorder stripe() {
    @SuppressWarnings("deprecation") // Thread.getId(): threadId() needs JDK 19; same value.
    long id = Thread.currentThread().getId();
    Recorder[] stripes = this.stripes;
    // Masking with length - 1 (a power of two) lets the JIT drop the bounds check.
    int index = (int) ((id * GOLDEN_GAMMA) >>> 32) & (stripes.length - 1);
    // Acquire pairs with the CAS that published the stripe: its Recorder is fully constructed.
    Recorder stripe = (Recorder) STRIPES.getAcquire(stripes, index);
    return stripe != null ? stripe : createStripe(index);
  }

  private Recorder createStripe(int index) {
    Recorder created = new Recorder(significantDigits);
    // Volatile CAS publishes the constructed stripe; a loser adopts the winner's stripe.
    Recorder witness = (Recorder) STRIPES.compareAndExchange(stripes, index, null, created);
    return witness == null ? created : witness;
  }

  // ---------------------------------------------------------------- reading

  /**
   * Returns a summary of every value recorded since this recorder was created or last
   * {@linkplain #reset() reset}. Does not affect {@link #intervalSnapshot()}.
   */
  public synchronized LatencySnapshot snapshot() {
    drain();
    return LatencySnapshot.of(total, clampedTotal);
  }

  /**
   * Returns a summary of the values recorded since the previous call to this method (or since
   * creation or the last {@linkplain #reset() reset}) and starts a new interval. Every recorded value
   * appears in exactly one interval snapshot.
   */
  public synchronized LatencySnapshot intervalSnapshot() {
    drain();
    LatencySnapshot snapshot = LatencySnapshot.of(pending, clampedPending);
    pending.reset();
    clampedPending = 0;
    return snapshot;
  }

  /** Discards everything recorded so far: both the cumulative and the interval state. */
  public synchronized void reset() {
    drain();
    pending.reset();
    total.reset();
    clampedPending = 0;
    clampedTotal = 0;
  }

  private void drain() {
    for (int i = 0; i < stripes.length; i++) {
      // Acquire: see stripe(); a stripe created after this read is drained by the next reader call.
      Recorder stripe = (Recorder) STRIPES.getAcquire(stripes, i);
      if (stripe != null) {
        Histogram interval = stripe.getIntervalHistogram(recycled[i]);
        recycled[i] = interval;
        pending.add(interval);
        total.add(interval);
      }
    }
    long clampedNow = clamped.sum();
    long delta = clampedNow - clampedDrained;
    clampedDrained = clampedNow;
    clampedPending += delta;
    clampedTotal += delta;
  }

  /** Returns the highest value recorded without clamping. */
  public long highestTrackableValue() {
    return highestTrackableValue;
  }

  /** Returns the number of significant decimal digits values are kept to. */
  public int significantDigits() {
    return significantDigits;
  }

  /** Returns the number of stripes writers are spread over. */
  public int stripes() {
    return stripes.length;
  }

  @Override
  public String toString() {
    return "LatencyRecorder[highestTrackableValue=" + highestTrackableValue
        + ", significantDigits=" + significantDigits + ", stripes=" + stripes.length + "]";
  }

  /**
   * Builds a {@link LatencyRecorder}. Each setter may be called at most once.
   *
   * <p><b>Threading:</b> not thread-safe; build on one thread, then share the recorder.
   */
  public static final class Builder {
    private long highestTrackableValue = -1;
    private int significantDigits = -1;
    private long expectedIntervalNanos = -1;
    private int stripes = -1;

    private Builder() {}

    /**
     * Sets the highest value (in the recorded unit, normally nanoseconds) tracked exactly; larger
     * values are recorded as this value and counted as clamped. Default: one hour in nanoseconds.
     *
     * @param value in {@code [2, Long.MAX_VALUE / 2]}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder highestTrackableValue(long value) {
      Checks.requireState(highestTrackableValue < 0,
          "highestTrackableValue was already set to %s", highestTrackableValue);
      Checks.checkInRange(value, 2, Long.MAX_VALUE / 2, "highestTrackableValue");
      highestTrackableValue = value;
      return this;
    }

    /**
     * Sets the highest trackable latency as a duration, in nanoseconds.
     *
     * @param duration in {@code [2 ns, Long.MAX_VALUE / 2 ns]}
     * @return this builder
     * @throws NullPointerException if {@code duration} is null
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder highestTrackableValue(Duration duration) {
      Checks.requireNonNull(duration, "duration");
      return highestTrackableValue(saturatedNanos(duration));
    }

    /**
     * Sets how many significant decimal digits values are kept to (HdrHistogram's precision): 2 keeps
     * them within 1 %, 3 within 0.1 %. Default: 3.
     *
     * @param digits in {@code [0, 5]}
     * @return this builder
     * @throws IllegalArgumentException if out of range
     * @throws IllegalStateException if already set
     */
    public Builder significantDigits(int digits) {
      Checks.requireState(significantDigits < 0,
          "significantDigits was already set to %s", significantDigits);
      significantDigits = Checks.checkInRange(digits, 0, 5, "significantDigits");
      return this;
    }

    /**
     * Makes {@link LatencyRecorder#record(long)} correct for coordinated omission with this expected
     * interval between samples (see {@link LatencyRecorder#recordWithExpectedInterval(long, long)}).
     * Default: no correction.
     *
     * @param interval the expected interval, positive
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if not positive
     * @throws IllegalStateException if already set
     */
    public Builder expectedInterval(Duration interval) {
      Checks.requireNonNull(interval, "interval");
      Checks.requireState(expectedIntervalNanos < 0,
          "expectedInterval was already set to %s ns", expectedIntervalNanos);
      expectedIntervalNanos = Checks.checkPositive(saturatedNanos(interval), "interval");
      return this;
    }

    /**
     * Sets the number of writer stripes. More stripes make it less likely that two busy threads
     * share one (and contend) at the cost of memory for each stripe used. Default: twice the number
     * of processors rounded up to a power of two, at least 4, at most 64.
     *
     * @param count a power of two in {@code [1, 1024]}
     * @return this builder
     * @throws IllegalArgumentException if not a power of two in range
     * @throws IllegalStateException if already set
     */
    public Builder stripes(int count) {
      Checks.requireState(stripes < 0, "stripes was already set to %s", stripes);
      Checks.checkInRange(count, 1, 1024, "stripes");
      Checks.requireArgument(Integer.bitCount(count) == 1,
          "stripes: %s (expected: a power of two)", count);
      stripes = count;
      return this;
    }

    /** Returns a new recorder with this builder's settings. */
    public LatencyRecorder build() {
      return new LatencyRecorder(this);
    }

    private static long saturatedNanos(Duration duration) {
      try {
        return duration.toNanos();
      } catch (ArithmeticException e) {
        return duration.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
      }
    }
  }
}
