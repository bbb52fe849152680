package io.perfkit.balance.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Left padding: keeps an endpoint's hot load fields off its neighbours' cache lines. */
abstract class LoadLhsPad {
  byte p000, p001, p002, p003, p004, p005, p006, p007, p008, p009, p010, p011, p012, p013, p014, p015;
  byte p016, p017, p018, p019, p020, p021, p022, p023, p024, p025, p026, p027, p028, p029, p030, p031;
  byte p032, p033, p034, p035, p036, p037, p038, p039, p040, p041, p042, p043, p044, p045, p046, p047;
  byte p048, p049, p050, p051, p052, p053, p054, p055, p056, p057, p058, p059, p060, p061, p062, p063;
  byte p064, p065, p066, p067, p068, p069, p070, p071, p072, p073, p074, p075, p076, p077, p078, p079;
  byte p080, p081, p082, p083, p084, p085, p086, p087, p088, p089, p090, p091, p092, p093, p094, p095;
  byte p096, p097, p098, p099, p100, p101, p102, p103, p104, p105, p106, p107, p108, p109, p110, p111;
  byte p112, p113, p114, p115, p116, p117, p118, p119, p120, p121, p122, p123, p124, p125, p126, p127;
}

/**
 * The hot per-endpoint fields, on one group of cache lines: a pick reads and writes the in-flight
 * count and the stamp of the same endpoints, and a completion writes the count and the estimate,
 * so splitting them would cost a second cache miss per endpoint without removing any sharing.
 */
abstract class LoadFields extends LoadLhsPad {
  volatile int pending;
  /** Latch version: bumped twice per observation; its low bit names the copy readers use. */
  volatile int version;
  /** Observation lock: 1 while an observation rewrites the anchor (observers only). */
  volatile int writing;
  /** Finagle's stamp: the latest time any update (a read or an observation) was made at. */
  volatile long stamp;
  /**
   * Anchor copy 0: the cost {@code cost0} as of the time {@code time0} of the last observation, and
   * its natural log {@code log0} (negative infinity for cost 0).
   */
  long time0;
  double cost0;
  double log0;
  /** Anchor copy 1: the same anchor, written second. */
  long time1;
  double cost1;
  double log1;
}

/**
 * Mutable per-endpoint load: requests in flight and Finagle's peak-EWMA latency estimate. One
 * instance per endpoint id lives as long as the endpoint stays in the membership, across snapshots
 * and reweighting, so leases and estimates survive membership changes.
 *
 * <p>Padded by class hierarchy (128 bytes each side): loads of different endpoints are allocated
 * next to each other, and without padding two threads picking different endpoints would still
 * contend on one cache line.
 *
 * <p>Thread-safe. The in-flight count is updated with atomic read-modify-writes. {@link #cost}
 * (a pick's read of the estimate) is lock-free and allocation-free: one compare-and-set of a
 * {@code long} at most. {@link #observe} (a completion) takes a per-endpoint spin lock that only
 * other observations of the same endpoint contend for; it never blocks {@link #cost}.
 */
public final class Load extends LoadFields {
  byte q000, q001, q002, q003, q004, q005, q006, q007, q008, q009, q010, q011, q012, q013, q014, q015;
  byte q016, q017, q018, q019, q020, q021, q022, q023, q024, q025, q026, q027, q028, q029, q030, q031;
  byte q032, q033, q034, q035, q036, q037, q038, q039, q040, q041, q042, q043, q044, q045, q046, q047;
  byte q048, q049, q050, q051, q052, q053, q054, q055, q056, q057, q058, q059, q060, q061, q062, q063;
  byte q064, q065, q066, q067, q068, q069, q070, q071, q072, q073, q074, q075, q076, q077, q078, q079;
  byte q080, q081, q082, q083, q084, q085, q086, q087, q088, q089, q090, q091, q092, q093, q094, q095;
  byte q096, q097, q098, q099, q100, q101, q102, q103, q104, q105, q106, q107, q108, q109, q110, q111;
  byte q112, q113, q114, q115, q116, q117, q118, q119, q120, q121, q122, q123, q124, q125, q126, q127;

  /**
   * The chunk holding this endpoint's in-flight count ({@link CompactCounters}), or null when the
   * count is the padded field {@code pending}. Final, and a least-request load whose count is in a
   * chunk is never written after construction (least request keeps no estimate), so its line stays
   * shared in every core's cache and reading these two fields costs no transfer.
   */
  private final int[] cells;

