package io.perfkit.core.queue;

import io.perfkit.core.internal.Checks;
import java.util.concurrent.locks.LockSupport;

/**
 * Spin, then yield, then park with an exponentially growing period (Agrona's design). Keeps
 * per-thread state in plain fields: one instance per thread.
 */
final class BackoffIdleStrategy implements IdleStrategy {
  /*
   * States: NOT_IDLE -> SPINNING (maxSpins steps) -> YIELDING (maxYields steps) -> PARKING (each
   * step parks parkNanos, then doubles it up to maxParkNanos). reset() returns to NOT_IDLE.
   * A zero spin or yield budget skips that state.
   */
  private static final int NOT_IDLE = 0;
  private static final int SPINNING = 1;
  private static final int YIELDING = 2;
  private static final int PARKING = 3;

  private final long maxSpins;
  private final long maxYields;
  private final long minParkNanos;
  private final long maxParkNanos;

  private int state = NOT_IDLE;
  private long spins;
  private long yields;
  private long parkNanos;

  BackoffIdleStrategy(long maxSpins, long maxYields, long minParkNanos, long maxParkNanos) {
    this.maxSpins = Checks.checkNonNegative(maxSpins, "maxSpins");
    this.maxYields = Checks.checkNonNegative(maxYields, "maxYields");
    this.maxParkNanos =
        Checks.checkInRange(maxParkNanos, 1, ParkingIdleStrategy.MAX_PARK_NANOS, "maxParkNanos");
    this.minParkNanos = Checks.checkInRange(minParkNanos, 1, maxParkNanos, "minParkNanos");
  }

  @Override
  @SuppressWarnings("fallthrough") // each exhausted state falls into the next one on purpose
  public void idle() {
    switch (state) {
      case NOT_IDLE:
        state = SPINNING;
        spins = 0;
        // fall through
      case SPINNING:
        if (spins < maxSpins) {
          spins++;
          Thread.onSpinWait();
          return;
        }
        state = YIELDING;
        yields = 0;
        // fall through
      case YIELDING:
        if (yields < maxYields) {
          yields++;
          Thread.yield();
          return;
        }
        state = PARKING;
        parkNanos = minParkNanos;
        // fall through
      default:
        LockSupport.parkNanos(parkNanos);
        parkNanos = Math.min(parkNanos << 1, maxParkNanos);
    }
  }

  @Override
  public void reset() {
    state = NOT_IDLE;
  }

  @Override
  public String alias() {
    return "backoff";
  }

  /** The current step, for tests: 0 not idle, 1 spinning, 2 yielding, 3 parking. */
  int state() {
    return state;
  }

  long currentParkNanos() {
    return parkNanos;
  }

  @Override
  public String toString() {
    return "backoff(spins=" + maxSpins + ", yields=" + maxYields + ", park=" + minParkNanos
        + ".." + maxParkNanos + " ns)";
  }
}
