package io.perfkit.balance.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** {@link RandomSource#nextPair}: ranges, the seeded sequence, and the thread-local distribution. */
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
}
