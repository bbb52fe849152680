package io.perfkit.cache.internal;

import io.perfkit.core.internal.Checks;

/**
 * Adaptive admission by miniature simulation: decides, from the requests a tier sees, whether the tiers'
 * admission should currently filter by frequency (TinyLFU) or let recency rule (admit every candidate).
 * A hash-sampled share of the requests drives two miniature caches of proportional size, an LRU and a
 * TinyLFU-admitted segmented LRU on the shared sketch; their hit counts decay by half every sample
 * period, and while the LRU's is clearly ahead the duel is in <em>recency mode</em>.
 *
 * <p><b>Threading:</b> not thread-safe; the owning tier calls it under its lock. <b>Allocation:</b> the
 * miniatures' per-entry state is in direct memory, allocated at construction.
 */
public final class AdmissionDuel {
  /*
   * Why: a frequency filter keeps yesterday's hot keys until its sketch's periodic halving forgets
   * them, so when popularity shifts faster than that (the hottest keys all stop at once) it locks the
   * new hot keys out where LRU would take them at once. Caffeine copes with its hill-climbed window; the
   * tiered cache's window (L1) has a fixed size, so instead the choice of policy adapts: set dueling by
   * miniature simulation [1]. Sampling by key hash (not by request) keeps every request of a sampled key,
   * so a miniature of 1/R of the capacity sees the reuse pattern of the whole at 1/R of the cost [1].
   *
   * The decision: the LRU must lead by more than SWITCH_MARGIN decayed hits to enter recency mode, and
   * the TinyLFU miniature must lead to leave it (hysteresis, so that a tie does not flap); no decision is
   * taken before the miniatures have run one full sample period, because on short or cold request
   * streams a few hundred sampled requests pick LRU wrongly (measured on the LIRS multi2 trace).
   *
   * [1] C. Waldspurger, T. Saemundsson, I. Ahmad, N. Park. Cache Modeling and Optimization using
   *     Miniature Simulations. USENIX ATC 2017.
   */
  /** Largest sampling ratio R (a miniature holds 1/R of the tier's capacity). */
  private static final int MAX_RATIO = 64;
  /** Smallest miniature the ratio is chosen for (below it R shrinks, down to 1). */
  private static final int MIN_MINIATURE = 128;
  /** Decayed hits by which the LRU must lead before recency mode starts. */
  private static final double SWITCH_MARGIN = 4;
  /** Sampled requests per miniature entry in one decay period. */
  private static final int SAMPLES_PER_ENTRY = 10;

  /**
   * The two miniatures' regions (see {@link MiniatureCache}): the LRU's {@link MiniatureCache#ints}
   * ints from {@code base}, the TinyLFU's right after. Regions, not objects: the heap holds only this
   * duel (the miniatures were two 48-byte objects).
   */
  private final DirectMemory memory;
  private final long base;
  /** Each miniature's capacity in hashes. */
  private final int miniature;
  /** The shared sketch the TinyLFU miniature admits by. */
  private final FrequencySketch sketch;
  private final int sampleMask;
  private final int period;
  private int sampled;
  private boolean warm;
  private double lruHits;
  private double tinyLfuHits;
  private boolean recency;
  private long switches;

  /**
   * Creates a duel for a tier of {@code capacity} entries.
   *
   * @param capacity the tier's capacity in entries
   * @param sketch the shared frequency sketch the TinyLFU miniature admits by (read only)
   * @throws IllegalArgumentException if {@code capacity <= 0}
   * @throws NullPointerException if {@code sketch} is null
   */
  public AdmissionDuel(int capacity, FrequencySketch sketch) {
    this(capacity, sketch, null, 0);
  }

  /**
   * As {@link #AdmissionDuel(int, FrequencySketch)}, its miniatures in the {@link #ints} ints of
   * {@code memory} from the even index {@code base}, or in memory of their own when {@code memory} is
   * null.
   */
  AdmissionDuel(int capacity, FrequencySketch sketch, DirectMemory memory, long base) {
    Checks.checkPositive(capacity, "capacity");
    Checks.requireNonNull(sketch, "sketch");
    int ratio = ratio(capacity);
    int miniature = Math.max(1, capacity / ratio);
    this.sampleMask = ratio - 1;
    this.memory = memory != null ? memory : new DirectMemory(2 * MiniatureCache.ints(miniature));
    this.base = memory != null ? base : 0;
    this.miniature = miniature;
    this.sketch = sketch;
    MiniatureCache.init(this.memory, this.base, miniature);
    MiniatureCache.init(this.memory, this.base + MiniatureCache.ints(miniature), miniature);
    this.period = SAMPLES_PER_ENTRY * miniature;
  }

  /** The direct ints the miniatures of a duel for a tier of {@code capacity} ({@code > 0}) take. */
  static long ints(int capacity) {
    return 2 * MiniatureCache.ints(Math.max(1, capacity / ratio(capacity)));
  }

  private static int ratio(int capacity) {
    return Integer.highestOneBit(Math.max(1, Math.min(MAX_RATIO, capacity / MIN_MINIATURE)));
  }

  /**
   * Replays one request for {@code hash} in the miniatures if its key is sampled, and updates the mode.
   *
   * @return whether the mode changed
   */
  public boolean record(int hash) {
    int h = hash * 0x9E37_79B9;
    if (((h >>> 16) & sampleMask) != 0) {
      return false;
    }
    if (MiniatureCache.access(memory, base, miniature, null, hash)) {
      lruHits++;
    }
    if (MiniatureCache.access(memory, base + MiniatureCache.ints(miniature), miniature, sketch,
        hash)) {
      tinyLfuHits++;
    }
    if (++sampled >= period) {
      sampled = 0;
      warm = true;
      lruHits /= 2;
      tinyLfuHits /= 2;
    }
    boolean next = recency ? lruHits >= tinyLfuHits : lruHits > tinyLfuHits + SWITCH_MARGIN;
    if (!warm || next == recency) {
      return false;
    }
    recency = next;
    switches++;
    return true;
  }

  /** Returns whether recency currently wins: admission should take every candidate. */
  public boolean recencyMode() {
    return recency;
  }

  /** Returns how many times the mode changed. */
  public long switches() {
    return switches;
  }
}
