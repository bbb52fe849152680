package io.perfkit.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Any sequence of get / get-with-loader / put / invalidate / clock advances agrees with a map model.
 * L1 is tiny (entries spill constantly) and L2 holds every key, so nothing is evicted for size and the
 * model only has to know expiry: an entry lives 30 minutes from its last write (5 in L1, then L2).
 */
final class TieredCacheModelTest {
  private static final Duration LIFETIME = Duration.ofMinutes(30);

  sealed interface Op permits Get, Load, Put, Invalidate, Advance, Restart {}

  /** Close the cache and build a new one on the same persistent file (persistent property only). */
  record Restart() implements Op {}

  record Get(long key) implements Op {}

  record Load(long key) implements Op {}

  record Put(long key, String value) implements Op {}

  record Invalidate(long key) implements Op {}

  record Advance(Duration by) implements Op {}

  record Entry(String value, long writtenNanos) {}

  @Property(tries = 200)
  void agreesWithMapModel(@ForAll("ops") List<Op> ops) {
    FakeTicker ticker = new FakeTicker();
    Map<Long, Entry> model = new HashMap<>();
    try (TieredCache<Long, String> cache = TieredCache.newBuilder()
        .maximumSize(3)
        .offHeapMaximumSize(64)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .ticker(ticker)
        .executor(Runnable::run)
        .build()) {
      run(ops, cache, ticker, null, model, null);
    }
  }

  /**
   * The same with promotion: an L2 entry moves up to L1 on its n-th L2 hit (n = 1 to 3), keeping its
   * first write time, so the model's lifetimes still hold.
   */
  @Property(tries = 200)
  void withPromotion_agreesWithMapModel(@ForAll("ops") List<Op> ops,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 1, max = 3) int promoteAfterHits) {
    FakeTicker ticker = new FakeTicker();
    try (TieredCache<Long, String> cache = TieredCache.newBuilder()
        .maximumSize(3)
        .offHeapMaximumSize(64)
        .promoteAfterHits(promoteAfterHits)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .ticker(ticker)
        .executor(Runnable::run)
        .build()) {
      run(ops, cache, ticker, null, new HashMap<>(), null);
    }
  }

  /**
   * The same with L1 = 3, L2 = 4 and a persistent L3 holding every key: entries move down through
   * all three tiers, and a restart (close, then a new cache on the same file) loses nothing that has
   * not expired. L3's lifetime is on a wall clock advanced with the ticker. Promotion off, or on after
   * 1 or 2 hits (L2 and L3 entries then move up to L1).
   */
  @Property(tries = 100)
  void withPersistentTier_agreesWithMapModelAcrossRestarts(@ForAll("opsWithRestarts") List<Op> ops,
      @ForAll @net.jqwik.api.constraints.IntRange(min = 0, max = 2) int promoteAfterHits)
      throws java.io.IOException {
    java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("perfkit-model");
    java.nio.file.Path file = dir.resolve("l3");
    FakeTicker ticker = new FakeTicker();
    TieredCachePersistentTest.MutableClock clock = new TieredCachePersistentTest.MutableClock();
    java.util.function.Supplier<TieredCache<Long, String>> open = () -> TieredCache.newBuilder()
        .maximumSize(3)
        .offHeapMaximumSize(4)
        .persistentTier(file, 64)
        .persistentExpireAfterWrite(LIFETIME)
        .promoteAfterHits(promoteAfterHits)
        .keySerializer(Serializer.longs())
        .valueSerializer(Serializer.string())
        .ticker(ticker)
        .clock(clock)
        .executor(Runnable::run)
        .build();
    java.util.concurrent.atomic.AtomicReference<TieredCache<Long, String>> holder =
        new java.util.concurrent.atomic.AtomicReference<>(open.get());
    try {
      run(ops, holder.get(), ticker, clock, new HashMap<>(), () -> {
        holder.get().close();
        holder.set(open.get());
        return holder.get();
      });
    } finally {
      holder.get().close();
      try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
        for (java.nio.file.Path f : files.toList()) {
          java.nio.file.Files.delete(f);
        }
      }
      java.nio.file.Files.delete(dir);
    }
  }

  private static void run(List<Op> ops, TieredCache<Long, String> initial, FakeTicker ticker,
      TieredCachePersistentTest.MutableClock clock, Map<Long, Entry> model,
      java.util.function.Supplier<TieredCache<Long, String>> restart) {
    TieredCache<Long, String> cache = initial;
    {
      int step = 0;
      for (Op op : ops) {
        step++;
        if (op instanceof Restart) {
          if (restart != null) {
            cache = restart.get();
          }
          continue;
        }
        long now = ticker.read();
        model.values().removeIf(e -> now - e.writtenNanos() >= LIFETIME.toNanos());
        if (op instanceof Get get) {
          Entry expected = model.get(get.key());
          assertEquals(expected == null ? null : expected.value(), cache.get(get.key()),
              "step " + step + " " + op);
        } else if (op instanceof Load load) {
          Entry expected = model.get(load.key());
          String loaded = "loaded" + load.key() + "@" + now;
          String actual = cache.get(load.key(), k -> loaded);
          if (expected == null) {
            assertEquals(loaded, actual, "step " + step + " " + op);
            model.put(load.key(), new Entry(loaded, now));
          } else {
            assertEquals(expected.value(), actual, "step " + step + " " + op);
          }
        } else if (op instanceof Put put) {
          cache.put(put.key(), put.value());
          model.put(put.key(), new Entry(put.value(), now));
        } else if (op instanceof Invalidate invalidate) {
          cache.invalidate(invalidate.key());
          model.remove(invalidate.key());
        } else if (op instanceof Advance advance) {
          ticker.advance(advance.by());
          if (clock != null) {
            clock.advance(advance.by());
          }
        }
      }
    }
  }

  @Provide
  Arbitrary<List<Op>> opsWithRestarts() {
    Arbitrary<Op> restart = Arbitraries.just(new Restart());
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(30, op()),
        net.jqwik.api.Tuple.of(1, restart))
        .list().ofMaxSize(80);
  }

  @Provide
  Arbitrary<List<Op>> ops() {
    return op().list().ofMaxSize(80);
  }

  private static Arbitrary<Op> op() {
    Arbitrary<Long> keys = Arbitraries.longs().between(0, 12);
    Arbitrary<String> values = Arbitraries.strings().alpha().ofMaxLength(20);
    Arbitrary<Duration> steps = Arbitraries.of(Duration.ofSeconds(1), Duration.ofMinutes(1),
        Duration.ofMinutes(4), Duration.ofMinutes(5), Duration.ofMinutes(11), Duration.ofMinutes(29));
    Arbitrary<Op> op = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, keys.map(Get::new)),
        net.jqwik.api.Tuple.of(2, keys.map(Load::new)),
        net.jqwik.api.Tuple.of(4, Combinators.combine(keys, values).as(Put::new)),
        net.jqwik.api.Tuple.of(1, keys.map(Invalidate::new)),
        net.jqwik.api.Tuple.of(1, steps.map(Advance::new)));
    return op;
  }
}
