package io.perfkit.balance.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Random integers for balancers: {@link ThreadLocalRandom} by default, or a seeded, lock-free
 * SplitMix64 sequence shared by all threads (deterministic when used from one thread, as in the
 * simulation and tests).
 */
public abstract class RandomSource {
  /**
   * Returns a uniform integer in {@code [0, bound)}.
   *
   * @param bound the exclusive bound, positive
   * @return the integer
   */
  public abstract int nextInt(int bound);

  /**
   * Returns a uniform double in {@code [0, 1)}.
   *
   * @return the double
   */
  public abstract double nextDouble();

  /**
   * Returns 64 uniform random bits.
   *
   * @return the bits
   */
  public abstract long nextLong();

  /** Returns the thread-local source. */
  public static RandomSource threadLocal() {
    return ThreadLocalSource.INSTANCE;
  }

  /**
   * Returns a seeded source.
   *
   * @param seed the seed
   * @return a new source
   */
  public static RandomSource seeded(long seed) {
    return new SeededSource(seed);
  }

  private static final class ThreadLocalSource extends RandomSource {
    static final ThreadLocalSource INSTANCE = new ThreadLocalSource();

    @Override
    public int nextInt(int bound) {
      return ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return ThreadLocalRandom.current().nextDouble();
    }

    @Override
    public long nextLong() {
      return ThreadLocalRandom.current().nextLong();
    }
  }

  private static final class SeededSource extends RandomSource {
    private static final long GAMMA = 0x9E3779B97F4A7C15L;
    private static final VarHandle STATE;

    static {
      try {
        STATE = MethodHandles.lookup().findVarHandle(SeededSource.class, "state", long.class);
      } catch (ReflectiveOperationException e) {
        throw new ExceptionInInitializerError(e);
      }
    }

    @SuppressWarnings("unused") // accessed through STATE
    private volatile long state;

    SeededSource(long seed) {
      this.state = seed;
    }

    @Override
    public long nextLong() {
      // Atomic add: every caller gets a distinct position of the SplitMix64 sequence.
      long z = (long) STATE.getAndAdd(this, GAMMA) + GAMMA;
      return Hashing64.mix(z);
    }

    @Override
    public int nextInt(int bound) {
      // Lemire's multiply-shift on the high 32 bits: bias below 2^-32 * bound.
      return (int) (((nextLong() >>> 32) * bound) >>> 32);
    }

    @Override
    public double nextDouble() {
      return (nextLong() >>> 11) * 0x1.0p-53;
    }
  }
}
