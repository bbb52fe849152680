package io.perfkit.balance.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.common.hash.Hashing;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class JumpHashTest {
  @Test
  void bucket_guavaGoldenValues() {
    // Guava HashingTest.testConsistentHash_linearCongruentialGeneratorCompatibility
    int[] golden100 = {0, 55, 62, 8, 45, 59, 86, 97, 82, 59, 73, 37, 17, 56, 86, 21, 90, 37, 38, 83};
    for (int i = 0; i < golden100.length; i++) {
      assertEquals(golden100[i], JumpHash.bucket(i, 100), "key " + i);
    }
    assertEquals(6, JumpHash.bucket(10863919174838991L, 11));
    assertEquals(3, JumpHash.bucket(2016238256797177309L, 11));
    assertEquals(5, JumpHash.bucket(1673758223894951030L, 11));
    assertEquals(80343, JumpHash.bucket(2, 100001));
    assertEquals(22152, JumpHash.bucket(2201, 100001));
    assertEquals(15018, JumpHash.bucket(2202, 100001));
  }

  @Test
  void bucket_cReferenceValuesIncludingKeysAbove2pow63() {
    // Outputs of the paper's C++ JumpConsistentHash (uint64_t key) as published in ClickHouse's
    // test 00580_consistent_hashing_functions (jumpConsistentHash wraps the reference code).
    assertEquals(0, JumpHash.bucket(1, 1));
    assertEquals(43, JumpHash.bucket(42, 57));
    assertEquals(520, JumpHash.bucket(256, 1024));
    assertEquals(0, JumpHash.bucket(3735883980L, 1));
    assertEquals(361, JumpHash.bucket(3735883980L, 666));
    long above = Long.parseUnsignedLong("16045690984833335023"); // > 2^63
    assertEquals(237, JumpHash.bucket(above, 255));
  }

  @Test
  void bucket_matchesGuavaForRandomKeysOfBothSigns() {
    SplittableRandom r = new SplittableRandom(17);
    for (int i = 0; i < 20_000; i++) {
      long key = r.nextLong();
      int buckets = 1 + r.nextInt(5000);
      assertEquals(Hashing.consistentHash(key, buckets), JumpHash.bucket(key, buckets));
    }
  }

  @Test
  void bucket_movesKeysOnlyToTheNewBucket() {
    SplittableRandom r = new SplittableRandom(3);
    for (int i = 0; i < 2000; i++) {
      long key = r.nextLong();
      int last = 0;
      for (int n = 1; n <= 300; n++) {
        int b = JumpHash.bucket(key, n);
        if (b != last) {
          assertEquals(n - 1, b);
          last = b;
        }
      }
    }
  }

  @Test
  void bucket_rejectsNonPositiveBuckets() {
    assertEquals(
        "buckets: 0 (expected: > 0)",
        assertThrows(IllegalArgumentException.class, () -> JumpHash.bucket(1, 0)).getMessage());
  }
}
