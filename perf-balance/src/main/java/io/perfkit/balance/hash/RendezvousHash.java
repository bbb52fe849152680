package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Hashing64;
import io.perfkit.balance.internal.Member;
import java.util.Collection;

/** Weighted rendezvous (highest random weight) hashing. */
final class RendezvousHash extends AbstractBalancer<RendezvousHash.View> implements ConsistentHash {
  /*
   * Thaler and Ravishankar's HRW: each endpoint scores the key with a hash of (key, endpoint) and
   * the highest score wins, so removing an endpoint moves only its own keys. Weighted form
   * (Schindelhauer and Schomaker's logarithmic method): score = w / -ln(u) with u the hash mapped
   * to (0, 1); endpoint i then wins with probability w_i / sum(w). With equal weights the score is
   * monotone in u, so we compare the hashes directly and skip the logarithm. O(n) per lookup.
   */
  record View(Endpoint[] endpoints, long[] seeds, double[] weights, boolean equalWeights) {}

  RendezvousHash(BalancerConfig config, Collection<Endpoint> endpoints) {
    super(config);
    init(endpoints);
  }

  @Override
  protected View buildView(Member[] candidates) {
    int n = candidates.length;
    Endpoint[] endpoints = new Endpoint[n];
    long[] seeds = new long[n];
    double[] weights = new double[n];
    boolean equal = true;
    for (int i = 0; i < n; i++) {
      endpoints[i] = candidates[i].endpoint();
      seeds[i] = Hashing64.hash(candidates[i].id());
      weights[i] = candidates[i].weight();
      equal &= weights[i] == weights[0];
    }
    return new View(endpoints, seeds, weights, equal);
  }

  @Override
  public Endpoint pick(long keyHash) {
    View view = view();
    long[] seeds = view.seeds;
    int n = seeds.length;
    if (n == 0) {
      throw noEndpoint();
    }
    int best = 0;
    if (view.equalWeights) {
      long bestScore = Long.MIN_VALUE;
      for (int i = 0; i < n; i++) {
        long score = Hashing64.mix(keyHash ^ seeds[i]) ^ Long.MIN_VALUE; // unsigned order
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
    } else {
      double bestScore = -1;
      for (int i = 0; i < n; i++) {
        double u = ((Hashing64.mix(keyHash ^ seeds[i]) >>> 11) + 0.5) * 0x1.0p-53;
        double score = view.weights[i] / -Math.log(u);
        if (score > bestScore) {
          bestScore = score;
          best = i;
        }
      }
    }
    return view.endpoints[best];
  }
}
