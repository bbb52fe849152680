package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.PaddedSequence;
import java.util.Collection;

/** Plain round robin over the available endpoints, ignoring weights. */
final class RoundRobinBalancer extends AbstractBalancer<Endpoint[]> implements Balancer {
  private final PaddedSequence sequence = new PaddedSequence();

  RoundRobinBalancer(BalancerConfig config, Collection<Endpoint> endpoints) {
    super(config);
    init(endpoints);
  }

  @Override
  protected Endpoint[] buildView(Member[] candidates) {
    Endpoint[] endpoints = new Endpoint[candidates.length];
    for (int i = 0; i < candidates.length; i++) {
      endpoints[i] = candidates[i].endpoint();
    }
    return endpoints;
  }

  @Override
  public Endpoint pick() {
    Endpoint[] endpoints = view();
    int n = endpoints.length;
    if (n == 0) {
      throw noEndpoint();
    }
    long position = sequence.getAndIncrement() & Long.MAX_VALUE;
    return endpoints[(int) (position % n)];
  }
}
