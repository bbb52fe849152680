package io.perfkit.core.queue;

import java.time.Duration;

/**
 * What a thread does when it found no work: spin, yield, park, or a bounded mix. A duty-cycle loop
 * calls {@link #idle(int)} with the amount of work it just did; a waiting loop calls {@link #idle()}
 * on every empty round and {@link #reset()} when work arrives.
 *
 * <p>Modelled on Agrona's {@code IdleStrategy} (same method contract), with no dependency on it:
 *
 * <pre>{@code
 * IdleStrategy idle = IdleStrategy.backoff(100, 10, 1_000, 1_000_000);
 * while (running) {
 *   idle.idle(queue.drain(handler, 256));
 * }
 * }</pre>
 *
 * <p><b>Threading:</b> {@link #backoff} strategies keep per-thread progress and must not be shared
 * between threads; {@link #busySpin()}, {@link #yielding()}, {@link #parking} and {@link #noOp()}
 * are stateless and may be shared. <b>Ordering:</b> none; idling is never a memory barrier.
 * <b>Progress:</b> {@code idle} returns after at most the strategy's longest pause (it never waits
 * for another thread), and returns early if the thread is interrupted while parked (the interrupt
 * status is kept). <b>Allocation:</b> none per call.
 */
public interface IdleStrategy {

  /**
   * Idles if {@code workCount} is zero or less, else resets the strategy (work was done, so the
   * next idle period starts from the cheapest step).
   *
   * @param workCount work done in the last round; {@code <= 0} means none
   */
  default void idle(int workCount) {
    if (workCount > 0) {
      reset();
    } else {
      idle();
    }
  }

  /** Idles for one step of this strategy (a spin hint, a yield or a park). */
  void idle();

  /** Forgets the progress of a backoff, so the next {@link #idle()} is the cheapest step. */
  void reset();

  /** A short name for logs and benchmark labels, e.g. {@code "backoff"}. */
  String alias();

  /**
   * Burns the CPU in a {@link Thread#onSpinWait()} loop: lowest latency, one core per waiting
   * thread. Best when threads are pinned to cores they own. Stateless; may be shared.
   *
   * @return the shared busy-spin strategy
   */
  static IdleStrategy busySpin() {
    return SimpleIdleStrategy.BUSY_SPIN;
  }

  /**
   * Does nothing: the caller's own loop is the spin. Stateless; may be shared.
   *
   * @return the shared no-op strategy
   */
  static IdleStrategy noOp() {
    return SimpleIdleStrategy.NO_OP;
  }

  /**
   * Calls {@link Thread#yield()}: gives the core to another runnable thread, else returns at once.
   * Lower latency than parking, cheaper for the machine than spinning when cores are scarce.
   * Stateless; may be shared.
   *
   * @return the shared yielding strategy
   */
  static IdleStrategy yielding() {
    return SimpleIdleStrategy.YIELDING;
  }

  /**
   * Parks the thread for {@code period} on every idle step (the timer slack of the OS makes the
   * real pause at least ~50 µs on Linux for short periods). Cheapest on the CPU, highest latency.
   * Stateless; may be shared.
   *
   * @param period how long each idle step parks, in {@code [1 ns, 1 h]}
   * @return a parking strategy
   * @throws NullPointerException if {@code period} is null
   * @throws IllegalArgumentException if {@code period} is out of range
   */
  static IdleStrategy parking(Duration period) {
    return new ParkingIdleStrategy(period);
  }

  /**
   * Spins {@code maxSpins} times, then yields {@code maxYields} times, then parks for {@code
   * minParkNanos}, doubling the park on each further idle step up to {@code maxParkNanos}. Agrona's
   * {@code BackoffIdleStrategy} design. Keeps state: one instance per thread.
   *
   * @param maxSpins spin steps before yielding, {@code >= 0}
   * @param maxYields yield steps before parking, {@code >= 0}
   * @param minParkNanos first park, in {@code [1, maxParkNanos]}
   * @param maxParkNanos longest park, in {@code [minParkNanos, 1 h]}
   * @return a new backoff strategy
   * @throws IllegalArgumentException if a bound is out of range
   */
  static IdleStrategy backoff(long maxSpins, long maxYields, long minParkNanos, long maxParkNanos) {
    return new BackoffIdleStrategy(maxSpins, maxYields, minParkNanos, maxParkNanos);
  }

  /**
   * {@link #backoff(long, long, long, long)} with Agrona's defaults: 10 spins, 5 yields, parks from
   * 1 µs to 1 ms.
   *
   * @return a new backoff strategy
   */
  static IdleStrategy backoff() {
    return new BackoffIdleStrategy(10, 5, 1_000, 1_000_000);
  }
}