  /** The count's slot in {@link #cells}. */
  private final int cell;

  /*
   * Finagle's PeakEwma keeps (stamp, cost) under a lock, and its read is an update: get() calls
   * observe(0), which sets cost = cost * exp(-(t - stamp) / tau) and stamp = t. Decay-only updates
   * compose: cost * exp(-(t1 - s) / tau) * exp(-(t2 - t1) / tau) = cost * exp(-(t2 - s) / tau), i.e.
   * ln(cost) + stamp / tau is invariant under them (cost 0 <-> -infinity, which IEEE arithmetic
   * carries through). So the state is kept as
   *
   *   anchor (time, cost): the cost just after the last real observation and its time, and
   *   stamp:               the latest time any update was made at (monotonic maximum).
   *
   * The cost at the stamp is anchor.cost * exp(-(stamp - anchor.time) / tau): the same number as
   * Finagle's repeated products up to rounding (a few ulps; the repeated products round once per
   * read, this rounds once). Keeping the anchor rather than ln(cost) + stamp / tau avoids a log per
   * observation and the precision loss of large stamp / tau values: only the exact long difference
   * stamp - anchor.time is ever divided by tau, whatever the ticker's origin.
   *
   * A read at t (cost(t)) therefore only advances stamp to max(stamp, t): one CAS of a long, no
   * allocation, and no write at all when stamp is already >= t. The CAS-maximum keeps stamp exactly
   * the maximum of the times of all updates so far, which is Finagle's stamp under its lock with the
   * clock read inside the lock (times then reach the lock in order). A plain "if (t > stamp) stamp =
   * t" store would be cheaper but can move the stamp backwards when two picks race, which changes
   * the weight of the next observation; we keep the CAS.
   *
   * Pick: a pick's two reads are split into their values and their stamp writes. decide() computes
   * both values read-only (each at max(now, stamp), exactly what cost(now) returns), compares them,
   * and the balancer then increments the winner's in-flight count and applies both reads' stamp
   * writes with touch() (the same CAS-maximum). Single-threaded this is the same sequence of states
   * as two cost() calls; concurrently, a read's stamp write lands a few instructions later, which
   * is the "stamp advance counted on either side of an observation" already allowed below. So no
   * atomic instruction (each is a full barrier on x86) sits between the two candidates' loads.
   *
   * Evaluated and not taken (session 3): an opaque "if (t > stamp) stamp = t" store instead of the
   * CAS in touch(). It would not wait for the cache line (a CAS does), but a racing pick holding an
   * older time t1 can overwrite a newer t2: the stamp then lags by d = t2 - t1, at most the time
   * between that pick's clock read and its store (unbounded if the thread is descheduled there).
   * That changes nothing but the next observation: with stamp s - d its result is cost(t) * w +
   * rtt * (1 - w * e^(-d/tau)) instead of cost(t) * w + rtt * (1 - w), i.e. the sample's weight
   * grows by at most d / tau (1e-8 for d = 100 ns, tau = 10 s), and an rtt within a factor
   * e^(d/tau) above the cost is blended instead of taken as the new peak. The shared 2-core machine
   * showed no measurable difference between the two (docs/benchmarks/balance.md), so the exact CAS
   * stays.
   *
   * A real observation (observe(rtt, t)) needs the anchor and stamp together, so observations of one
   * endpoint are serialised by the spin lock `writing`. It reads the stamp s, computes Finagle's
   * update from the cost at s (peak: rtt > cost -> rtt; else cost * w + rtt * (1 - w), w =
   * exp(-(t - s) / tau)), advances the stamp to max(t, s) and publishes the new anchor through a
   * latch (Linux's seqcount_latch): two copies of the anchor and a version whose low bit says which
   * copy readers use. The writer bumps the version (readers move to copy 1), writes copy 0, bumps it
   * again (readers move to copy 0) and writes copy 1. A reader reads the version, the copy it names
   * and the version again, and retries only if an observation moved in between, so a reader never
   * waits for a writer (lock-free) and never sees a torn anchor.
   *
   * Concurrency: every state reached is the state of Finagle's algorithm for some serial order of
   * the updates (reads ordered by their stamp CAS, observations by the lock). A pick that races an
   * observation of the same endpoint returns the cost just before or just after it, as under
   * Finagle's lock; its stamp advance may be counted on either side of that observation. Sequential
   * use (the simulation, the tests) is exactly Finagle's sequence; LoadTest checks it against a
   * direct port for random interleavings.
   */

