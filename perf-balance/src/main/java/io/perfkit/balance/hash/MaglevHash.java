package io.perfkit.balance.hash;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.internal.AbstractBalancer;
import io.perfkit.balance.internal.BalancerConfig;
import io.perfkit.balance.internal.Hashing64;
import io.perfkit.balance.internal.Member;
import java.util.Collection;

/** Maglev hashing (Eisenbud et al., NSDI 2016) with Envoy-style weights. */
final class MaglevHash extends AbstractBalancer<Endpoint[]> implements ConsistentHash {
  /*
   * Paper, section 3.4: with a prime table size M, backend i has offset = h1(name) mod M and
   * skip = h2(name) mod (M - 1) + 1, and its preference list permutation[j] = (offset + j * skip)
   * mod M (a full permutation because M is prime). Population: backends take turns; on its turn a
   * backend walks its preference list to the first empty slot and takes it; stop when all M slots
   * are filled. With equal weights every backend gets floor(M/N) or ceil(M/N) slots.
   *
   * Weights (Envoy's MaglevTable): in round r = 1, 2, ... backend i takes a turn only while
   * taken_i < r * w_i / w_max, so entries are proportional to weight and the heaviest backend
   * takes a turn in every round.
   *
   * Lookup: table[((keyHash >>> 32) * M) >>> 32], Lemire's multiply-shift reduction of the high
   * 32 bits of the key hash (no division on the lookup path).
   */
  static final long H1_SEED = 0x6A09E667F3BCC909L;
  static final long H2_SEED = 0xBB67AE8584CAA73BL;

  private final int tableSize;

  MaglevHash(BalancerConfig config, int tableSize, Collection<Endpoint> endpoints) {
    super(config);
    this.tableSize = tableSize;
    init(endpoints);
  }

  @Override
  protected Endpoint[] buildView(Member[] candidates) {
    int n = candidates.length;
    if (n == 0) {
      return new Endpoint[0];
    }
    if (n > tableSize) {
      throw new IllegalArgumentException(
          "tableSize: " + tableSize + " (expected: >= endpoint count " + n + ")");
    }
    int[] offset = new int[n];
    int[] skip = new int[n];
    double[] weights = new double[n];
    for (int i = 0; i < n; i++) {
      long h = Hashing64.hash(candidates[i].id());
      offset[i] = (int) Long.remainderUnsigned(Hashing64.mix(h ^ H1_SEED), tableSize);
      skip[i] = (int) Long.remainderUnsigned(Hashing64.mix(h ^ H2_SEED), tableSize - 1) + 1;
      weights[i] = candidates[i].weight();
    }
    int[] table = populate(tableSize, offset, skip, weights);
    Endpoint[] endpoints = new Endpoint[tableSize];
    for (int k = 0; k < tableSize; k++) {
      endpoints[k] = candidates[table[k]].endpoint();
    }
    return endpoints;
  }

  /**
   * The paper's population loop with weighted turns.
   *
   * @param m the prime table size
   * @param offset each backend's offset in {@code [0, m)}
   * @param skip each backend's skip in {@code [1, m)}
   * @param weights each backend's weight
   * @return the table of backend indices
   */
  static int[] populate(int m, int[] offset, int[] skip, double[] weights) {
    int n = offset.length;
    int[] table = new int[m];
    java.util.Arrays.fill(table, -1);
    // position[i] = permutation_i[next_i], advanced by skip mod m without a division
    int[] position = offset.clone();
    long[] taken = new long[n];
    double maxWeight = 0;
    for (double w : weights) {
      maxWeight = Math.max(maxWeight, w);
    }
    int filled = 0;
    for (long round = 1; filled < m; round++) {
      for (int i = 0; i < n && filled < m; i++) {
        if (taken[i] >= round * weights[i] / maxWeight) {
          continue;
        }
        int c;
        do {
          c = position[i];
          long advanced = (long) c + skip[i]; // < 2m: both are below m
          position[i] = (int) (advanced >= m ? advanced - m : advanced);
        } while (table[c] >= 0);
        table[c] = i;
        taken[i]++;
        filled++;
      }
    }
    return table;
  }

  @Override
  public Endpoint pick(long keyHash) {
    Endpoint[] table = view();
    if (table.length == 0) {
      throw noEndpoint();
    }
    return table[(int) (((keyHash >>> 32) * table.length) >>> 32)];
  }
}
