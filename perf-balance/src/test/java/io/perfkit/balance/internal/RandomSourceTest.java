package io.perfkit.balance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/**
 * {@link RandomSource#nextPair} and {@link RandomSource#nextIndex}: ranges, the seeded sequence,
 * and the thread-local distribution.
 */
final class RandomSourceTest {
  @Property(tries = 200)
  void nextPair_inRange(
      @ForAll @IntRange(min = 1, max = 100_000) int boundA,
      @ForAll @IntRange(min = 1, max = 100_000) int boundB) {
    for (RandomSource random : new RandomSource[] {RandomSource.threadLocal(), RandomSource.seeded(7)}) {
      for (int i = 0; i < 100; i++) {
        long pair = random.nextPair(boundA, boundB);
        int a = (int) (pair >>> 32);
        int b = (int) pair;
        assertTrue(a >= 0 && a < boundA, "a " + a + " of " + boundA);
        assertTrue(b >= 0 && b < boundB, "b " + b + " of " + boundB);
      }
    }
  }

  @Test
  void nextPair_seededIsTwoNextIntCalls() {
    RandomSource pairs = RandomSource.seeded(42);
    RandomSource singles = RandomSource.seeded(42);
    for (int i = 0; i < 1_000; i++) {
      long pair = pairs.nextPair(1_000, 999);
      assertEquals(singles.nextInt(1_000), (int) (pair >>> 32));
      assertEquals(singles.nextInt(999), (int) pair);
    }
  }

  /**
   * Chi-squared test of the thread-local pair over 10 x 9 cells (89 degrees of freedom): the
   * statistic stays below 160 (p < 1e-5 for a uniform source) and the two halves are independent.
   */
  @Test
  void nextPair_threadLocalUniformAndIndependent() {
    int[][] counts = new int[10][9];
    int draws = 900_000;
    for (int i = 0; i < draws; i++) {
      long pair = RandomSource.threadLocal().nextPair(10, 9);
      counts[(int) (pair >>> 32)][(int) pair]++;
    }
    double expected = draws / 90.0;
    double chi2 = 0;
    for (int[] row : counts) {
      for (int c : row) {
        chi2 += (c - expected) * (c - expected) / expected;
      }
    }
    assertTrue(chi2 < 160, "chi2 " + chi2);
  }

  @Property(tries = 200)
  void nextIndex_inRange(@ForAll @IntRange(min = 1, max = 100_000) int bound) {
    RandomSource[] sources = {RandomSource.threadLocal(), RandomSource.seeded(7)};
    for (RandomSource random : sources) {
      for (int i = 0; i < 100; i++) {
        int x = random.nextIndex(bound);
        assertTrue(x >= 0 && x < bound, x + " of " + bound);
      }
    }
  }

  @Test
  void nextIndex_seededIsNextInt() {
    RandomSource indexes = RandomSource.seeded(42);
    RandomSource ints = RandomSource.seeded(42);
    for (int i = 0; i < 1_000; i++) {
      int bound = 1 + i % 17;
      assertEquals(ints.nextInt(bound), indexes.nextIndex(bound));
    }
  }

  /**
   * Chi-squared test of the thread-local index over 2..16 cells (bound - 1 degrees of freedom): the
   * statistic stays below the p = 1e-5 quantile for every bound.
   */
  @Test
  void nextIndex_threadLocalUniform() {
    // chi-squared p = 1e-5 quantiles for 1..15 degrees of freedom
    double[] limit = {
      19.5, 23.0, 25.9, 28.5, 30.9, 33.1, 35.3, 37.3, 39.3, 41.3, 43.2, 45.1, 46.9, 48.7, 50.5
    };
    for (int bound = 2; bound <= 16; bound++) {
      int[] counts = new int[bound];
      int draws = 20_000 * bound;
      for (int i = 0; i < draws; i++) {
        counts[RandomSource.threadLocal().nextIndex(bound)]++;
      }
      double chi2 = 0;
      for (int c : counts) {
        chi2 += (c - 20_000.0) * (c - 20_000.0) / 20_000.0;
      }
      assertTrue(chi2 < limit[bound - 2], "bound " + bound + ": chi2 " + chi2);
    }
  }
}
