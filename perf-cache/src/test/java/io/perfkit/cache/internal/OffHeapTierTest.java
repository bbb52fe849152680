package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.perfkit.cache.Serializer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

final class OffHeapTierTest {
  private static final Serializer<Long> LONGS = Serializer.longs();

  private static OffHeapTier tier(int capacity) {
    return new OffHeapTier(capacity, 64, new FrequencySketch(capacity), Long.MAX_VALUE,
        Long.MAX_VALUE, 0, null);
  }

  private static byte[] key(long k) {
    return LONGS.serialize(k);
  }

  /** Hashes collide in four buckets, so probe runs are long and deletion must shift them. */
  private static int hash(long k) {
    return (int) (k & 3);
  }

  @Test
  void mayContain_tracksStoredEvictedRemovedAndClearedRecords() {
    try (OffHeapTier tier = tier(2)) {
      assertFalse(tier.mayContain(11));
      tier.put(11, key(1), LONGS.serialize(1L), 0, 0);
      tier.put(12, key(2), LONGS.serialize(2L), 0, 0);
      assertTrue(tier.mayContain(11));
      assertTrue(tier.mayContain(12));
      for (int i = 0; i < 3; i++) {
        tier.recordAccess(13); // 13 beats the cold victim (11, probation's head): 11 is evicted
      }
      assertEquals(OffHeapTier.PutResult.STORED, tier.put(13, key(3), LONGS.serialize(3L), 0, 0));
      assertFalse(tier.mayContain(11));
      assertTrue(tier.mayContain(13));
      assertTrue(tier.remove(12, key(2)));
      assertFalse(tier.mayContain(12));
      tier.clear();
      assertFalse(tier.mayContain(13));
    }
  }

  @Test
  void residencyFilter_countsEveryRecordOfABucket() {
    int capacity = 4;
    long base = 2; // a region inside a larger allocation, as in the tier
    DirectMemory memory = new DirectMemory(base + ResidencyFilter.buckets(capacity) + 2);
    ResidencyFilter.increment(memory, base, capacity, 7);
    ResidencyFilter.increment(memory, base, capacity, 7);
    ResidencyFilter.decrement(memory, base, capacity, 7);
    assertTrue(ResidencyFilter.mayContain(memory, base, capacity, 7));
    ResidencyFilter.decrement(memory, base, capacity, 7);
    assertFalse(ResidencyFilter.mayContain(memory, base, capacity, 7));
    ResidencyFilter.increment(memory, base, capacity, -5);
    ResidencyFilter.clear(memory, base, capacity);
    assertFalse(ResidencyFilter.mayContain(memory, base, capacity, -5));
    for (long i : new long[] {0, 1, base + ResidencyFilter.buckets(capacity),
        base + ResidencyFilter.buckets(capacity) + 1}) {
      assertEquals(0, memory.getInt(i), "ints outside the region are untouched");
    }
  }

  /** Ops: k >= 0 puts k -> k * 7, k < 0 removes ~k; every key is then checked against the model. */
  @Property(tries = 100)
  void index_agreesWithMapUnderCollisions(@ForAll("ops") List<Long> ops) {
    try (OffHeapTier tier = tier(64)) {
      Map<Long, Long> model = new HashMap<>();
      for (long op : ops) {
        if (op >= 0) {
          assertEquals(OffHeapTier.PutResult.STORED,
              tier.put(hash(op), key(op), LONGS.serialize(op * 7), 0, 0));
          model.put(op, op * 7);
        } else {
          long k = ~op;
          assertEquals(model.remove(k) != null, tier.remove(hash(k), key(k)));
        }
        assertEquals(model.size(), tier.size());
        for (int h = 0; h < 4; h++) {
          int bucketHash = h; // the four hashes land in distinct buckets of the 128-bucket filter
          assertEquals(model.keySet().stream().anyMatch(k -> hash(k) == bucketHash),
              tier.mayContain(h), "hash " + h);
        }
      }
      for (long k = 0; k < 48; k++) {
        OffHeapTier.Hit<Long> hit = tier.get(hash(k), key(k), LONGS, 0);
        assertEquals(model.get(k), hit == null ? null : hit.value(), "key " + k);
      }
    }
  }

