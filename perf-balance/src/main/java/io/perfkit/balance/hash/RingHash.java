package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Member;
import java.util.Collection;

/** Ketama-style consistent hash ring with weighted virtual nodes. */
final class RingHash extends AbstractBalancer<RingView> implements ConsistentHash {
  private final int virtualNodes;
  private final int maxRingSize;

  RingHash(BalancerConfig config, int virtualNodes, int maxRingSize, Collection<Endpoint> endpoints) {
    super(config);
    this.virtualNodes = virtualNodes;
    this.maxRingSize = maxRingSize;
    init(endpoints);
  }

  @Override
  protected RingView buildView(Member[] candidates) {
    return new RingView(candidates, virtualNodes, maxRingSize);
  }

  @Override
  public Endpoint pick(long keyHash) {
    RingView view = view();
    if (view.points.length == 0) {
      throw noEndpoint();
    }
    return view.lookup(keyHash);
  }

  /** Returns the number of points on the current ring. */
  int ringSize() {
    return view().points.length;
  }
}
