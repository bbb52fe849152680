package io.perfkit.balance;

import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Member;
import io.perfkit.balance.internal.RandomSource;
import java.util.Collection;

/**
 * Weighted random choice: endpoint i with probability weight_i / sum(weights), with slow-start
 * weights while any endpoint ramps up.
 */
final class WeightedRandomBalancer extends AbstractBalancer<WeightedRandomBalancer.View>
    implements Balancer {
  /*
   * Static weights: cumulative sums and a binary search for the first sum above u * total. While a
   * member is in its slow-start window the weights depend on time, so the pick computes them on the
   * fly in one O(n) pass instead.
   */
  record View(Member[] members, double[] cumulative, long rampEndNanos) {}

  private final RandomSource random;

  WeightedRandomBalancer(BalancerConfig config, RandomSource random, Collection<Endpoint> endpoints) {
    super(config);
    this.random = random;
    init(endpoints);
  }

  @Override
  protected View buildView(Member[] candidates) {
    double[] cumulative = new double[candidates.length];
    double sum = 0;
    for (int i = 0; i < candidates.length; i++) {
      sum += candidates[i].weight();
      cumulative[i] = sum;
    }
    return new View(candidates, cumulative, config.slowStart().rampEnd(candidates));
  }

  @Override
  public Endpoint pick() {
    View view = view();
    Member[] members = view.members;
    int n = members.length;
    if (n == 0) {
      throw noEndpoint();
    }
    if (view.rampEndNanos != Long.MIN_VALUE) {
      long now = config.ticker().read();
      if (view.rampEndNanos - now > 0) {
        return pickRamping(members, now);
      }
    }
    double[] cumulative = view.cumulative;
    double target = random.nextDouble() * cumulative[n - 1];
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > target) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return members[lo].endpoint();
  }

  private Endpoint pickRamping(Member[] members, long now) {
    double total = 0;
    for (Member m : members) {
      total += config.slowStart().weight(m, now);
    }
    double target = random.nextDouble() * total;
    for (Member m : members) {
      target -= config.slowStart().weight(m, now);
      if (target < 0) {
        return m.endpoint();
      }
    }
    return members[members.length - 1].endpoint();
  }
}
