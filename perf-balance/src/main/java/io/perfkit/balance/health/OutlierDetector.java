package io.perfkit.balance.health;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Membership;
import io.perfkit.balance.Ticker;
import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Passive outlier ejection as Envoy does it: request outcomes reported with {@link #record} eject an
 * endpoint from a {@link Membership} (through {@link Membership#setEjected}) after a run of
 * consecutive failures or, optionally, when its success rate falls below {@code mean - factor *
 * stdev} of its peers; it is restored after {@code baseEjectionTime * timesEjected}, capped at
 * {@code maxEjectionTime}.
 *
 * <p>At most {@code maxEjectionPercent} of the endpoints are ejected at once, except that one
 * endpoint may always be ejected when none is (Envoy's rule): in a 3-endpoint cluster with the
 * default 10 % exactly one can be out, and never two.
 *
 * <p>Time-driven work (restoring endpoints, lowering the ejection multiplier of endpoints that
 * stayed in, success-rate evaluation) runs in {@link #evaluate()}, which the caller invokes every
 * {@code interval}, or which the detector schedules itself on the {@link
 * Builder#scheduler(ScheduledExecutorService) scheduler} the caller supplies. No thread is created.
 *
 * <p><b>Threading:</b> thread-safe. {@link #record} is lock-free except when it ejects; {@link
 * #evaluate()} and ejections serialise on the detector. <b>Time:</b> from the builder's {@link
 * Ticker}.
 */
public final class OutlierDetector implements AutoCloseable {
  /*
   * Envoy outlier_detection: consecutive_5xx (default 5), interval (10 s), base_ejection_time
   * (30 s), max_ejection_time (300 s), max_ejection_percent (10), success rate with
   * success_rate_minimum_hosts (5), success_rate_request_volume (100), success_rate_stdev_factor
   * (1900 / 1000 = 1.9). The ejection multiplier grows by one at each ejection and shrinks by one at
   * each interval the host spends un-ejected.
   */
  private static final class Host {
    final AtomicInteger consecutiveFailures = new AtomicInteger();
    final AtomicLong successes = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    // guarded by the detector
    boolean ejected;
    long ejectedAtNanos;
    int multiplier;
  }

  private final Membership target;
  private final Ticker ticker;
  private final int consecutiveFailures;
  private final long baseEjectionNanos;
  private final long maxEjectionNanos;
  private final double maxEjectionPercent;
  private final boolean successRate;
  private final int successRateMinimumHosts;
  private final long successRateRequestVolume;
  private final double successRateStdevFactor;
  private final Map<String, Host> hosts = new ConcurrentHashMap<>();
  private final ScheduledFuture<?> schedule;

  private OutlierDetector(Builder b) {
    this.target = b.target;
    this.ticker = b.ticker;
    this.consecutiveFailures = b.consecutiveFailures;
    this.baseEjectionNanos = b.baseEjectionNanos;
    this.maxEjectionNanos = Math.max(b.baseEjectionNanos, b.maxEjectionNanos);
    this.maxEjectionPercent = b.maxEjectionPercent;
    this.successRate = b.successRate;
    this.successRateMinimumHosts = b.successRateMinimumHosts;
    this.successRateRequestVolume = b.successRateRequestVolume;
    this.successRateStdevFactor = b.successRateStdevFactor;
    this.schedule =
        b.scheduler == null
            ? null
            : b.scheduler.scheduleAtFixedRate(
                this::evaluateQuietly, b.intervalNanos, b.intervalNanos, TimeUnit.NANOSECONDS);
  }

  /**
   * Returns a builder for a detector that ejects endpoints of {@code target}.
   *
   * @param target the membership to eject from
   * @return the builder
   * @throws NullPointerException if {@code target} is null
   */
  public static Builder newBuilder(Membership target) {
    return new Builder(Checks.requireNonNull(target, "target"));
  }

  /**
   * Records the outcome of one request to the endpoint {@code id}; may eject it.
   *
   * @param id the endpoint id
   * @param success whether the request succeeded
   * @throws NullPointerException if {@code id} is null
   */
  public void record(String id, boolean success) {
    Checks.requireNonNull(id, "id");
    Host host = hosts.computeIfAbsent(id, k -> new Host());
    host.requests.incrementAndGet();
    if (success) {
      host.successes.incrementAndGet();
      host.consecutiveFailures.set(0);
    } else if (host.consecutiveFailures.incrementAndGet() >= consecutiveFailures
        && consecutiveFailures > 0) {
      synchronized (this) {
        if (!host.ejected && host.consecutiveFailures.get() >= consecutiveFailures) {
          eject(id, host, ticker.read());
        }
      }
    }
  }

  /** Ejects if the max-percent rule allows; caller holds the lock. */
  private boolean eject(String id, Host host, long now) {
    int n = target.endpoints().size();
    int ejectedNow = 0;
    for (Host h : hosts.values()) {
      if (h.ejected) {
        ejectedNow++;
      }
    }
    if (n == 0 || (ejectedNow > 0 && (ejectedNow + 1) * 100.0 / n > maxEjectionPercent)) {
      return false;
    }
    if (!target.setEjected(id, true) && !isMemberEjected(id)) {
      return false; // unknown id
    }
    host.ejected = true;
    host.ejectedAtNanos = now;
    host.multiplier++;
    host.consecutiveFailures.set(0);
    return true;
  }

  private boolean isMemberEjected(String id) {
    return target.endpoints().stream().anyMatch(e -> e.id().equals(id)) && !target.isAvailable(id);
  }

  /**
   * Runs the interval work at the ticker's current time: forgets endpoints no longer in the
   * membership, restores endpoints whose ejection time is over, lowers the multiplier of endpoints that stayed in, runs success-rate ejection if enabled,
   * and starts a new counting interval.
   */
  public synchronized void evaluate() {
    long now = ticker.read();
    Set<String> present = new HashSet<>();
    for (Endpoint e : target.endpoints()) {
      present.add(e.id());
    }
    hosts.keySet().retainAll(present); // forget endpoints that left the membership
    for (Map.Entry<String, Host> e : hosts.entrySet()) {
      Host h = e.getValue();
      if (h.ejected) {
        long duration = Math.min(baseEjectionNanos * h.multiplier, maxEjectionNanos);
        if (now - h.ejectedAtNanos >= duration) {
          h.ejected = false;
          target.setEjected(e.getKey(), false);
        }
      } else if (h.multiplier > 0) {
        h.multiplier--;
      }
    }
    if (successRate) {
      ejectBySuccessRate(now);
    }
    for (Host h : hosts.values()) {
      h.successes.set(0);
      h.requests.set(0);
    }
  }

  private void ejectBySuccessRate(long now) {
    List<String> ids = new ArrayList<>();
    List<Double> rates = new ArrayList<>();
    for (Map.Entry<String, Host> e : hosts.entrySet()) {
      Host h = e.getValue();
      long requests = h.requests.get();
      if (!h.ejected && requests >= successRateRequestVolume) {
        ids.add(e.getKey());
        rates.add(h.successes.get() / (double) requests);
      }
    }
    if (ids.size() < successRateMinimumHosts) {
      return;
    }
    double mean = 0;
    for (double r : rates) {
      mean += r;
    }
    mean /= rates.size();
    double variance = 0;
    for (double r : rates) {
      variance += (r - mean) * (r - mean);
    }
    double threshold = mean - successRateStdevFactor * Math.sqrt(variance / rates.size());
    for (int i = 0; i < ids.size(); i++) {
      if (rates.get(i) < threshold) {
        eject(ids.get(i), hosts.get(ids.get(i)), now);
      }
    }
  }

  private void evaluateQuietly() {
    try {
      evaluate();
    } catch (RuntimeException e) {
      // A failing membership must not cancel the periodic task; the next interval retries.
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }
  }

  /**
   * Returns whether this detector currently holds {@code id} ejected.
   *
   * @param id the endpoint id
   * @return {@code true} if ejected
   * @throws NullPointerException if {@code id} is null
   */
  public synchronized boolean isEjected(String id) {
    Host h = hosts.get(Checks.requireNonNull(id, "id"));
    return h != null && h.ejected;
  }

  /**
   * Returns how many times in a row (net of decay) {@code id} has been ejected: the multiplier of
   * its next ejection time.
   *
   * @param id the endpoint id
   * @return the multiplier, 0 if never ejected
   * @throws NullPointerException if {@code id} is null
   */
  public synchronized int ejectionMultiplier(String id) {
    Host h = hosts.get(Checks.requireNonNull(id, "id"));
    return h == null ? 0 : h.multiplier;
  }

  /** Cancels the periodic evaluation if this detector scheduled one; ejected endpoints stay out. */
  @Override
  public void close() {
    if (schedule != null) {
      schedule.cancel(false);
    }
  }

  /** Builder for {@link OutlierDetector}; each setter may be called once. Not thread-safe. */
  public static final class Builder {
    private final Membership target;
    private Ticker ticker = Ticker.system();
    private int consecutiveFailures = 5;
    private long baseEjectionNanos = Duration.ofSeconds(30).toNanos();
    private long maxEjectionNanos = Duration.ofSeconds(300).toNanos();
    private double maxEjectionPercent = 10;
    private boolean successRate;
    private int successRateMinimumHosts = 5;
    private long successRateRequestVolume = 100;
    private double successRateStdevFactor = 1.9;
    private long intervalNanos = Duration.ofSeconds(10).toNanos();
    private ScheduledExecutorService scheduler;
    private final Set<String> set = new HashSet<>();

    private Builder(Membership target) {
      this.target = target;
    }

    private void once(String name) {
      Checks.requireState(set.add(name), "%s was already set", name);
    }

    /**
     * Sets the time source. Default {@link Ticker#system()}.
     *
     * @param newTicker the ticker
     * @return this builder
     * @throws NullPointerException if {@code newTicker} is null
     * @throws IllegalStateException if already set
     */
    public Builder ticker(Ticker newTicker) {
      once("ticker");
      ticker = Checks.requireNonNull(newTicker, "ticker");
      return this;
    }

    /**
     * Sets the consecutive failures that eject an endpoint; 0 disables this check. Default 5.
     *
     * @param count {@code >= 0}
     * @return this builder
     * @throws IllegalArgumentException if {@code count} is negative
     * @throws IllegalStateException if already set
     */
    public Builder consecutiveFailures(int count) {
      once("consecutiveFailures");
      consecutiveFailures = Checks.checkNonNegative(count, "consecutiveFailures");
      return this;
    }

    /**
     * Sets the base ejection time (multiplied by the times ejected). Default 30 s.
     *
     * @param time positive
     * @return this builder
     * @throws NullPointerException if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder baseEjectionTime(Duration time) {
      once("baseEjectionTime");
      baseEjectionNanos =
          Checks.checkPositive(Checks.requireNonNull(time, "time").toNanos(), "baseEjectionTime");
      return this;
    }

    /**
     * Sets the longest ejection (at least the base time is used). Default 300 s.
     *
     * @param time positive
     * @return this builder
     * @throws NullPointerException if {@code time} is null
     * @throws IllegalArgumentException if {@code time} is zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder maxEjectionTime(Duration time) {
      once("maxEjectionTime");
      maxEjectionNanos =
          Checks.checkPositive(Checks.requireNonNull(time, "time").toNanos(), "maxEjectionTime");
      return this;
    }

    /**
     * Sets the largest percentage of endpoints ejected at once (one may always be). Default 10.
     *
     * @param percent in {@code [0, 100]}
     * @return this builder
     * @throws IllegalArgumentException if {@code percent} is NaN or outside {@code [0, 100]}
     * @throws IllegalStateException if already set
     */
    public Builder maxEjectionPercent(double percent) {
      once("maxEjectionPercent");
      Checks.requireArgument(
          percent >= 0 && percent <= 100, "maxEjectionPercent: %s (expected: in [0, 100])", percent);
      maxEjectionPercent = percent;
      return this;
    }

    /**
     * Enables success-rate ejection: at each evaluation, among endpoints with at least {@code
     * requestVolume} requests in the interval, and if there are at least {@code minimumHosts} of
     * them, eject those below {@code mean - stdevFactor * stdev}. Envoy's defaults: 5, 100, 1.9.
     *
     * @param minimumHosts positive
     * @param requestVolume positive
     * @param stdevFactor positive and finite
     * @return this builder
     * @throws IllegalArgumentException if a value is out of range
     * @throws IllegalStateException if already set
     */
    public Builder successRateEjection(int minimumHosts, long requestVolume, double stdevFactor) {
      once("successRateEjection");
      successRate = true;
      successRateMinimumHosts = Checks.checkPositive(minimumHosts, "minimumHosts");
      successRateRequestVolume = Checks.checkPositive(requestVolume, "requestVolume");
      successRateStdevFactor = Checks.checkPositiveFinite(stdevFactor, "stdevFactor");
      return this;
    }

    /**
     * Sets the evaluation interval used with {@link #scheduler}. Default 10 s.
     *
     * @param interval positive
     * @return this builder
     * @throws NullPointerException if {@code interval} is null
     * @throws IllegalArgumentException if {@code interval} is zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder interval(Duration interval) {
      once("interval");
      intervalNanos =
          Checks.checkPositive(Checks.requireNonNull(interval, "interval").toNanos(), "interval");
      return this;
    }

    /**
     * Makes the detector run {@link OutlierDetector#evaluate()} every interval on this scheduler
     * (which the caller owns and shuts down). Default: none, the caller invokes evaluate().
     *
     * @param newScheduler the scheduler
     * @return this builder
     * @throws NullPointerException if {@code newScheduler} is null
     * @throws IllegalStateException if already set
     */
    public Builder scheduler(ScheduledExecutorService newScheduler) {
      once("scheduler");
      scheduler = Checks.requireNonNull(newScheduler, "scheduler");
      return this;
    }

    /**
     * Builds the detector (and schedules it if a scheduler was given).
     *
     * @return the detector
     */
    public OutlierDetector build() {
      return new OutlierDetector(this);
    }
  }
}
