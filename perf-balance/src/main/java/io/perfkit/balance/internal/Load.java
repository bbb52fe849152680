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

/** The hot per-endpoint fields, written by every pick and completion. */
abstract class LoadFields extends LoadLhsPad {
  volatile int pending;
  volatile Load.Ewma ewma;
}

/**
 * Mutable per-endpoint load: requests in flight and the peak-EWMA latency estimate. One instance per
 * endpoint id lives as long as the endpoint stays in the membership, across snapshots and
 * reweighting, so leases and estimates survive membership changes.
 *
 * <p>Padded by class hierarchy (128 bytes each side): loads of different endpoints are allocated
 * next to each other, and without padding two threads picking different endpoints would still
 * contend on one cache line.
 *
 * <p>Thread-safe: the in-flight count is updated with atomic read-modify-writes, the estimate with
 * a compare-and-set of an immutable {@link Ewma} value.
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

  private static final VarHandle PENDING;
  private static final VarHandle EWMA;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      PENDING = lookup.findVarHandle(LoadFields.class, "pending", int.class);
      EWMA = lookup.findVarHandle(LoadFields.class, "ewma", Ewma.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** Immutable peak-EWMA state: the time of the last update and the cost (nanoseconds). */
  public record Ewma(long stampNanos, double cost) {}

  /**
   * Creates the load of a new endpoint.
   *
   * @param nowNanos the ticker time, the EWMA's first stamp (Finagle's epoch)
   */
  public Load(long nowNanos) {
    // Plain initialisation: the Load is published through the snapshot's volatile write.
    this.ewma = new Ewma(nowNanos, 0.0);
  }

  /** Returns the in-flight count. */
  public int pending() {
    // Volatile read: a pick must see increments of other threads' picks as soon as possible;
    // any interleaving is benign (it only skews a heuristic).
    return pending;
  }

  /** Increments the in-flight count and returns the new value. */
  public int incrementPending() {
    // Atomic add: concurrent picks and completions must not lose updates (counts return to zero).
    return (int) PENDING.getAndAdd(this, 1) + 1;
  }

  /** Decrements the in-flight count and returns the new value. */
  public int decrementPending() {
    // Atomic add, as for the increment: completions racing picks must not lose updates.
    return (int) PENDING.getAndAdd(this, -1) - 1;
  }

  /**
   * Tries to increment the in-flight count while it is below {@code cap}.
   *
   * @param cap the exclusive upper bound
   * @return {@code true} if incremented
   */
  public boolean tryIncrementBelow(int cap) {
    int current;
    do {
      current = pending; // volatile read; a stale value only makes the CAS below fail and retry
      if (current >= cap) {
        return false;
      }
      // CAS: the cap check and the increment must be one atomic step (bounded load's guarantee).
    } while (!PENDING.compareAndSet(this, current, current + 1));
    return true;
  }

  /**
   * Applies Finagle's peak-EWMA update with observation {@code rtt} at {@code nowNanos} and returns
   * the new cost: the cost jumps to a larger observation at once and otherwise decays toward it
   * with weight {@code exp(-elapsed / tau)}.
   *
   * @param rtt the observation in nanoseconds (0 when only decaying on read)
   * @param nowNanos the ticker time
   * @param tauNanos the decay time constant
   * @return the cost after the update
   */
  public double observe(double rtt, long nowNanos, double tauNanos) {
    while (true) {
      Ewma current = ewma; // volatile read of an immutable value: stamp and cost are consistent
      long elapsed = Math.max(nowNanos - current.stampNanos(), 0L);
      double w = Math.exp(-elapsed / tauNanos);
      double cost = rtt > current.cost() ? rtt : current.cost() * w + rtt * (1.0 - w);
      // CAS of an immutable value: stamp and cost change together, as under Finagle's lock.
      if (EWMA.compareAndSet(this, current, new Ewma(Math.max(nowNanos, current.stampNanos()), cost))) {
        return cost;
      }
    }
  }

  /** Returns the current EWMA state without updating it. */
  public Ewma ewma() {
    return ewma; // volatile read of an immutable value: stamp and cost are consistent
  }
}