  private static final VarHandle PENDING;
  private static final VarHandle VERSION;
  private static final VarHandle WRITING;
  private static final VarHandle STAMP;
  private static final VarHandle TIME0;
  private static final VarHandle COST0;
  private static final VarHandle TIME1;
  private static final VarHandle COST1;
  private static final VarHandle LOG0;
  private static final VarHandle LOG1;

  /** ln(pending + 1) for small in-flight counts: the log-domain load factor without a log call. */
  private static final double[] LOG_FACTOR = new double[256];

  /**
   * Decisions whose log-domain loads differ by at most this go to the exact (exp) comparison: it
   * exceeds the rounding error of both computations by more than 100x (see {@link #firstWins}).
   */
  private static final double LOG_MARGIN = 1e-9;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PENDING = lookup.findVarHandle(LoadFields.class, "pending", int.class);
      VERSION = lookup.findVarHandle(LoadFields.class, "version", int.class);
      WRITING = lookup.findVarHandle(LoadFields.class, "writing", int.class);
      STAMP = lookup.findVarHandle(LoadFields.class, "stamp", long.class);
      TIME0 = lookup.findVarHandle(LoadFields.class, "time0", long.class);
      COST0 = lookup.findVarHandle(LoadFields.class, "cost0", double.class);
      TIME1 = lookup.findVarHandle(LoadFields.class, "time1", long.class);
      COST1 = lookup.findVarHandle(LoadFields.class, "cost1", double.class);
      LOG0 = lookup.findVarHandle(LoadFields.class, "log0", double.class);
      LOG1 = lookup.findVarHandle(LoadFields.class, "log1", double.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
    for (int p = 0; p < LOG_FACTOR.length; p++) {
      LOG_FACTOR[p] = Math.log(p + 1.0);
    }
  }

  /**
   * Finagle's penalty: an endpoint that has no latency sample yet but requests in flight has load
   * {@code PENALTY + pending} ({@code Long.MAX_VALUE >> 16} plus its in-flight count).
   */
  public static final double PENALTY = (double) (Long.MAX_VALUE >> 16);

  /**
   * Creates the load of a new endpoint: no request in flight, cost 0 (no sample yet).
   *
   * @param nowNanos the ticker time, the estimate's first stamp (Finagle's epoch)
   */
  public Load(long nowNanos) {
    this(nowNanos, null, 0);
  }

  /**
   * Creates the load of a new endpoint whose in-flight count lives in slot {@code cell} of a
   * compact chunk (see {@link CompactCounters}); {@code cells} null means the padded field.
   *
   * @param nowNanos the ticker time, the estimate's first stamp
   * @param cells the chunk, or null
   * @param cell the slot in {@code cells}
   */
  Load(long nowNanos, int[] cells, int cell) {
    // Plain initialisation: the Load is published through the snapshot's volatile write.
    this.cells = cells;
    this.cell = cell;
    this.stamp = nowNanos;
    this.time0 = nowNanos;
    this.time1 = nowNanos;
    this.log0 = Double.NEGATIVE_INFINITY;
    this.log1 = Double.NEGATIVE_INFINITY;
  }

  /**
   * Returns the compact chunk holding the in-flight count, or null if the count is this load's own
   * padded field.
   */
  public int[] cells() {
    return cells;
  }

  /** Returns the in-flight count's slot in {@link #cells()} (0 when that is null). */
  public int cell() {
    return cell;
  }

  /** Returns the in-flight count. */
  public int pending() {
    int[] c = cells;
    // Volatile read: a pick must see increments of other threads' picks as soon as possible;
    // any interleaving is benign (it only skews a heuristic).
    return c == null ? pending : CompactCounters.get(c, cell);
  }

  /** Increments the in-flight count and returns the new value. */
  public int incrementPending() {
    int[] c = cells;
    // Atomic add: concurrent picks and completions must not lose updates (counts return to zero).
    return c == null ? (int) PENDING.getAndAdd(this, 1) + 1 : CompactCounters.add(c, cell, 1);
  }

  /** Decrements the in-flight count and returns the new value. */
  public int decrementPending() {
    int[] c = cells;
    // Atomic add, as for the increment: completions racing picks must not lose updates.
    return c == null ? (int) PENDING.getAndAdd(this, -1) - 1 : CompactCounters.add(c, cell, -1);
  }

