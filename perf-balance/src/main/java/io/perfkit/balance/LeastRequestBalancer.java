package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.CompactCounters;
import io.perfkit.balance.internal.Load;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.RandomSource;
import io.perfkit.balance.internal.CountingLease;
import java.util.Collection;

/** Envoy's least request: weight / (active + 1)^bias, full scan or N random choices. */
final class LeastRequestBalancer extends AbstractBalancer<LeastRequestBalancer.View>
    implements TrackingBalancer {
  /*
   * Envoy LeastRequestLoadBalancer: with N random choices (choice_count, default 2, drawn with
   * replacement as Envoy does) the host with the best score wins; the score is the effective weight
   * divided by (active_requests + 1)^active_request_bias. With equal weights this is "fewest active
   * requests". Sets of at most fullScanThreshold hosts are scanned completely instead, starting at
   * a random offset so that ties are broken at random rather than always toward the first host.
   * The first candidate wins ties among the random choices, as in Envoy.
   *
   * Envoy itself draws choice_count candidates at every set size unless its FULL_SCAN selection
   * method is configured, which breaks ties uniformly by reservoir sampling (the random offset
   * here gives a tied host the chance (positions since the previous tied host) / n). The default
   * threshold of 8 is perfkit's: on sets of 3-8 hosts the random choices send the busier host work
   * that the scan would not, and in the cluster simulation's mixed-latency small sets their p99
   * was 5-9x the scan's (perf-bench SmallSetQuality; docs/benchmarks/balance.md, "Session 8:
   * small sets"). fullScanThreshold(0) is Envoy's default, Integer.MAX_VALUE its FULL_SCAN.
   */
  /*
   * The view keeps the members (weights and slow start for the weighted paths) and, flattened for
   * the equal-weight path, each slot's load and endpoint in two arrays: a candidate's in-flight
   * count is then one array load and one field load from the view instead of view -> Member ->
   * Load, and the endpoint is read only for the winner.
   *
   * When every candidate's in-flight count sits in one compact chunk (a small set, see
   * CompactCounters), the view also holds that chunk and each slot's index in it, and the flat
   * paths read the counts there: all of them in one or two cache lines, instead of one line per
   * candidate that the other picking cores keep writing (the scan of such a set, scanCompact, is
   * branch-free and adds to the winner's slot straight from its key). Otherwise `cells` is null
   * and the counts are read through the loads. The winner's increment then goes to the same chunk
   * slot directly (CompactCounters.add), without the hop through its Load: the atomic add follows
   * the reads of the candidates' counts by a few instructions, which leaves the other core less
   * time to take the line back in between (session 7: 0.74-0.85x of the contended pick through
   * the Load).
   */
  record View(
      Member[] members,
      Load[] loads,
      Endpoint[] endpoints,
      double[] weights,
      boolean equalWeights,
      long rampEndNanos,
      int[] cells,
      int[] slots) {}

  /** Allocates the compact counters of small sets; used under the writer lock only. */
  private final CompactCounters counters = new CompactCounters();

  private final RandomSource random;
  private final double bias;
  private final int choiceCount;
  private final int fullScanThreshold;

  LeastRequestBalancer(
      BalancerConfig config,
      RandomSource random,
      double bias,
      int choiceCount,
      int fullScanThreshold,
      Collection<Endpoint> endpoints) {
    super(config);
    this.random = random;
    this.bias = bias;
    this.choiceCount = choiceCount;
    this.fullScanThreshold = fullScanThreshold;
    init(endpoints);
  }

  @Override
  protected View buildView(Member[] candidates) {
    boolean equal = true;
    for (Member m : candidates) {
      equal &= m.weight() == candidates[0].weight();
    }
    Load[] loads = new Load[candidates.length];
    Endpoint[] endpoints = new Endpoint[candidates.length];
    double[] weights = new double[candidates.length];
    int[] cells = candidates.length == 0 ? null : candidates[0].load().cells();
    int[] slots = new int[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      loads[i] = candidates[i].load();
      endpoints[i] = candidates[i].endpoint();
      weights[i] = candidates[i].weight();
      slots[i] = loads[i].cell();
      if (loads[i].cells() != cells) {
        cells = null; // the counts are spread over chunks or padded lines: read them via the loads
      }
    }
    return new View(
        candidates,
        loads,
        endpoints,
        weights,
        equal,
        config.slowStart().rampEnd(candidates),
        cells,
        cells == null ? null : slots);
  }

  @Override
  protected Load newLoad(long nowNanos, int setSize) {
    return counters.newLoad(nowNanos, setSize);
  }

  /** Whether the current view reads every candidate's count from one compact chunk (for tests). */
  boolean readsCompactCounts() {
    return view().cells() != null;
  }

  /** The in-flight count of slot {@code i}: from the compact chunk when the view has one. */
  private static int active(View view, int i) {
    int[] cells = view.cells;
    // Volatile reads either way (see CompactCounters.get and Load.pending).
    return cells != null ? CompactCounters.get(cells, view.slots[i]) : view.loads[i].pending();
  }

  /** Increments slot {@code i}'s in-flight count and returns its lease. */
  private static Lease lease(View view, int i) {
    int[] cells = view.cells;
    Load load = view.loads[i];
    // Atomic add either way: concurrent picks and completions must not lose updates.
    if (cells != null) {
      CompactCounters.add(cells, view.slots[i], 1);
    } else {
      load.incrementPending();
    }
    return new CountingLease(view.endpoints[i], load);
  }

  private double score(Member m, long now, boolean ramping) {
    double weight = ramping ? config.slowStart().weight(m, now) : m.weight();
    return score(weight, m.load().pending());
  }

  private double score(double weight, int active) {
    if (bias == 1.0) {
      return weight / (active + 1);
    }
    if (bias == 0.0) {
      return weight;
    }
    return weight / Math.pow(active + 1, bias);
  }

  @Override
  public Lease pick() {
    View view = view();
    Member[] members = view.members;
    int n = members.length;
    if (n == 0) {
      throw noEndpoint();
    }
    long now = 0;
    boolean ramping = false;
    if (view.rampEndNanos != Long.MIN_VALUE) {
      now = config.ticker().read(); // the clock is read only while some endpoint ramps up
      ramping = view.rampEndNanos - now > 0;
    }
    Member chosen;
    if (n == 1) {
      chosen = members[0];
    } else if (!ramping && view.equalWeights && bias > 0) {
      int[] cells = view.cells;
      if (cells != null) {
        if (n <= fullScanThreshold) {
          return scanCompact(view, cells, n);
        }
        if (choiceCount == 2) {
          return twoChoicesCompact(view, cells, n);
        }
      }
      return lease(view, fewestActive(view, n));
    } else if (!ramping && n > fullScanThreshold) {
      return lease(view, weightedChoices(view, n));
    } else if (n <= fullScanThreshold) {
      int start = random.nextInt(n);
      chosen = members[start];
      double best = score(chosen, now, ramping);
      for (int k = 1; k < n; k++) {
        int i = start + k;
        Member m = members[i >= n ? i - n : i];
        double s = score(m, now, ramping);
        if (s > best) {
          best = s;
          chosen = m;
        }
      }
    } else {
      chosen = members[random.nextInt(n)];
      double best = score(chosen, now, ramping);
      for (int k = 1; k < choiceCount; k++) {
        Member m = members[random.nextInt(n)];
        double s = score(m, now, ramping);
        if (s > best) {
          best = s;
          chosen = m;
        }
      }
    }
    chosen.load().incrementPending();
    return new CountingLease(chosen.endpoint(), chosen.load());
  }

  /**
   * The common small-set case of {@link #fewestActive} and its increment in one step: equal
   * weights, two random choices, every count in one compact chunk. The same decision as
   * fewestActive (the first candidate wins ties; the same random draws), with the winner's atomic
   * add issued right after the two reads (see the View comment).
   */
  private Lease twoChoicesCompact(View view, int[] cells, int n) {
    long pair = random.nextPair(n, n); // one draw for both candidates (see fewestActive)
    return fewerOfTwo(view, cells, (int) (pair >>> 32), (int) pair);
  }

  /**
   * Leases the compact-set endpoint {@code a} or {@code b} with fewer active requests ({@code a}
   * on a tie): the two-choice rule, and the full scan of a pair from its start {@code a}.
   */
  private static Lease fewerOfTwo(View view, int[] cells, int a, int b) {
    int[] slots = view.slots;
    int slotA = slots[a];
    int slotB = slots[b];
    // Volatile reads of both counts (one chunk), then the atomic add on the winner's slot: a count
    // is never lost; a stale read only skews the heuristic, as in any P2C pick.
    int activeA = CompactCounters.get(cells, slotA);
    int activeB = CompactCounters.get(cells, slotB);
    int winner = activeB < activeA ? b : a;
    CompactCounters.add(cells, activeB < activeA ? slotB : slotA, 1);
    return new CountingLease(view.endpoints[winner], view.loads[winner]);
  }

  /**
   * The full scan of {@link #fewestActive} on a compact set, with its increment: the same decision
   * (the fewest active requests; among equal counts the first in cyclic order from a random start)
   * without a data-dependent branch per endpoint, and with the winner's atomic add as close to the
   * reads as the two-choice pick has it (see the View comment).
   *
   * <p>Each endpoint's count, its cyclic distance k from the start and its chunk slot form one key,
   * (count << 32) | (k << 4) | slot (a compact set has at most 16 members and a chunk 16 slots, so
   * k and slot fit 4 bits each); the smallest key has the fewest requests and, among those, the
   * smallest k. The minimum is taken with arithmetic instead of compare-and-jump (a fixed-length
   * loop: no branch mispredicts on counts that the other picking cores keep changing), and the
   * winner's slot is read from the key, so the add needs no further load (session 8: the branchy
   * scan of 2-8 endpoints cost 1.1-1.4x this one at 2 threads and 1.15-1.3x alone;
   * docs/benchmarks/balance.md).
   */
  private Lease scanCompact(View view, int[] cells, int n) {
    int start = random.nextIndex(n); // no division; the same draw as nextInt when seeded
    if (n == 2) {
      return fewerOfTwo(view, cells, start, start ^ 1); // the scan of two: a comparison, no loop
    }
    int[] slots = view.slots;
    long best = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      int k = i - start;
      k += (k >> 31) & n; // the cyclic distance from the start, without a branch
      int slot = slots[i];
      // Volatile reads (see CompactCounters.get). A count is never negative, so a key is in
      // [0, 2^63) and key - best cannot overflow: its sign bit selects the smaller key.
      long key = ((long) CompactCounters.get(cells, slot) << 32) | (k << 4) | slot;
      long d = key - best;
      best += d & (d >> 63);
    }
    CompactCounters.add(cells, (int) best & 0xF, 1); // atomic add: no update is lost
    int winner = start + ((int) best >>> 4 & 0xF);
    winner = winner >= n ? winner - n : winner;
    return new CountingLease(view.endpoints[winner], view.loads[winner]);
  }

  /**
   * Unequal weights (or bias 0), no ramp: choiceCount random choices with replacement, the best
   * score wins, the first on a tie. Returns the winner's slot.
   */
  private int weightedChoices(View view, int n) {
    double[] weights = view.weights;
    int best;
    double bestScore;
    int k;
    if (choiceCount >= 2) {
      long pair = random.nextPair(n, n); // the same sequence as two nextInt calls when seeded
      best = (int) (pair >>> 32);
      int second = (int) pair;
      bestScore = score(weights[best], active(view, best));
      double secondScore = score(weights[second], active(view, second));
      if (secondScore > bestScore) {
        bestScore = secondScore;
        best = second;
      }
      k = 2;
    } else {
      best = random.nextInt(n);
      bestScore = score(weights[best], active(view, best));
      k = 1;
    }
    for (; k < choiceCount; k++) {
      int i = random.nextInt(n);
      double s = score(weights[i], active(view, i));
      if (s > bestScore) {
        bestScore = s;
        best = i;
      }
    }
    return best;
  }

  /**
   * Equal weights and bias > 0: the best score is the fewest active requests (Envoy's unweighted
   * path), compared as integers. Returns the winner's slot.
   */
  private int fewestActive(View view, int n) {
    if (n <= fullScanThreshold) {
      int start = random.nextInt(n);
      int best = start;
      int bestActive = active(view, start);
      for (int k = 1; k < n && bestActive > 0; k++) {
        int i = start + k;
        i = i >= n ? i - n : i;
        int active = active(view, i);
        if (active < bestActive) {
          bestActive = active;
          best = i;
        }
      }
      return best;
    }
    int best;
    int bestActive;
    int k;
    if (choiceCount >= 2) {
      // The first two draws together (one random draw on the thread-local source); the same
      // sequence as two nextInt calls on a seeded one.
      long pair = random.nextPair(n, n);
      best = (int) (pair >>> 32);
      int second = (int) pair;
      bestActive = active(view, best);
      int secondActive = active(view, second);
      if (secondActive < bestActive) {
        bestActive = secondActive;
        best = second;
      }
      k = 2;
    } else {
      best = random.nextInt(n);
      bestActive = active(view, best);
      k = 1;
    }
    for (; k < choiceCount; k++) {
      int i = random.nextInt(n);
      int active = active(view, i);
      if (active < bestActive) {
        bestActive = active;
        best = i;
      }
    }
    return best;
  }
}
