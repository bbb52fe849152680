package io.perfkit.bench.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import io.perfkit.cache.internal.FrequencySketch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Policy models for the hit-ratio study. Each answers "was this request a hit?" and, on a miss, loads
 * the key. The models use ordinary collections: they decide the design; the shipped primitive-index
 * implementation is measured separately by {@link HitRatio} through the real {@code TieredCache}.
 */
final class SimPolicies {
  private SimPolicies() {}

  /** One simulated cache. */
  interface Policy {
    /** Returns whether {@code key} was present; on a miss the key is loaded and inserted. */
    boolean access(long key);
  }

  /** Plain LRU of {@code capacity} entries. */
  static Policy lru(int capacity) {
    LinkedHashMap<Long, Boolean> map = new LinkedHashMap<>(16, 0.75f, true) {
      private static final long serialVersionUID = 1L;

      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, Boolean> eldest) {
        return size() > capacity;
      }
    };
    return key -> {
      if (map.get(key) != null) {
        return true;
      }
      map.put(key, Boolean.TRUE);
      return false;
    };
  }

  /** Real Caffeine, maintenance on the caller thread, so that the run is deterministic. */
  static Policy caffeine(int capacity) {
    Cache<Long, Boolean> cache = Caffeine.newBuilder()
        .maximumSize(capacity)
        .executor(Runnable::run)
        .build();
    return key -> {
      if (cache.getIfPresent(key) != null) {
        return true;
      }
      cache.put(key, Boolean.TRUE);
      cache.cleanUp();
      return false;
    };
  }

  /**
   * The shipped {@code TieredCache} itself: Caffeine L1 of {@code l1} entries, off-heap L2 of {@code l2}
   * entries, no expiry, maintenance on the caller thread.
   */
  static Policy perfkit(int l1, int l2) {
    TieredCache<Long, Long> cache = TieredCache.newBuilder()
        .maximumSize(l1)
        .offHeapMaximumSize(l2)
        .offHeapMaximumEntryBytes(16)
        .expireAfterWrite(Duration.ofDays(365))
        .offHeapExpireAfterWrite(Duration.ofDays(365))
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.longs())
        .executor(Runnable::run)
        .build();
    return key -> {
      if (cache.get(key) != null) {
        return true;
      }
      cache.put(key, key);
      return false;
    };
  }

  /** How the lower tier admits and evicts. */
  enum Lower {
    /** Every L1 victim enters; LRU eviction (the naive design). */
    LRU,
    /** TinyLFU admission (L1 victim vs the lower tier's LRU victim, shared sketch); LRU eviction. */
    TINYLFU_LRU,
    /** TinyLFU admission; segmented LRU (20 % probation, 80 % protected) eviction. */
    TINYLFU_SLRU,
    /** TinyLFU admission; CLOCK with 2-bit reference counts for eviction. */
    TINYLFU_CLOCK,
    /** S3-FIFO: a small FIFO, a main CLOCK FIFO and a ghost queue of keys; no sketch. */
    S3FIFO,
    /** A hill-climbed LRU window in front of TinyLFU admission into a segmented LRU. */
    ADAPTIVE,
    /** TinyLFU_SLRU plus a ghost of rejected keys (10 % of the tier) that admits them when re-offered. */
    GHOST10,
    /** As GHOST10 with a ghost of 50 % of the tier. */
    GHOST50,
    /** A ghost whose size is hill-climbed on the tier's hit rate. */
    GHOST_CLIMB,
    /**
     * TINYLFU_SLRU whose admission filter is switched off while a miniature LRU beats a miniature
     * TinyLFU-SLRU on a hash-sampled share of the tier's request stream.
     */
    DUEL,
    /** As DUEL, but the duel decides nothing before its miniatures have run one decay period. */
    DUEL_WARM
  }

  /**
   * Caffeine L1 of {@code l1} entries whose size-evicted victims spill into a lower tier of {@code l2}
   * entries. A lower-tier hit moves the entry up once it has been hit {@code promoteAfter} times there.
   *
   * @param sketchL1Hits whether requests that hit L1 are counted in the sketch (else only L1 misses)
   */
  static Policy tiered(int l1, int l2, Lower lower, int promoteAfter, boolean sketchL1Hits) {
    return new Tiered(l1, l2, lower, promoteAfter, sketchL1Hits, 0);
  }

  /**
   * As {@link #tiered}, but a missed key whose sketch frequency is below {@code warmAt} is offered to the
   * lower tier's admission filter instead of entering L1 (so cold keys do not churn L1).
   */
  static Policy tieredColdBypass(int l1, int l2, Lower lower, int warmAt) {
    return new Tiered(l1, l2, lower, Integer.MAX_VALUE, false, warmAt);
  }

  /**
   * As {@link #tiered} without promotion, sketch fed by L1 misses; when {@code gate}, a loaded key enters
   * L1 only if the sketch rates it above L1's coldest entry (or equal, when both are at least
   * {@code warmTie}), else it is offered to the lower tier.
   */
  static Policy tieredGated(int l1, int l2, Lower lower, boolean gate, int warmTie) {
    Tiered t = new Tiered(l1, l2, lower, Integer.MAX_VALUE, false, 0);
    t.gate = gate;
    t.warmTie = warmTie;
    t.l1Size = l1;
    return t;
  }

  private static final class Tiered implements Policy {
    final Cache<Long, Boolean> l1;
    final List<Long> victims = new ArrayList<>();
    final LowerTier l2;
    final FrequencySketch sketch;
    final int promoteAfter;
    final boolean sketchL1Hits;
    final int warmAt;
    boolean gate;
    int l1Size;
    /** The gate admits a tie at this frequency or above; 16 = never (strict gate). */
    int warmTie = 16;

    Tiered(int l1Size, int l2Size, Lower lower, int promoteAfter, boolean sketchL1Hits, int warmAt) {
      this.warmAt = warmAt;
      this.l1 = Caffeine.newBuilder()
          .maximumSize(l1Size)
          .executor(Runnable::run)
          .<Long, Boolean>evictionListener((k, v, cause) -> {
            if (cause.wasEvicted()) {
              victims.add(k);
            }
          })
          .build();
      this.sketch = new FrequencySketch(l1Size + (long) l2Size,
          Integer.getInteger("sketch.samples", 10));
      this.l2 = switch (lower) {
        case LRU -> new LruTier(l2Size, null);
        case TINYLFU_LRU -> new LruTier(l2Size, sketch);
        case TINYLFU_SLRU -> new SlruTier(l2Size, sketch);
        case TINYLFU_CLOCK -> new ClockTier(l2Size, sketch);
        case S3FIFO -> new S3FifoTier(l2Size);
        case ADAPTIVE -> new AdaptiveTier(l2Size, sketch);
        case GHOST10 -> ghosted(new SlruTier(l2Size, sketch), l2Size / 10);
        case GHOST50 -> ghosted(new SlruTier(l2Size, sketch), l2Size / 2);
        case GHOST_CLIMB -> climbing(new SlruTier(l2Size, sketch));
        case DUEL -> new DuelTier(l2Size, sketch, 0);
        case DUEL_WARM -> new DuelTier(l2Size, sketch, 1);
      };
      this.promoteAfter = promoteAfter;
      this.sketchL1Hits = sketchL1Hits;
    }

    @Override
    public boolean access(long key) {
      int hash = Long.hashCode(key);
      if (sketchL1Hits) {
        sketch.increment(hash);
      }
      if (l1.getIfPresent(key) != null) {
        return true;
      }
      if (!sketchL1Hits) {
        sketch.increment(hash);
      }
      int hits = l2.hit(key);
      if (hits > 0) {
        if (hits >= promoteAfter) {
          l2.remove(key);
          insertL1(key);
        }
        return true;
      }
      if (warmAt > 0 && sketch.frequency(hash) < warmAt) {
        l2.offer(key);
      } else if (gate && !(l2 instanceof DuelTier d && d.main.admitAll)
          && l1.estimatedSize() >= l1Size && !beatsL1Victim(hash)) {
        l2.offer(key);
      } else {
        insertL1(key);
      }
      return false;
    }

    private boolean beatsL1Victim(int hash) {
      var coldest = l1.policy().eviction().orElseThrow().coldest(1);
      if (coldest.isEmpty()) {
        return true;
      }
      long victim = coldest.keySet().iterator().next();
      int candidateFrequency = sketch.frequency(hash);
      int victimFrequency = sketch.frequency(Long.hashCode(victim));
      // Ties go to the newcomer once both are warm (seen twice): recency breaks ties among warm keys,
      // the incumbent keeps them among cold ones (scans, loops).
      return candidateFrequency > victimFrequency
          || (candidateFrequency == victimFrequency && candidateFrequency >= warmTie);
    }

    private void insertL1(long key) {
      l1.put(key, Boolean.TRUE);
      l1.cleanUp();
      for (Long victim : victims) {
        l2.offer(victim);
      }
      victims.clear();
    }
  }

  /** A lower tier: hit() returns the entry's hit count including this one, or 0 when absent. */
  private interface LowerTier {
    int hit(long key);

    void remove(long key);

    void offer(long key);
  }

  private static SlruTier ghosted(SlruTier tier, int ghostCapacity) {
    tier.ghostCapacity = ghostCapacity;
    return tier;
  }

  private static SlruTier climbing(SlruTier tier) {
    tier.climbGhost = true;
    tier.ghostStep = Math.max(1, tier.capacity / 16.0);
    return tier;
  }

  private static boolean admit(FrequencySketch sketch, long candidate, long victim) {
    return sketch == null
        || sketch.frequency(Long.hashCode(candidate)) > sketch.frequency(Long.hashCode(victim));
  }

  private static final class LruTier implements LowerTier {
    final LinkedHashMap<Long, int[]> map = new LinkedHashMap<>(16, 0.75f, true);
    final int capacity;
    final FrequencySketch sketch;

    LruTier(int capacity, FrequencySketch sketch) {
      this.capacity = capacity;
      this.sketch = sketch;
    }

    @Override
    public int hit(long key) {
      int[] hits = map.get(key);
      return hits == null ? 0 : ++hits[0];
    }

    @Override
    public void remove(long key) {
      map.remove(key);
    }

    @Override
    public void offer(long key) {
      if (map.size() >= capacity) {
        Iterator<Long> it = map.keySet().iterator();
        long victim = it.next();
        if (!admit(sketch, key, victim)) {
          return;
        }
        it.remove();
      }
      map.put(key, new int[1]);
    }
  }

  private static final class SlruTier implements LowerTier {
    /** Keys recently rejected by admission; a rejected key offered again while here is admitted. */
    final LinkedHashSet<Long> ghost = new LinkedHashSet<>();
    int ghostCapacity;
    /** When true, ghostCapacity is hill-climbed on this tier's hit rate. */
    boolean climbGhost;
    int sampleRequests;
    int sampleHits;
    double previousHitRate;
    double ghostStep;
    int ghostDirection = 1;
    final LinkedHashMap<Long, int[]> probation = new LinkedHashMap<>(16, 0.75f, true);
    final LinkedHashMap<Long, int[]> protectedSegment = new LinkedHashMap<>(16, 0.75f, true);
    int capacity;
    boolean admitAll;
    final int protectedCapacity;
    final FrequencySketch sketch;

    SlruTier(int capacity, FrequencySketch sketch) {
      this.capacity = capacity;
      this.protectedCapacity = (int) (capacity * 0.8);
      this.sketch = sketch;
    }

    @Override
    public int hit(long key) {
      int result = lookup(key);
      if (climbGhost) {
        sampleRequests++;
        if (result > 0) {
          sampleHits++;
        }
        if (sampleRequests >= 10 * capacity) {
          double hitRate = (double) sampleHits / sampleRequests;
          if (hitRate < previousHitRate) {
            ghostDirection = -ghostDirection;
          }
          previousHitRate = hitRate;
          ghostCapacity = (int) Math.max(0, Math.min(capacity, ghostCapacity + ghostDirection * ghostStep));
          while (ghost.size() > ghostCapacity) {
            Iterator<Long> g = ghost.iterator();
            g.next();
            g.remove();
          }
          sampleRequests = 0;
          sampleHits = 0;
        }
      }
      return result;
    }

    private int lookup(long key) {
      int[] hits = protectedSegment.get(key);
      if (hits != null) {
        return ++hits[0];
      }
      hits = probation.remove(key);
      if (hits == null) {
        return 0;
      }
      protectedSegment.put(key, hits);
      if (protectedSegment.size() > protectedCapacity) {
        Iterator<Map.Entry<Long, int[]>> it = protectedSegment.entrySet().iterator();
        Map.Entry<Long, int[]> demoted = it.next();
        it.remove();
        probation.put(demoted.getKey(), demoted.getValue());
      }
      return ++hits[0];
    }

    @Override
    public void remove(long key) {
      if (probation.remove(key) == null) {
        protectedSegment.remove(key);
      }
    }

    int size() {
      return probation.size() + protectedSegment.size();
    }

    void evictOne() {
      Map<Long, int[]> from = probation.isEmpty() ? protectedSegment : probation;
      Iterator<Long> it = from.keySet().iterator();
      it.next();
      it.remove();
    }

    @Override
    public void offer(long key) {
      if (capacity <= 0) {
        return;
      }
      while (probation.size() + protectedSegment.size() > capacity) {
        evictOne();
      }
      if (probation.size() + protectedSegment.size() >= capacity) {
        Map<Long, int[]> from = probation.isEmpty() ? protectedSegment : probation;
        Iterator<Long> it = from.keySet().iterator();
        long victim = it.next();
        if (!admitAll && !admit(sketch, key, victim) && !(ghostCapacity > 0 && ghost.remove(key))) {
          if (ghostCapacity > 0 || climbGhost) {
            ghost.add(key);
            if (ghost.size() > ghostCapacity) {
              Iterator<Long> g = ghost.iterator();
              g.next();
              g.remove();
            }
          }
          return;
        }
        it.remove();
      }
      probation.put(key, new int[1]);
    }
  }

  /**
   * A window (LRU, entered unconditionally) in front of a TinyLFU-admitted segmented LRU; the window's
   * share is hill-climbed on the tier's own hit rate, as Caffeine climbs its window.
   */
  private static final class AdaptiveTier implements LowerTier {
    final LinkedHashMap<Long, int[]> window = new LinkedHashMap<>(16, 0.75f, true);
    final SlruTier main;
    final int capacity;
    final int sampleSize;
    double windowTarget;
    double step;
    double previousHitRate;
    int direction = 1;
    int requests;
    int hitCount;

    AdaptiveTier(int capacity, FrequencySketch sketch) {
      this.capacity = capacity;
      this.main = new SlruTier(capacity, sketch);
      this.sampleSize = 10 * capacity;
      this.step = 0.0625 * capacity;
    }

    @Override
    public int hit(long key) {
      int[] hits = window.get(key);
      int result = hits != null ? ++hits[0] : main.hit(key);
      if (result > 0) {
        hitCount++;
      }
      if (++requests >= sampleSize) {
        climb();
      }
      return result;
    }

    private void climb() {
      double hitRate = (double) hitCount / requests;
      double delta = hitRate - previousHitRate;
      if (delta < 0) {
        direction = -direction;
      }
      step = Math.abs(delta) >= 0.05 ? 0.0625 * capacity : step * 0.98;
      windowTarget = Math.max(0, Math.min(capacity - 1, windowTarget + direction * step));
      previousHitRate = hitRate;
      requests = 0;
      hitCount = 0;
    }

    @Override
    public void remove(long key) {
      if (window.remove(key) == null) {
        main.remove(key);
      }
    }

    @Override
    public void offer(long key) {
      window.put(key, new int[1]);
      while (window.size() > (int) windowTarget) {
        Iterator<Map.Entry<Long, int[]>> it = window.entrySet().iterator();
        Map.Entry<Long, int[]> eldest = it.next();
        it.remove();
        main.capacity = capacity - window.size();
        main.offer(eldest.getKey());
      }
      main.capacity = capacity - window.size();
      while (main.size() > main.capacity) {
        main.evictOne();
      }
    }
  }

  /**
   * Set dueling by miniature simulation: a hash-sampled share of the requests this tier sees drives a
   * miniature LRU and a miniature TinyLFU-SLRU of proportional size; while the LRU's decayed hit count
   * is higher, the real tier admits every candidate (recency wins), else it filters by frequency.
   */
  private static final class DuelTier implements LowerTier {
    final SlruTier main;
    final SlruTier miniTlfu;
    final LinkedHashMap<Long, Boolean> miniLru = new LinkedHashMap<>(16, 0.75f, true);
    final int miniCapacity;
    final int sampleMask;
    final int period;
    int sampled;
    /** Halvings so far; the duel decides nothing before warmPeriods of them. */
    int periods;
    final int warmPeriods;
    double lruHits;
    double tlfuHits;

    DuelTier(int capacity, FrequencySketch sketch, int warmPeriods) {
      this.warmPeriods = warmPeriods;
      this.main = new SlruTier(capacity, sketch);
      int rate = Integer.highestOneBit(Math.max(1, Math.min(64, capacity / 128)));
      this.sampleMask = rate - 1;
      this.miniCapacity = Math.max(1, capacity / rate);
      this.miniTlfu = new SlruTier(miniCapacity, sketch);
      this.period = Integer.getInteger("duel.period", 10) * miniCapacity;
    }

    @Override
    public int hit(long key) {
      int h = Long.hashCode(key) * 0x9E37_79B9;
      if (((h >>> 16) & sampleMask) == 0) {
        if (miniLru.get(key) != null) {
          lruHits++;
        } else {
          miniLru.put(key, Boolean.TRUE);
          if (miniLru.size() > miniCapacity) {
            Iterator<Long> it = miniLru.keySet().iterator();
            it.next();
            it.remove();
          }
        }
        if (miniTlfu.hit(key) > 0) {
          tlfuHits++;
        } else {
          miniTlfu.offer(key);
        }
        if (++sampled >= period) {
          sampled = 0;
          periods++;
          lruHits /= 2;
          tlfuHits /= 2;
        }
        double margin = Double.parseDouble(System.getProperty("duel.margin", "0"));
        if (periods >= warmPeriods
            && (main.admitAll ? tlfuHits > lruHits : lruHits > (1 + margin) * tlfuHits + 4)) {
          main.admitAll = !main.admitAll;
        }
      }
      return main.hit(key);
    }

    @Override
    public void remove(long key) {
      main.remove(key);
    }

    @Override
    public void offer(long key) {
      main.offer(key);
    }
  }

  private static final class ClockTier implements LowerTier {
    final LinkedHashMap<Long, int[]> fifo = new LinkedHashMap<>();
    final int capacity;
    final FrequencySketch sketch;

    ClockTier(int capacity, FrequencySketch sketch) {
      this.capacity = capacity;
      this.sketch = sketch;
    }

    @Override
    public int hit(long key) {
      int[] entry = fifo.get(key);
      if (entry == null) {
        return 0;
      }
      entry[1] = Math.min(3, entry[1] + 1);
      return ++entry[0];
    }

    @Override
    public void remove(long key) {
      fifo.remove(key);
    }

    @Override
    public void offer(long key) {
      if (fifo.size() >= capacity) {
        while (true) {
          Iterator<Map.Entry<Long, int[]>> it = fifo.entrySet().iterator();
          Map.Entry<Long, int[]> head = it.next();
          if (head.getValue()[1] > 0) {
            head.getValue()[1]--;
            it.remove();
            fifo.put(head.getKey(), head.getValue());
            continue;
          }
          if (!admit(sketch, key, head.getKey())) {
            return;
          }
          it.remove();
          break;
        }
      }
      fifo.put(key, new int[2]);
    }
  }

  private static final class S3FifoTier implements LowerTier {
    final LinkedHashMap<Long, int[]> small = new LinkedHashMap<>();
    final LinkedHashMap<Long, int[]> main = new LinkedHashMap<>();
    final LinkedHashSet<Long> ghost = new LinkedHashSet<>();
    final int capacity;
    final int smallCapacity;

    S3FifoTier(int capacity) {
      this.capacity = capacity;
      this.smallCapacity = Math.max(1, capacity / 10);
    }

    @Override
    public int hit(long key) {
      int[] entry = small.get(key);
      if (entry == null) {
        entry = main.get(key);
      }
      if (entry == null) {
        return 0;
      }
      entry[1] = Math.min(3, entry[1] + 1);
      return ++entry[0];
    }

    @Override
    public void remove(long key) {
      if (small.remove(key) == null) {
        main.remove(key);
      }
    }

    @Override
    public void offer(long key) {
      while (small.size() + main.size() >= capacity) {
        evict();
      }
      if (ghost.remove(key)) {
        main.put(key, new int[2]);
      } else {
        small.put(key, new int[2]);
      }
    }

    private void evict() {
      if (small.size() >= smallCapacity || main.isEmpty()) {
        Iterator<Map.Entry<Long, int[]>> it = small.entrySet().iterator();
        Map.Entry<Long, int[]> head = it.next();
        it.remove();
        if (head.getValue()[1] > 0) {
          head.getValue()[1] = 0;
          main.put(head.getKey(), head.getValue());
        } else {
          ghost.add(head.getKey());
          if (ghost.size() > capacity) {
            Iterator<Long> g = ghost.iterator();
            g.next();
            g.remove();
          }
        }
        return;
      }
      while (true) {
        Iterator<Map.Entry<Long, int[]>> it = main.entrySet().iterator();
        Map.Entry<Long, int[]> head = it.next();
        it.remove();
        if (head.getValue()[1] > 0) {
          head.getValue()[1]--;
          main.put(head.getKey(), head.getValue());
        } else {
          return;
        }
      }
    }
  }
}
