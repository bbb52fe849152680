package io.perfkit.balance.hash;

import io.perfkit.core.internal.Checks;

/**
 * Jump consistent hash (Lamping and Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
 * 2014): maps a 64-bit key to a bucket in {@code [0, buckets)} with no memory, moving only {@code
 * 1/(n+1)} of the keys when a bucket is appended. Keys are unsigned 64-bit values: the results
 * equal the paper's C++ reference for every key, including keys at and above 2^63 (negative as a
 * Java {@code long}), and Guava's {@code Hashing.consistentHash}.
 *
 * <p><b>Threading:</b> stateless, thread-safe. <b>Allocation:</b> none.
 */
public final class JumpHash {
  /*
   * The paper's loop: b = -1, j = 0; while j < n: b = j; key = key * 2862933555777941757 + 1;
   * j = (b + 1) * (2^31 / ((key >>> 33) + 1)). Java's long multiply wraps mod 2^64 exactly like
   * the C++ uint64_t, and the unsigned shift makes (key >>> 33) + 1 lie in [1, 2^31], so every bit
   * pattern behaves as the unsigned key it stands for.
   */
  private JumpHash() {}

  /**
   * Returns the bucket of {@code key}.
   *
   * @param key the key, read as an unsigned 64-bit value
   * @param buckets the number of buckets, positive
   * @return the bucket in {@code [0, buckets)}
   * @throws IllegalArgumentException if {@code buckets} is zero or negative
   */
  public static int bucket(long key, int buckets) {
    Checks.checkPositive(buckets, "buckets");
    long b = -1;
    long j = 0;
    while (j < buckets) {
      b = j;
      key = key * 2862933555777941757L + 1;
      j = (long) ((b + 1) * ((double) (1L << 31) / (double) ((key >>> 33) + 1)));
    }
    return (int) b;
  }
}
