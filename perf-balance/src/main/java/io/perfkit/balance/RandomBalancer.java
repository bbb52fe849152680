package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.RandomSource;
import java.util.Collection;

/** Uniform random choice over the available endpoints, ignoring weights. */
final class RandomBalancer extends AbstractBalancer<Endpoint[]> implements Balancer {
  private final RandomSource random;

  RandomBalancer(BalancerConfig config, RandomSource random, Collection<Endpoint> endpoints) {
    super(config);
    this.random = random;
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
    if (endpoints.length == 0) {
      throw noEndpoint();
    }
    return endpoints[random.nextInt(endpoints.length)];
  }
}