  /**
   * Tries to increment the in-flight count while it is below {@code cap}.
   *
   * @param cap the exclusive upper bound
   * @return {@code true} if incremented
   */
  public boolean tryIncrementBelow(int cap) {
    int[] c = cells;
    int current;
    do {
      current = pending(); // volatile read; a stale value only makes the CAS below fail and retry
      if (current >= cap) {
        return false;
      }
      // CAS: the cap check and the increment must be one atomic step (bounded load's guarantee).
    } while (c == null
        ? !PENDING.compareAndSet(this, current, current + 1)
        : !CompactCounters.compareAndSet(c, cell, current, current + 1));
    return true;
  }

  /** The cost {@code elapsed} nanoseconds after an anchor of cost {@code cost}. */
  private static double decay(double cost, long elapsed, double tauNanos) {
    // cost 0 (no sample) stays 0 without an exp; no elapsed time leaves the cost bit-identical.
    return cost == 0.0 || elapsed <= 0 ? cost : cost * Math.exp(-elapsed / tauNanos);
  }

  /** Advances the stamp to at least {@code nowNanos}; returns the stamp after the update. */
  private long advanceStamp(long nowNanos) {
    long s = (long) STAMP.getVolatile(this); // volatile read: the latest stamp, to CAS against
    while (nowNanos > s) {
      // CAS-maximum: the stamp only grows and ends as the maximum of all update times.
      long witness = (long) STAMP.compareAndExchange(this, s, nowNanos);
      if (witness == s) {
        return nowNanos;
      }
      s = witness;
    }
    return s;
  }

  /**
   * The stamp write of a pick's read of this estimate, applied after the pick's decision: raises
   * the stamp to {@code nowNanos} by a CAS-maximum, and writes nothing when it is already at or
   * above (see the class comment, "Pick").
   *
   * @param nowNanos the pick's ticker time
   */
  public void touch(long nowNanos) {
    advanceStamp(nowNanos);
  }

  /**
   * Finagle's read of the estimate, which is an update: decays the cost to {@code nowNanos} (an
   * observation of 0) and returns it. Lock-free; does not allocate. The stamp is raised by a
   * CAS-maximum (exact under concurrency); the balancer's pick uses {@link #touch} instead.
   *
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return the cost after the decay, 0 if the endpoint has no sample yet
   */
  public double cost(long nowNanos, double tauNanos) {
    double cost = costAt(nowNanos, tauNanos);
    advanceStamp(nowNanos);
    return cost;
  }

  /** The cost a read at {@code nowNanos} returns, without writing the stamp. */
  private double costAt(long nowNanos, double tauNanos) {
    while (true) {
      // Acquire: the anchor copy read below is the one this version names, not an older one.
      int v = (int) VERSION.getAcquire(this);
      // Volatile read (plain on x86): the read happens at the later of now and the stamp.
      long s = Math.max(nowNanos, stamp);
      long time;
      double cost;
      if ((v & 1) == 0) {
        // Opaque reads (untorn); a copy being rewritten is detected by the version check below.
        time = (long) TIME0.getOpaque(this);
        cost = (double) COST0.getOpaque(this);
      } else {
        time = (long) TIME1.getOpaque(this);
        cost = (double) COST1.getOpaque(this);
      }
      // The copy's reads complete before the version is read again (seqlock validation).
      VarHandle.loadLoadFence();
      if ((int) VERSION.getOpaque(this) == v) {
        return decay(cost, s - time, tauNanos);
      }
    }
  }

  /**
   * Finagle's peak-EWMA load of this endpoint at {@code nowNanos}: reads the cost (an update, see
   * {@link #cost}) and returns {@code cost * (pending + 1)}, or for an endpoint without a sample 0
   * while idle and {@link #PENALTY} {@code + pending} while it has a request in flight.
   *
   * @param pending the in-flight count to use (read before the cost, as Finagle does)
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return the load
   */
  public double load(int pending, long nowNanos, double tauNanos) {
    double load = loadAt(pending, nowNanos, tauNanos);
    advanceStamp(nowNanos);
    return load;
  }

  private double loadAt(int pending, long nowNanos, double tauNanos) {
    double cost = costAt(nowNanos, tauNanos);
    if (cost == 0.0) {
      // Finagle's get(): Penalty + pending, so of two busy unsampled endpoints the less busy wins
      // (exact in a double: PENALTY < 2^47 and pending < 2^31 stay below 2^53).
      return pending != 0 ? PENALTY + pending : 0.0;
    }
    return cost * (pending + 1);
  }

