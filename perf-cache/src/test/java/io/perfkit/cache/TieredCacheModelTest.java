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

  sealed interface Op permits Get, Load, Put, Invalidate, Advance {}

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
      int step = 0;
      for (Op op : ops) {
        step++;
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
        }
      }
    }
  }

  @Provide
  Arbitrary<List<Op>> ops() {
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
    return op.list().ofMaxSize(80);
  }
}
