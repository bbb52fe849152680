package io.perfkit.balance;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

final class BalancerPropertiesTest {
  /** Reference nginx loop, no failures. */
  private static int[] model(int[] weights, int picks) {
    int[] cw = new int[weights.length];
    int[] out = new int[picks];
    int total = 0;
    for (int w : weights) {
      total += w;
    }
    for (int k = 0; k < picks; k++) {
      int best = -1;
      for (int i = 0; i < weights.length; i++) {
        cw[i] += weights[i];
        if (best < 0 || cw[i] > cw[best]) {
          best = i;
        }
      }
      cw[best] -= total;
      out[k] = best;
    }
    return out;
  }

  @Property(tries = 60)
  void smoothWeighted_matchesNginxModelAndSharesEqualWeightsPerPeriod(
      @ForAll @Size(min = 1, max = 12) List<@IntRange(min = 1, max = 20) Integer> weights) {
    List<Endpoint> endpoints = new ArrayList<>();
    int[] w = new int[weights.size()];
    int total = 0;
    for (int i = 0; i < w.length; i++) {
      w[i] = weights.get(i);
      total += w[i];
      endpoints.add(Endpoint.of("e" + i, w[i]));
    }
    Balancer lb = Balancers.newBuilder().endpoints(endpoints).smoothWeightedRoundRobin();
    int[] expected = model(w, 2 * total);
    int[] counts = new int[w.length];
    for (int k = 0; k < 2 * total; k++) {
      int got = Integer.parseInt(lb.pick().id().substring(1));
      assertEquals(expected[k], got, "pick " + k);
      if (k < total) {
        counts[got]++;
      }
    }
    for (int i = 0; i < w.length; i++) {
      assertEquals(w[i], counts[i], "share of e" + i + " over one period");
    }
  }

  @Property(tries = 40)
  void smoothWeighted_afterFailuresMatchesNginxModelWithEffectiveWeights(
      @ForAll @Size(min = 2, max = 6) List<@IntRange(min = 1, max = 9) Integer> weights,
      @ForAll @IntRange(min = 0, max = 5) int failed,
      @ForAll @IntRange(min = 1, max = 3) int maxFails) {
    int n = weights.size();
    int victim = failed % n;
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      endpoints.add(Endpoint.of("e" + i, weights.get(i)));
    }
    Balancer lb =
        Balancers.newBuilder().endpoints(endpoints).maxFails(maxFails).smoothWeightedRoundRobin();
    lb.report(endpoints.get(victim), false);
    // model from the zero state with the victim's effective weight reduced
    int[] cw = new int[n];
    int[] ew = new int[n];
    for (int i = 0; i < n; i++) {
      ew[i] = weights.get(i);
    }
    ew[victim] = Math.max(0, ew[victim] - weights.get(victim) / maxFails);
    for (int k = 0; k < 60; k++) {
      int total = 0;
      int best = -1;
      for (int i = 0; i < n; i++) {
        cw[i] += ew[i];
        total += ew[i];
        if (ew[i] < weights.get(i)) {
          ew[i]++;
        }
        if (best < 0 || cw[i] > cw[best]) {
          best = i;
        }
      }
      cw[best] -= total;
      assertEquals("e" + best, lb.pick().id(), "pick " + k);
    }
  }

  @Property(tries = 20)
  void roundRobin_exactSharesOverWholeRounds(
      @ForAll @IntRange(min = 1, max = 50) int n, @ForAll @IntRange(min = 1, max = 20) int rounds) {
    List<Endpoint> endpoints = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      endpoints.add(Endpoint.of("e" + i));
    }
    Balancer lb = Balancers.newBuilder().endpoints(endpoints).roundRobin();
    int[] counts = new int[n];
    for (int k = 0; k < n * rounds; k++) {
      counts[Integer.parseInt(lb.pick().id().substring(1))]++;
    }
    for (int c : counts) {
      assertEquals(rounds, c);
    }
  }

  @Property(tries = 15)
  void weightedRandom_sharesConvergeToWeights(
      @ForAll @Size(min = 1, max = 8) List<@IntRange(min = 1, max = 10) Integer> weights,
      @ForAll long seed) {
    List<Endpoint> endpoints = new ArrayList<>();
    double total = 0;
    for (int i = 0; i < weights.size(); i++) {
      endpoints.add(Endpoint.of("e" + i, weights.get(i)));
      total += weights.get(i);
    }
    Balancer lb = Balancers.newBuilder().endpoints(endpoints).seed(seed).weightedRandom();
    int picks = 50_000;
    int[] counts = new int[weights.size()];
    for (int k = 0; k < picks; k++) {
      counts[Integer.parseInt(lb.pick().id().substring(1))]++;
    }
    for (int i = 0; i < counts.length; i++) {
      double p = weights.get(i) / total;
      double sigma = Math.sqrt(p * (1 - p) / picks);
      assertEquals(p, counts[i] / (double) picks, 6 * sigma + 1e-9, "e" + i);
    }
  }
}
