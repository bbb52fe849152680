package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Member;
import java.util.Collection;

/** Jump consistent hash over the available endpoints in insertion order (weights ignored). */
final class JumpConsistentHash extends AbstractBalancer<Endpoint[]> implements ConsistentHash {
  JumpConsistentHash(BalancerConfig config, Collection<Endpoint> endpoints) {
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
  public Endpoint pick(long keyHash) {
    Endpoint[] endpoints = view();
    if (endpoints.length == 0) {
      throw noEndpoint();
    }
    return endpoints[JumpHash.bucket(keyHash, endpoints.length)];
  }
}
