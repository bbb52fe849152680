package io.perfkit.balance.health;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Membership;
import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Active health checking: every {@code interval}, probes each endpoint of a {@link Membership} and
 * marks it down after {@code unhealthyThreshold} consecutive failed probes and up again after
 * {@code healthyThreshold} consecutive successes (through {@link Membership#setHealthy}).
 * Endpoints start healthy.
 *
 * <p>The checker owns no thread: {@link #start()} schedules rounds on the caller's {@link
 * ScheduledExecutorService}; {@link #checkNow()} runs one round on the calling thread (tests,
 * or callers with their own timer).
 *
 * <p><b>Threading:</b> thread-safe; rounds never overlap (they serialise on the checker).
 */
public final class ActiveHealthChecker implements AutoCloseable {
  private final Membership target;
  private final HealthProbe probe;
  private final long intervalNanos;
  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private final ScheduledExecutorService scheduler;
  private final Map<String, int[]> streaks = new HashMap<>(); // guarded by this: {ok, failed}
  private ScheduledFuture<?> future; // guarded by this
  private boolean closed; // guarded by this

  private ActiveHealthChecker(Builder b) {
    this.target = b.target;
    this.probe = b.probe;
    this.intervalNanos = b.intervalNanos;
    this.healthyThreshold = b.healthyThreshold;
    this.unhealthyThreshold = b.unhealthyThreshold;
    this.scheduler = b.scheduler;
  }

  /**
   * Returns a builder.
   *
   * @param target the membership whose endpoints are probed and marked
   * @param probe the probe
   * @return the builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder newBuilder(Membership target, HealthProbe probe) {
    return new Builder(Checks.requireNonNull(target, "target"), Checks.requireNonNull(probe, "probe"));
  }

  /**
   * Schedules a round every interval (the first one interval from now).
   *
   * @throws IllegalStateException if no scheduler was given, or already started or closed
   */
  public synchronized void start() {
    Checks.requireState(scheduler != null, "no scheduler configured");
    Checks.requireState(future == null && !closed, "already started or closed");
    future =
        scheduler.scheduleWithFixedDelay(
            this::checkQuietly, intervalNanos, intervalNanos, TimeUnit.NANOSECONDS);
  }

  private void checkQuietly() {
    try {
      checkNow();
    } catch (RuntimeException e) {
      Thread t = Thread.currentThread();
      t.getUncaughtExceptionHandler().uncaughtException(t, e);
    }
  }

  /**
   * Probes every endpoint once, on the calling thread, and applies the thresholds.
   *
   * @throws IllegalStateException if the checker was closed
   */
  public synchronized void checkNow() {
    Checks.requireState(!closed, "health checker closed");
    List<Endpoint> endpoints = target.endpoints();
    Set<String> present = new HashSet<>();
    for (Endpoint e : endpoints) {
      present.add(e.id());
      boolean ok;
      try {
        ok = probe.probe(e);
      } catch (InterruptedException ie) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception ex) {
        ok = false;
      }
      int[] streak = streaks.computeIfAbsent(e.id(), k -> new int[2]);
      if (ok) {
        streak[0]++;
        streak[1] = 0;
        if (streak[0] >= healthyThreshold) {
          target.setHealthy(e.id(), true);
        }
      } else {
        streak[1]++;
        streak[0] = 0;
        if (streak[1] >= unhealthyThreshold) {
          target.setHealthy(e.id(), false);
        }
      }
    }
    streaks.keySet().retainAll(present);
  }

  /** Stops scheduled rounds; endpoints keep their current health. Idempotent. */
  @Override
  public synchronized void close() {
    closed = true;
    if (future != null) {
      future.cancel(false);
    }
  }

  /** Builder for {@link ActiveHealthChecker}; each setter may be called once. Not thread-safe. */
  public static final class Builder {
    private final Membership target;
    private final HealthProbe probe;
    private long intervalNanos = Duration.ofSeconds(10).toNanos();
    private int healthyThreshold = 2;
    private int unhealthyThreshold = 3;
    private ScheduledExecutorService scheduler;
    private final Set<String> set = new HashSet<>();

    private Builder(Membership target, HealthProbe probe) {
      this.target = target;
      this.probe = probe;
    }

    private void once(String name) {
      Checks.requireState(set.add(name), "%s was already set", name);
    }

    /**
     * Sets the time between rounds. Default 10 s.
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
     * Sets the consecutive successes that mark a down endpoint up. Default 2.
     *
     * @param threshold positive
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder healthyThreshold(int threshold) {
      once("healthyThreshold");
      healthyThreshold = Checks.checkPositive(threshold, "healthyThreshold");
      return this;
    }

    /**
     * Sets the consecutive failures that mark an endpoint down. Default 3.
     *
     * @param threshold positive
     * @return this builder
     * @throws IllegalArgumentException if {@code threshold} is zero or negative
     * @throws IllegalStateException if already set
     */
    public Builder unhealthyThreshold(int threshold) {
      once("unhealthyThreshold");
      unhealthyThreshold = Checks.checkPositive(threshold, "unhealthyThreshold");
      return this;
    }

    /**
     * Sets the scheduler that {@link ActiveHealthChecker#start()} uses (owned by the caller).
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
     * Builds the checker (not started).
     *
     * @return the checker
     */
    public ActiveHealthChecker build() {
      return new ActiveHealthChecker(this);
    }
  }
}
