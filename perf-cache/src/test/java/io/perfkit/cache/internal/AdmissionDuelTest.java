package io.perfkit.cache.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

final class AdmissionDuelTest {
  private static final int CAPACITY = 1_024;

  private final FrequencySketch sketch = new FrequencySketch(CAPACITY + CAPACITY / 4);
  private final AdmissionDuel duel = new AdmissionDuel(CAPACITY, sketch);

  /** One request as the off-heap tier sees it: counted in the sketch, then replayed in the duel. */
  private void request(int hash) {
    sketch.increment(hash);
    duel.record(hash);
  }

  /** A loop over twice the capacity: LRU never hits, frequency keeps part of it. */
  private void loop(int rounds) {
    for (int r = 0; r < rounds; r++) {
      for (int key = 0; key < 2 * CAPACITY; key++) {
        request(key);
      }
    }
  }

  /**
   * Popularity that moves on: each epoch requests a fresh set of half the capacity at random, and the
   * previous hot set is never requested again (frequency keeps the dead set until the sketch forgets).
   */
  private void shifting(int epochs, SplittableRandom random) {
    int hotSet = CAPACITY / 2;
    for (int epoch = 0; epoch < epochs; epoch++) {
      int base = 1_000_000 + epoch * hotSet;
      for (int i = 0; i < 20 * hotSet; i++) {
        request(base + random.nextInt(hotSet));
      }
    }
  }

  @Test
  void constructor_rejectsBadArguments() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> new AdmissionDuel(0, sketch));
    assertEquals("capacity: 0 (expected: > 0)", e.getMessage());
    assertThrows(NullPointerException.class, () -> new AdmissionDuel(8, null));
  }

  @Test
  void loop_staysWithFrequency() {
    loop(40);
    assertFalse(duel.recencyMode());
    assertEquals(0, duel.switches());
  }

  @Test
  void scanThenShift_switchesToRecencyAndBackToFrequency() {
    loop(20);
    assertFalse(duel.recencyMode());
    shifting(12, new SplittableRandom(7));
    assertTrue(duel.recencyMode(), "shifting popularity: LRU should win");
    loop(20);
    assertFalse(duel.recencyMode(), "back to the loop: frequency should win");
    assertTrue(duel.switches() >= 2, () -> "switches: " + duel.switches());
  }

  @Test
  void noDecisionBeforeOneFullPeriod() {
    // A shifting stream from the start: the duel must not switch before its miniatures have run one
    // decay period (10 sampled requests per miniature entry; 1 in 8 keys sampled here).
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < 1_000; i++) {
      request(2_000_000 + i / 4 + random.nextInt(4));
    }
    assertFalse(duel.recencyMode());
    assertEquals(0, duel.switches());
  }
}
