package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Parks for a fixed period on every idle step. Stateless. */
final class ParkingIdleStrategy implements IdleStrategy {
  static final long MAX_PARK_NANOS = TimeUnit.HOURS.toNanos(1);

  private final long parkNanos;

  ParkingIdleStrategy(Duration period) {
    Checks.requireNonNull(period, "period");
    Checks.requireArgument(
        period.compareTo(Duration.ofNanos(1)) >= 0 && period.compareTo(Duration.ofHours(1)) <= 0,
        "period: %s (expected: in [PT0.000000001S, PT1H])",
        period);
    this.parkNanos = period.toNanos();
  }

  @Override
  public void idle() {
    LockSupport.parkNanos(parkNanos);
  }

  @Override
  public void reset() {}

  @Override
  public String alias() {
    return "parking";
  }

  long parkNanos() {
    return parkNanos;
  }

  @Override
  public String toString() {
    return "parking(" + parkNanos + " ns)";
  }
}
