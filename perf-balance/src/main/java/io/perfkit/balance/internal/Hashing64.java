package io.perfkit.balance.internal;

/**
 * 64-bit hashing helpers: a strong mixer (Stafford's variant 13 of the MurmurHash3 finaliser, as
 * used by SplitMix64) and string/byte hashes built on it. Stable across runs and JVMs: consistent
 * hashing places endpoints with these, so they must never change.
 */
public final class Hashing64 {
  private Hashing64() {}

  /**
   * Mixes 64 bits into 64 well-distributed bits (a bijection).
   *
   * @param z the input
   * @return the mixed value
   */
  public static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /**
   * Hashes the UTF-16 code units of a char sequence (no allocation).
   *
   * @param s the sequence
   * @return the 64-bit hash
   */
  public static long hash(CharSequence s) {
    long h = 0xCBF29CE484222325L ^ s.length();
    int n = s.length();
    int i = 0;
    for (; i + 3 < n; i += 4) {
      long block =
          s.charAt(i)
              | ((long) s.charAt(i + 1) << 16)
              | ((long) s.charAt(i + 2) << 32)
              | ((long) s.charAt(i + 3) << 48);
      h = mix(h ^ block) * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (int shift = 0; i < n; i++, shift += 16) {
      tail |= (long) s.charAt(i) << shift;
    }
    return mix(h ^ tail ^ 0x632BE59BD9B4E019L);
  }

  /**
   * Hashes a byte array.
   *
   * @param bytes the bytes
   * @return the 64-bit hash
   */
  public static long hash(byte[] bytes) {
    long h = 0x84222325CBF29CE4L ^ bytes.length;
    int i = 0;
    for (; i + 7 < bytes.length; i += 8) {
      long block = 0;
      for (int k = 7; k >= 0; k--) {
        block = (block << 8) | (bytes[i + k] & 0xFFL);
      }
      h = mix(h ^ block) * 0x9E3779B97F4A7C15L;
    }
    long tail = 0;
    for (int shift = 0; i < bytes.length; i++, shift += 8) {
      tail |= (bytes[i] & 0xFFL) << shift;
    }
    return mix(h ^ tail ^ 0x632BE59BD9B4E019L);
  }
}
