package io.perfkit.bench.balance;

import io.perfkit.balance.Endpoint;
import io.perfkit.balance.hash.ConsistentHash;
import io.perfkit.balance.hash.ConsistentHashing;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * Distribution quality of the consistent hashes: max/mean load over 1 M random keys at 10, 100 and
 * 1000 endpoints; the fraction of keys moved when one endpoint is added or removed, against the
 * ideal 1/n; and the Maglev table build time.
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.balance.HashDistribution
 * [--keys 1000000] [--seed 1]} (the report wires it as {@code distribution}).
 */
public final class HashDistribution {
  private HashDistribution() {}

  static List<Endpoint> endpoints(int n) {
    List<Endpoint> list = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      list.add(Endpoint.of("10.1." + (i / 256) + "." + (i % 256) + ":8080"));
    }
    return list;
  }

  static final Map<String, Function<List<Endpoint>, ConsistentHash>> KINDS = new java.util.LinkedHashMap<>();

  static {
    KINDS.put("ring (1024 vnodes)", e -> ConsistentHashing.newBuilder().endpoints(e).ring());
    KINDS.put("ring (160 vnodes)", e -> ConsistentHashing.newBuilder().endpoints(e).virtualNodes(160).ring());
    KINDS.put("maglev (65537)", e -> ConsistentHashing.newBuilder().endpoints(e).maglev());
    KINDS.put("jump", e -> ConsistentHashing.newBuilder().endpoints(e).jump());
    KINDS.put("rendezvous", e -> ConsistentHashing.newBuilder().endpoints(e).rendezvous());
  }

  /**
   * Returns max/mean load of {@code keys} random keys.
   *
   * @param lb the hash
   * @param n the endpoint count
   * @param keys the key count
   * @param seed the seed
   * @return max over mean
   */
  static double maxOverMean(ConsistentHash lb, int n, int keys, long seed) {
    Map<String, Integer> counts = new HashMap<>();
    SplittableRandom r = new SplittableRandom(seed);
    for (int i = 0; i < keys; i++) {
      counts.merge(lb.pick(r.nextLong()).id(), 1, Integer::sum);
    }
    int max = 0;
    for (int c : counts.values()) {
      max = Math.max(max, c);
    }
    return max / (keys / (double) n);
  }

  /**
   * Returns the fraction of keys whose endpoint changes across a membership change.
   *
   * @param lb the hash (changed in place)
   * @param change the change
   * @param keys the key count
   * @param seed the seed
   * @return the moved fraction
   */
  static double moved(ConsistentHash lb, Runnable change, int keys, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    long[] k = new long[keys];
    String[] before = new String[keys];
    for (int i = 0; i < keys; i++) {
      k[i] = r.nextLong();
      before[i] = lb.pick(k[i]).id();
    }
    change.run();
    int moved = 0;
    for (int i = 0; i < keys; i++) {
      if (!lb.pick(k[i]).id().equals(before[i])) {
        moved++;
      }
    }
    return moved / (double) keys;
  }

  /**
   * Prints the tables.
   *
   * @param args {@code --keys N --seed N}
   */
  public static void main(String[] args) {
    int keys = 1_000_000;
    long seed = 1;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--keys" -> keys = Integer.parseInt(args[i + 1]);
        case "--seed" -> seed = Long.parseLong(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int[] sizes = {10, 100, 1000};
    System.out.printf(Locale.US, "### Max/mean load, %d random keys%n%n", keys);
    System.out.println("| hash | 10 endpoints | 100 endpoints | 1000 endpoints |");
    System.out.println("|---|---:|---:|---:|");
    for (Map.Entry<String, Function<List<Endpoint>, ConsistentHash>> e : KINDS.entrySet()) {
      StringBuilder row = new StringBuilder("| " + e.getKey());
      for (int n : sizes) {
        row.append(String.format(Locale.US, " | %.3f", maxOverMean(e.getValue().apply(endpoints(n)), n, keys, seed)));
      }
      System.out.println(row + " |");
    }
    int moveKeys = Math.min(keys, 200_000);
    System.out.printf(
        Locale.US,
        "%n### Keys moved by one membership change (%d keys; ideal add 1/(n+1), remove 1/n)%n%n",
        moveKeys);
    System.out.println("| hash | n | add one | ideal | remove one (middle) | ideal |");
    System.out.println("|---|---:|---:|---:|---:|---:|");
    for (Map.Entry<String, Function<List<Endpoint>, ConsistentHash>> e : KINDS.entrySet()) {
      for (int n : new int[] {10, 100}) {
        ConsistentHash add = e.getValue().apply(endpoints(n));
        double added = moved(add, () -> add.add(Endpoint.of("new-endpoint")), moveKeys, seed);
        ConsistentHash remove = e.getValue().apply(endpoints(n));
        String victim = endpoints(n).get(n / 2).id();
        double removed = moved(remove, () -> remove.remove(victim), moveKeys, seed);
        System.out.printf(
            Locale.US,
            "| %s | %d | %.4f | %.4f | %.4f | %.4f |%n",
            e.getKey(),
            n,
            added,
            1.0 / (n + 1),
            removed,
            1.0 / n);
      }
    }
    System.out.printf(Locale.US, "%n### Maglev table build time (median of 5)%n%n");
    System.out.println("| endpoints | table 65537 ms | table 655373 ms |");
    System.out.println("|---:|---:|---:|");
    for (int n : new int[] {10, 100, 1000}) {
      System.out.printf(Locale.US, "| %d | %.2f | %.2f |%n", n, buildMs(n, 65_537), buildMs(n, 655_373));
    }
  }

  private static double buildMs(int n, int tableSize) {
    List<Endpoint> list = endpoints(n);
    double[] times = new double[5];
    for (int warm = 0; warm < 3; warm++) {
      ConsistentHashing.newBuilder().endpoints(list).tableSize(tableSize).maglev();
    }
    for (int i = 0; i < times.length; i++) {
      long start = System.nanoTime();
      ConsistentHashing.newBuilder().endpoints(list).tableSize(tableSize).maglev();
      times[i] = (System.nanoTime() - start) / 1e6;
    }
    java.util.Arrays.sort(times);
    return times[2];
  }
}