  @Provide
  Arbitrary<List<Long>> ops() {
    return Arbitraries.longs().between(-48, 47).list().ofMaxSize(200);
  }

  @Test
  void put_whenFull_admitsOnlyMorePopularCandidates() {
    try (OffHeapTier tier = tier(4)) {
      for (long k = 0; k < 4; k++) {
        tier.recordAccess(Long.hashCode(k));
        tier.put(Long.hashCode(k), key(k), key(k), 0, 0);
      }
      // A candidate seen once ties with the victim: rejected.
      tier.recordAccess(Long.hashCode(100L));
      assertEquals(OffHeapTier.PutResult.REJECTED,
          tier.put(Long.hashCode(100L), key(100), key(100), 0, 0));
      // Seen three times: admitted, evicting probation's head (key 0).
      tier.recordAccess(Long.hashCode(100L));
      tier.recordAccess(Long.hashCode(100L));
      assertEquals(OffHeapTier.PutResult.STORED,
          tier.put(Long.hashCode(100L), key(100), key(100), 0, 0));
      assertNull(tier.get(Long.hashCode(0L), key(0), LONGS, 0));
      assertEquals(100L, tier.get(Long.hashCode(100L), key(100), LONGS, 0).value());
      assertEquals(4, tier.size());
      long[] counters = tier.counters();
      assertEquals(1, counters[0]);
      assertEquals(1, counters[1]);
    }
  }

  @Test
  void get_expiredEntryIsRemoved() {
    try (OffHeapTier tier = new OffHeapTier(4, 64, new FrequencySketch(4), 100, Long.MAX_VALUE, 0, null)) {
      tier.put(1, key(1), key(1), 0, 0);
      assertEquals(1L, tier.get(1, key(1), LONGS, 99).value());
      assertNull(tier.get(1, key(1), LONGS, 100));
      assertEquals(0, tier.size());
    }
  }

  @Test
  void promoteAfterHits_reportsTheNthHit_andTakeRemovesTheRecord() {
    try (OffHeapTier tier = new OffHeapTier(4, 64, new FrequencySketch(4), 100, Long.MAX_VALUE, 2,
        null)) {
      tier.put(1, key(1), key(7), 5, 5);
      assertFalse(tier.get(1, key(1), LONGS, 10).promote());
      OffHeapTier.Hit<Long> second = tier.get(1, key(1), LONGS, 10);
      assertTrue(second.promote());
      assertEquals(1, tier.size(), "the record stays until the caller takes it");
      OffHeapTier.Hit<Long> taken = tier.take(1, key(1), LONGS, 10);
      assertEquals(7L, taken.value());
      assertEquals(5, taken.writeNanos());
      assertEquals(0, tier.size());
      assertFalse(tier.mayContain(1));
      assertNull(tier.take(1, key(1), LONGS, 10));
      tier.put(2, key(2), key(2), 0, 0);
      assertNull(tier.take(2, key(2), LONGS, 100), "expired: removed and missed");
      assertEquals(0, tier.size());
    }
  }

  @Test
  void prefers_higherFrequencyWins_tiesGoToTheCandidateOnlyWhenWarm() {
    FrequencySketch sketch = new FrequencySketch(64);
    OffHeapTier tier = new OffHeapTier(4, 64, sketch, Long.MAX_VALUE, Long.MAX_VALUE, 0, null);
    assertFalse(tier.prefers(1, 2), "cold tie keeps the incumbent");
    assertEquals(0, tier.frequency(1));
    sketch.increment(1);
    assertEquals(1, tier.frequency(1));
    assertTrue(tier.prefers(1, 2));
    assertFalse(tier.prefers(2, 1));
    sketch.increment(2);
    assertFalse(tier.prefers(1, 2), "tie at 1 is still cold");
    sketch.increment(1);
    sketch.increment(2);
    assertTrue(tier.prefers(1, 2), "warm tie goes to the candidate");
    assertTrue(tier.prefers(2, 1));
    tier.close();
    assertThrows(IllegalStateException.class, () -> tier.prefers(1, 2));
    assertThrows(IllegalStateException.class, () -> tier.frequency(1));
  }

