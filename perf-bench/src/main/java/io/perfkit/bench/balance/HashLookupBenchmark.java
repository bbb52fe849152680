package io.perfkit.bench.balance;

import com.google.common.hash.Hashing;
import io.perfkit.balance.Endpoint;
import io.perfkit.balance.hash.ConsistentHash;
import io.perfkit.balance.hash.ConsistentHashing;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One key lookup (key hash precomputed) over 100 endpoints: perfkit's ring (160 virtual nodes, to
 * match the common hand-written ring), Maglev (65537), jump and rendezvous, against Guava's {@code
 * Hashing.consistentHash} ({@code guava}), a {@code TreeMap<Long, Endpoint>} ring with 160 MD5
 * points per endpoint and {@code ceilingEntry} wrap-around ({@code treemap}), and the same TreeMap
 * ring behind {@code synchronized} (the seed-style version, {@code synchronized}).
 *
 * <p>Run: {@code java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main HashLookupBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(3)
public class HashLookupBenchmark {
  @Param({
    "perfkit-ring",
    "perfkit-maglev",
    "perfkit-jump",
    "perfkit-rendezvous",
    "guava",
    "treemap",
    "synchronized"
  })
  public String impl;

  @Param({"100"})
  public int endpoints;

  private static final int KEYS = 1 << 16;
  private final long[] keys = new long[KEYS];
  private int next;
  private LongFunction<Endpoint> lookup;

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(1);
    for (int i = 0; i < KEYS; i++) {
      keys[i] = r.nextLong();
    }
    List<Endpoint> list = HashDistribution.endpoints(endpoints);
    switch (impl) {
      case "perfkit-ring" -> lookup = hash(ConsistentHashing.newBuilder().endpoints(list).virtualNodes(160).ring());
      case "perfkit-maglev" -> lookup = hash(ConsistentHashing.newBuilder().endpoints(list).maglev());
      case "perfkit-jump" -> lookup = hash(ConsistentHashing.newBuilder().endpoints(list).jump());
      case "perfkit-rendezvous" -> lookup = hash(ConsistentHashing.newBuilder().endpoints(list).rendezvous());
      case "guava" -> {
        Endpoint[] array = list.toArray(new Endpoint[0]);
        lookup = k -> array[Hashing.consistentHash(k, array.length)];
      }
      case "treemap" -> {
        TreeMap<Long, Endpoint> ring = treeRing(list);
        lookup = k -> ceiling(ring, k);
      }
      case "synchronized" -> {
        TreeMap<Long, Endpoint> ring = treeRing(list);
        Object lock = new Object();
        lookup =
            k -> {
              synchronized (lock) {
                return ceiling(ring, k);
              }
            };
      }
      default -> throw new IllegalArgumentException(impl);
    }
  }

  private static LongFunction<Endpoint> hash(ConsistentHash h) {
    return h::pick;
  }

  /** The common hand-written ring: 160 points per endpoint from MD5 of "id-i". */
  static TreeMap<Long, Endpoint> treeRing(List<Endpoint> list) {
    TreeMap<Long, Endpoint> ring = new TreeMap<>();
    for (Endpoint e : list) {
      for (int i = 0; i < 160; i++) {
        @SuppressWarnings("deprecation") // MD5 as the hand-written rings use it, not for security
        long point =
            Hashing.md5().hashString(e.id() + "-" + i, StandardCharsets.UTF_8).asLong();
        ring.put(point, e);
      }
    }
    return ring;
  }

  static Endpoint ceiling(TreeMap<Long, Endpoint> ring, long key) {
    Map.Entry<Long, Endpoint> entry = ring.ceilingEntry(key);
    return entry != null ? entry.getValue() : ring.firstEntry().getValue();
  }

  @Benchmark
  public Endpoint lookup() {
    return lookup.apply(keys[next++ & (KEYS - 1)]);
  }
}
