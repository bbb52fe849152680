package io.perfkit.core.metrics;

import io.perfkit.core.internal.Checks;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Counts events and reports their rate: the mean rate since creation and exponentially weighted
 * moving averages over 1, 5 and 15 minutes, the way Unix computes its load average.
 *
 * <pre>{@code
 * RateMeter requests = RateMeter.create();
 * requests.mark();                       // on each request, from any thread
 * RateSnapshot r = requests.snapshot();  // r.oneMinuteRate() in events per second
 * }</pre>
 *
 * <p><b>Threading:</b> {@link #mark()} and {@link #mark(long)} may be called by any number of threads;
 * so may the readers, which are serialised internally.
 *
 * <p><b>Ordering:</b> marks that returned before a reader started are included in its count; a mark
 * concurrent with a reader is counted by that reader or the next one, never lost or counted twice.
 *
 * <p><b>Progress:</b> marking is lock-free (a {@link LongAdder} increment) and never ticks the
 * averages; readers tick them (catching up every elapsed 5-second interval in O(1)) under a lock.
 *
 * <p><b>Allocation:</b> none when marking; {@link #snapshot()} allocates the snapshot.
 */
public final class RateMeter {
  /*
   * Every TICK_INTERVAL (5 s, as the Unix load average and Dropwizard's Meter), each average moves
   * towards the interval's instantaneous rate: rate += alpha * (instant - rate), alpha = 1 - e^(-5/60M)
   * for an M-minute average. Averages start at 0, so a constant rate r read after n ticks is exactly
   * r * (1 - e^(-5n/60M)). Ticks happen lazily on read: the events counted since the last tick are
   * attributed to the first elapsed interval and the others decay the average by e^(-5/60M) each,
   * applied as one power. The rates only change at tick boundaries.
   */

  /** How often the moving averages advance. */
  static final long TICK_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(5);

  private static final double TICK_SECONDS = 5.0;
  private static final double DECAY_1 = Math.exp(-TICK_SECONDS / 60.0);
  private static final double DECAY_5 = Math.exp(-TICK_SECONDS / 60.0 / 5.0);
  private static final double DECAY_15 = Math.exp(-TICK_SECONDS / 60.0 / 15.0);

  private final LongAdder count = new LongAdder();
  private final LongSupplier ticker;
  private final long startNanos;

  // Guarded by `this`.
  private long lastTickNanos;
  private long countAtLastTick;
  private double rate1;
  private double rate5;
  private double rate15;

  private RateMeter(LongSupplier ticker) {
    this.ticker = ticker;
    this.startNanos = ticker.getAsLong();
    this.lastTickNanos = startNanos;
  }

  /** Returns a meter on {@link System#nanoTime()}. */
  public static RateMeter create() {
    return new RateMeter(System::nanoTime);
  }

  /**
   * Returns a meter reading time from {@code nanoTicker}, a monotonic nanosecond source such as
   * {@code System::nanoTime} (tests pass a fake one).
   *
   * @param nanoTicker the time source; called on creation and by readers only, never by marks
   * @return the meter
   * @throws NullPointerException if {@code nanoTicker} is null
   */
  public static RateMeter create(LongSupplier nanoTicker) {
    return new RateMeter(Checks.requireNonNull(nanoTicker, "nanoTicker"));
  }

  /** Records one event. */
  public void mark() {
    count.increment();
  }

  /**
   * Records {@code n} events.
   *
   * @param n the number of events, {@code >= 0}
   * @throws IllegalArgumentException if {@code n < 0}
   */
  public void mark(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
    count.add(n);
  }

  /** Returns the number of events marked so far. */
  public long count() {
    return count.sum();
  }

  /** Returns the one-minute moving average rate, in events per second. */
  public synchronized double oneMinuteRate() {
    tickIfNecessary(ticker.getAsLong());
    return rate1;
  }

  /** Returns the five-minute moving average rate, in events per second. */
  public synchronized double fiveMinuteRate() {
    tickIfNecessary(ticker.getAsLong());
    return rate5;
  }

  /** Returns the fifteen-minute moving average rate, in events per second. */
  public synchronized double fifteenMinuteRate() {
    tickIfNecessary(ticker.getAsLong());
    return rate15;
  }

  /** Returns the mean rate since creation, in events per second (0 if no time has passed). */
  public double meanRate() {
    return meanRate(count.sum(), ticker.getAsLong());
  }

  private double meanRate(long events, long nowNanos) {
    long elapsed = nowNanos - startNanos;
    return elapsed <= 0 ? 0.0 : events * 1e9 / elapsed;
  }

  /** Returns the count and every rate, read at one instant. */
  public synchronized RateSnapshot snapshot() {
    long now = ticker.getAsLong();
    tickIfNecessary(now);
    long events = count.sum();
    return new RateSnapshot(events, meanRate(events, now), rate1, rate5, rate15);
  }

  private void tickIfNecessary(long nowNanos) {
    long elapsed = nowNanos - lastTickNanos;
    if (elapsed < TICK_INTERVAL_NANOS) {
      return;
    }
    long ticks = elapsed / TICK_INTERVAL_NANOS;
    lastTickNanos += ticks * TICK_INTERVAL_NANOS;
    long total = count.sum();
    double instant = (total - countAtLastTick) / TICK_SECONDS;
    countAtLastTick = total;
    rate1 = advance(rate1, instant, DECAY_1, ticks);
    rate5 = advance(rate5, instant, DECAY_5, ticks);
    rate15 = advance(rate15, instant, DECAY_15, ticks);
  }

  private static double advance(double rate, double instant, double decay, long ticks) {
    double afterFirst = instant + decay * (rate - instant);
    return ticks == 1 ? afterFirst : afterFirst * Math.pow(decay, ticks - 1);
  }

  @Override
  public String toString() {
    return "RateMeter[count=" + count() + "]";
  }
}
