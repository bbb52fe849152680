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

  /**
   * Returns two uniform integers, {@code a} in {@code [0, boundA)} and {@code b} in {@code [0,
   * boundB)}, packed as {@code (a << 32) | b}: the two draws of a power-of-two-choices pick. This
   * default draws them with two {@link #nextInt} calls (so a seeded source yields the same
   * sequence as two separate calls); the thread-local source takes both from one 64-bit draw.
   *
   * @param boundA the exclusive bound of the first integer, positive
   * @param boundB the exclusive bound of the second integer, positive
   * @return {@code (a << 32) | b}
   */
  public long nextPair(int boundA, int boundB) {
    long a = nextInt(boundA);
    return (a << 32) | nextInt(boundB);
  }

  /**
   * Returns a uniform integer in {@code [0, bound)}, like {@link #nextInt}, for a hot path: this
   * default is {@link #nextInt} (so a seeded source yields the same sequence); the thread-local
   * source takes it from one 64-bit draw by multiply-shift, without {@code
   * ThreadLocalRandom.nextInt}'s division for a bound that is not a power of two.
   *
   * @param bound the exclusive bound, positive
   * @return the integer
   */
  public int nextIndex(int bound) {
    return nextInt(bound);
  }

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

    @Override
    public int nextIndex(int bound) {
      // Lemire's multiply-shift on the high 32 bits (bias below 2^-32 * bound, as nextPair): a
      // multiply instead of ThreadLocalRandom.nextInt's remainder (a division) for most bounds.
      return (int) (((ThreadLocalRandom.current().nextLong() >>> 32) * bound) >>> 32);
    }

    @Override
    public long nextPair(int boundA, int boundB) {
      // One 64-bit draw (one seed update, no division) instead of two bounded nextInt calls, each
      // of which would update the seed and divide. Lemire's multiply-shift on each 32-bit half:
      // an outcome's probability is within 2^-32 of 1/bound (relative bias below bound / 2^32,
      // 2.3e-7 at 1,000 endpoints), the same method SeededSource uses for every nextInt.
      long r = ThreadLocalRandom.current().nextLong();
      long a = ((r >>> 32) * boundA) >>> 32;
      long b = ((r & 0xFFFF_FFFFL) * boundB) >>> 32;
      return (a << 32) | b;
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
