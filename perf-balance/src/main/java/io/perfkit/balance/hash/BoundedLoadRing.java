package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.Lease;
import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Load;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.TrackedLease;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;

/** Bounded-load consistent hashing on a {@link RingView}. */
final class BoundedLoadRing extends AbstractBalancer<RingView>
    implements BoundedLoadHash, TrackedLease.Observer {
  /*
   * The walk visits ring points in order, skipping repeated owners of consecutive points, and stops
   * after a full turn. With c > 1 and exact counts some endpoint is always below the cap (the
   * average load m / n is below c * m / n), so one turn suffices; under concurrency the total may
   * move while we walk, so we recompute the cap and walk again.
   */
  private final double loadFactor;
  private final AtomicLong inFlight = new AtomicLong();

  BoundedLoadRing(
      BalancerConfig config,
      double loadFactor,
      int virtualNodes,
      int maxRingSize,
      Collection<Endpoint> endpoints) {
    super(config);
    this.loadFactor = loadFactor;
    this.virtualNodes = virtualNodes;
    this.maxRingSize = maxRingSize;
    init(endpoints);
  }

  private final int virtualNodes;
  private final int maxRingSize;

  @Override
  protected RingView buildView(Member[] candidates) {
    return new RingView(candidates, virtualNodes, maxRingSize);
  }

  /**
   * Returns the cap for a new key given the current totals.
   *
   * @param keysInFlight keys in flight including the new one
   * @param endpoints available endpoints
   * @return {@code ceil(c * keysInFlight / endpoints)}
   */
  long cap(long keysInFlight, int endpoints) {
    return (long) Math.ceil(loadFactor * keysInFlight / endpoints);
  }

  @Override
  public Lease pick(long keyHash) {
    RingView view = view();
    int points = view.points.length;
    if (points == 0) {
      throw noEndpoint();
    }
    int start = view.position(keyHash);
    while (true) {
      long m = inFlight.get() + 1;
      int cap = (int) Math.min(Integer.MAX_VALUE, cap(m, view.members.length));
      int previous = -1;
      for (int k = 0; k < points; k++) {
        int p = start + k;
        int owner = view.owners[p >= points ? p - points : p];
        if (owner == previous) {
          continue;
        }
        previous = owner;
        Member member = view.members[owner];
        if (member.load().tryIncrementBelow(cap)) {
          inFlight.incrementAndGet();
          return new TrackedLease(
              member.endpoint(), member.load(), config.ticker(), 0L, this);
        }
      }
    }
  }

  @Override
  public long totalInFlight() {
    return inFlight.get();
  }

  @Override
  public double loadFactor() {
    return loadFactor;
  }

  @Override
  public void onDone(Load load, long latencyNanos, boolean success, long nowNanos) {
    inFlight.decrementAndGet();
  }
}