  @Test
  void frequencySketch_samplePeriodIsConfigurable() {
    FrequencySketch quick = new FrequencySketch(16, 1);
    for (int i = 0; i < 10; i++) {
      quick.increment(7);
    }
    assertEquals(10, quick.frequency(7));
    for (int i = 0; i < 16; i++) {
      quick.increment(500 + i); // 16 more additions pass the period of 16: everything is halved
    }
    assertTrue(quick.frequency(7) < 10, "halved: " + quick.frequency(7));
    assertThrows(IllegalArgumentException.class, () -> new FrequencySketch(16, 0));
  }

  @Test
  void frequencySketch_countsAndHalves() {
    FrequencySketch sketch = new FrequencySketch(16);
    for (int i = 0; i < 20; i++) {
      sketch.increment(42);
    }
    assertEquals(15, sketch.frequency(42));
    assertTrue(sketch.frequency(43) <= 1);
    for (int i = 0; i < 200; i++) {
      sketch.increment(1000 + i);
    }
    assertTrue(sketch.frequency(42) < 15, "halved after the sample period");
  }

  /** Replays one request against the tier as the cache does: a get, and on a miss a put. */
  private static boolean request(OffHeapTier tier, long k) {
    int h = Long.hashCode(k);
    if (tier.get(h, key(k), LONGS, 0) != null) {
      return true;
    }
    tier.put(h, key(k), LONGS.serialize(k), 0, 0);
    return false;
  }

  @Test
  void scanThenShift_admissionAdaptsToRecencyAndBack() {
    int capacity = 1_024;
    try (OffHeapTier tier = new OffHeapTier(capacity, 64, new FrequencySketch(capacity), Long.MAX_VALUE,
        Long.MAX_VALUE, 0, null)) {
      // A loop over twice the capacity: LRU would hit nothing, so frequency filtering stays on.
      for (int round = 0; round < 20; round++) {
        for (long k = 0; k < 2L * capacity; k++) {
          request(tier, k);
        }
      }
      assertFalse(tier.recencyMode());
      assertFalse(tier.prefers(Long.hashCode(5_000_000L), Long.hashCode(1L)));
      // Popularity moves on: each epoch a fresh hot set of half the capacity, the previous one dead.
      java.util.SplittableRandom random = new java.util.SplittableRandom(11);
      int hotSet = capacity / 2;
      long lastEpochHits = 0;
      for (int epoch = 0; epoch < 12; epoch++) {
        long base = 1_000_000L + (long) epoch * hotSet;
        lastEpochHits = 0;
        for (int i = 0; i < 20 * hotSet; i++) {
          if (request(tier, base + random.nextInt(hotSet))) {
            lastEpochHits++;
          }
        }
      }
      assertTrue(tier.recencyMode());
      // Recency mode: every newcomer is preferred, and the new hot set is admitted at once.
      assertTrue(tier.prefers(Long.hashCode(5_000_000L), Long.hashCode(1_000_000L)));
      long hits = lastEpochHits;
      assertTrue(hits > 18 * hotSet, () -> "hits in the last epoch: " + hits);
      for (int round = 0; round < 20; round++) {
        for (long k = 0; k < 2L * capacity; k++) {
          request(tier, k);
        }
      }
      assertFalse(tier.recencyMode());
    }
  }

  @Test
  void largeStore_andASketchInTheTiersOwnMemory_keepEveryRecord() {
    // 40,001 slots of 512 bytes (20 MB), all in the metadata's one allocation, after the sketch.
    int capacity = 40_001;
    try (OffHeapTier tier = new OffHeapTier(capacity, 512, 2L * capacity, Long.MAX_VALUE,
        Long.MAX_VALUE, 0, null)) {
      for (long k = 0; k < capacity; k++) {
        byte[] value = new byte[400];
        value[0] = (byte) k;
        value[399] = (byte) (k >>> 8);
        assertEquals(OffHeapTier.PutResult.STORED,
            tier.put(Long.hashCode(k), key(k), value, 0, 0), "key " + k);
      }
      for (long k = 0; k < capacity; k++) {
        OffHeapTier.Hit<byte[]> hit = tier.get(Long.hashCode(k), key(k), Serializer.byteArray(), 0);
        assertEquals((byte) k, hit.value()[0], "key " + k);
        assertEquals((byte) (k >>> 8), hit.value()[399], "key " + k);
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> new OffHeapTier(4, 64, 0L, Long.MAX_VALUE, Long.MAX_VALUE, 0, null));
  }
}
