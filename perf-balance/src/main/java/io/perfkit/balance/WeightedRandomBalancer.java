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
   * Static weights: Vose's alias method. Column i = high 32 bits of a random long scaled to [0, n);
   * the low 32 bits, as a fraction, choose between the column's own endpoint (probability prob[i])
   * and its alias. O(1) and one data-dependent select instead of a binary search's log n
   * unpredictable branches. While a member is in its slow-start window the weights depend on time,
   * so the pick computes them on the fly in one O(n) pass instead.
   */
  record View(Member[] members, double[] prob, int[] alias, long rampEndNanos) {}

  private final RandomSource random;

  WeightedRandomBalancer(BalancerConfig config, RandomSource random, Collection<Endpoint> endpoints) {
    super(config);
    this.random = random;
    init(endpoints);
  }

  @Override
  protected View buildView(Member[] candidates) {
    int n = candidates.length;
    double[] prob = new double[n];
    int[] alias = new int[n];
    double sum = 0;
    for (Member m : candidates) {
      sum += m.weight();
    }
    double[] scaled = new double[n];
    int[] small = new int[n];
    int[] large = new int[n];
    int smallCount = 0;
    int largeCount = 0;
    for (int i = 0; i < n; i++) {
      scaled[i] = candidates[i].weight() * n / sum;
      if (scaled[i] < 1.0) {
        small[smallCount++] = i;
      } else {
        large[largeCount++] = i;
      }
    }
    while (smallCount > 0 && largeCount > 0) {
      int s = small[--smallCount];
      int l = large[--largeCount];
      prob[s] = scaled[s];
      alias[s] = l;
      scaled[l] = (scaled[l] + scaled[s]) - 1.0;
      if (scaled[l] < 1.0) {
        small[smallCount++] = l;
      } else {
        large[largeCount++] = l;
      }
    }
    while (largeCount > 0) {
      int l = large[--largeCount];
      prob[l] = 1.0;
      alias[l] = l;
    }
    while (smallCount > 0) { // rounding leftovers: keep their own column
      int s = small[--smallCount];
      prob[s] = 1.0;
      alias[s] = s;
    }
    return new View(candidates, prob, alias, config.slowStart().rampEnd(candidates));
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
    long bits = random.nextLong();
    int column = (int) (((bits >>> 32) * n) >>> 32);
    double u = (bits & 0xFFFFFFFFL) * 0x1.0p-32;
    return members[u < view.prob[column] ? column : view.alias[column]].endpoint();
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