  /**
   * The natural log of the cost a read at {@code nowNanos} returns, without writing the stamp,
   * computed from the anchor's stored log without {@code exp}: {@code ln(anchor cost) - (max(now,
   * stamp) - anchor time) / tau}. Returns NaN when only the exact computation decides: no sample
   * yet (cost 0) or a cost decayed so far ({@code < e^-700}) that {@link #load} could round it to
   * zero.
   *
   * <p>Error: the anchor's log is at most ln(2^63) < 44 and the decay term at most 744 + 44 when a
   * number is returned, so this value carries less than 1e-12 absolute error, the reciprocal of tau
   * included (see {@link
   * #firstWins} for how two of them are compared).
   */
  private double logCostAt(long nowNanos, double inverseTauNanos) {
    while (true) {
      // The same validated read as costAt(), of the log instead of the cost.
      int v = (int) VERSION.getAcquire(this);
      long s = Math.max(nowNanos, stamp); // volatile read
      long time;
      double log;
      if ((v & 1) == 0) {
        time = (long) TIME0.getOpaque(this);
        log = (double) LOG0.getOpaque(this);
      } else {
        time = (long) TIME1.getOpaque(this);
        log = (double) LOG1.getOpaque(this);
      }
      VarHandle.loadLoadFence();
      if ((int) VERSION.getOpaque(this) == v) {
        // times 1/tau rather than divided by tau (a multiply, not a divide, on the pick's path):
        // both roundings together add below 2^-52 relative, under 2e-13 for the values kept
        double x = s - time > 0 ? log - (s - time) * inverseTauNanos : log;
        return x > -700.0 ? x : Double.NaN;
      }
    }
  }

  /**
   * Finagle's power-of-two-choices step on peak EWMA: reads both estimates at {@code nowNanos} (each
   * read is an update) and returns whether {@code a}'s load is at most {@code b}'s, i.e. whether
   * {@code a} wins (the first candidate wins ties). Compares logs of the loads (no {@code exp}) and
   * falls back to {@link #load}'s exact values when the logs are too close to decide or a cost is
   * zero, so the decision is always the one the exact loads give.
   *
   * <p>The log of a load is {@code ln(cost) + ln(pending + 1)}. The load factors' difference
   * {@code ln((pa + 1) / (pb + 1))} comes from a table for in-flight counts below 256; above, the
   * bounds {@code (pa - pb) / (pa + 1) <= ln((pa + 1) / (pb + 1)) <= (pa - pb) / (pb + 1)} decide
   * without a log call whenever the costs' difference lies outside them by more than the margin,
   * and {@code Math.log} of the ratio is taken only otherwise. Every term is below 1,500 in
   * magnitude, so the computed difference carries less than 1e-11 absolute error, and a difference
   * beyond {@code LOG_MARGIN} (1e-9) orders the exact loads the same way.
   *
   * @param a the first candidate
   * @param b the second candidate
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return {@code true} if {@code a} is chosen
   */
  public static boolean firstWins(Load a, Load b, long nowNanos, double tauNanos) {
    boolean first = decide(a, b, nowNanos, tauNanos);
    // Both reads are updates: CAS-maximum stamps, exact under concurrency.
    a.advanceStamp(nowNanos);
    b.advanceStamp(nowNanos);
    return first;
  }

  /**
   * The decision of {@link #firstWins} without its stamp writes: what both reads at {@code
   * nowNanos} return is compared, and the caller then applies the reads' stamp writes with {@link
   * #touch} (after its in-flight increment, so the pick waits for one contended cache line, not
   * three).
   *
   * @param a the first candidate
   * @param b the second candidate
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return {@code true} if {@code a} is chosen
   */
  public static boolean decide(Load a, Load b, long nowNanos, double tauNanos) {
    return decide(a, b, nowNanos, tauNanos, 1.0 / tauNanos);
  }

  /**
   * {@link #decide(Load, Load, long, double)} with the reciprocal of tau precomputed by the caller
   * (the balancer keeps it, so a pick multiplies instead of dividing twice).
   *
   * @param a the first candidate
   * @param b the second candidate
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @param inverseTauNanos {@code 1.0 / tauNanos}
   * @return {@code true} if {@code a} is chosen
   */
  public static boolean decide(
      Load a, Load b, long nowNanos, double tauNanos, double inverseTauNanos) {
    // (pending is never negative: each decrement follows its increment in the count's order)
    int pa = a.pending();
    int pb = b.pending();
    double diff =
        a.logCostAt(nowNanos, inverseTauNanos) - b.logCostAt(nowNanos, inverseTauNanos);
    // (NaN, a zero or vanishing cost, skips to the exact loads without computing the factor)
    if (pa != pb && !Double.isNaN(diff)) {
      if ((pa | pb) < LOG_FACTOR.length) {
        diff += LOG_FACTOR[pa] - LOG_FACTOR[pb];
      } else {
        double d = (double) pa - pb; // exact: both are ints
        if (diff + d / (pb + 1.0) < -LOG_MARGIN) {
          return true; // even the largest factor difference leaves a's load below b's
        }
        if (diff + d / (pa + 1.0) > LOG_MARGIN) {
          return false; // even the smallest leaves it above
        }
        diff += Math.log((pa + 1.0) / (pb + 1.0));
      }
    }
    if (diff < -LOG_MARGIN) {
      return true;
    }
    if (diff > LOG_MARGIN) {
      return false;
    }
    // Too close to call in the log domain, or NaN (a zero or vanishing cost): exact loads.
    return a.loadAt(pa, nowNanos, tauNanos) <= b.loadAt(pb, nowNanos, tauNanos);
  }

  /**
   * Applies Finagle's peak-EWMA update with observation {@code rtt} at {@code nowNanos} and returns
   * the new cost: the cost (decayed to the stamp) jumps to a larger observation at once and
   * otherwise moves toward it with weight {@code 1 - exp(-(now - stamp) / tau)}.
   *
   * @param rtt the observation in nanoseconds
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return the cost after the update
   */
  public double observe(double rtt, long nowNanos, double tauNanos) {
    lock();
    try {
      int v = version; // volatile read; only lock holders write it, so it is stable here
      // Our own (or the previous lock holder's, ordered by the lock) writes: plain reads suffice.
      long time = (v & 1) == 0 ? time0 : time1;
      double cost = (v & 1) == 0 ? cost0 : cost1;
      // Volatile read after the lock's CAS: includes every stamp advance ordered before it.
      long s = stamp;
      double current = decay(cost, s - time, tauNanos);
      long t = Math.max(nowNanos, s);
      double next;
      if (rtt > current) {
        next = rtt;
      } else if (t == s) {
        // No time since the stamp: w = exp(-0 / tau) = 1 exactly, and current * 1 + rtt * 0 is
        // current bit for bit (rtt is finite), so Finagle's blend is the cost itself; no exp.
        if (s == time) {
          // ...and the anchor is already (t, current) with the stamp at t: the update changes
          // nothing (common under a coarse ticker), so there is nothing to publish.
          return current;
        }
        next = current;
      } else {
        double w = Math.exp(-(t - s) / tauNanos);
        next = current * w + rtt * (1.0 - w);
      }
      double log = Math.log(next); // -infinity for 0: the log-domain reads treat it as "no sample"
      // The stamp first: a reader that still sees the old anchor then decays it to t, which is
      // Finagle's value of a read just before this observation.
      advanceStamp(t);
      // Latch: the odd version sends readers to copy 1 before copy 0 changes; the fence keeps
      // copy 0's stores after this store (opaque: untorn, and ordered by the fence).
      VERSION.setOpaque(this, v + 1);
      VarHandle.storeStoreFence();
      TIME0.setOpaque(this, t);
      COST0.setOpaque(this, next);
      LOG0.setOpaque(this, log);
      // Release: copy 0 is complete before readers are sent to it; the fence keeps copy 1's
      // stores after it, so a reader of copy 1 that races them sees the version move.
      VERSION.setRelease(this, v + 2);
      VarHandle.storeStoreFence();
      TIME1.setOpaque(this, t);
      COST1.setOpaque(this, next);
      LOG1.setOpaque(this, log);
      return next;
    } finally {
      // Release: the next lock holder sees both copies and the version written above.
      WRITING.setRelease(this, 0);
    }
  }

  private void lock() {
    int spins = 0;
    // CAS 0 -> 1: one observer at a time; acquire semantics order its reads after the last unlock.
    while (!WRITING.compareAndSet(this, 0, 1)) {
      if (++spins < 64) {
        Thread.onSpinWait();
      } else {
        Thread.yield(); // the holder was likely descheduled: let it run
      }
    }
  }

  /**
   * Returns the estimate's stamp: the latest time it was read or updated at.
   *
   * @return the stamp in ticker nanoseconds
   */
  public long stamp() {
    return stamp; // volatile read
  }
}
