package io.perfkit.balance.autoscale;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/** Properties of the vertical recommender that hold for every history. */
final class VerticalRecommenderPropertiesTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @Property(tries = 100)
  void boundsAreOrderedAndAboveTheMinimum(
      @ForAll @Size(min = 1, max = 200) List<@DoubleRange(min = 0, max = 64) Double> cores,
      @ForAll @Size(min = 1, max = 50) List<@DoubleRange(min = 0, max = 1e11) Double> bytes,
      @ForAll @IntRange(min = 1, max = 600) int stepSeconds,
      @ForAll @IntRange(min = 1, max = 4) int containers) {
    List<UsageSample> s = new ArrayList<>();
    for (int i = 0; i < cores.size(); i++) {
      s.add(UsageSample.cpu(T0.plusSeconds((long) i * stepSeconds), cores.get(i), 1.0));
    }
    for (int i = 0; i < bytes.size(); i++) {
      s.add(UsageSample.memory(T0.plusSeconds((long) i * stepSeconds * 60), bytes.get(i), 0));
    }
    VerticalRecommendation r = VerticalRecommender.builder().build()
        .recommend(s, List.of(), 0, containers);
    assertTrue(r.available());
    assertTrue(r.cpuLowerMillis() <= r.cpuTargetMillis() && r.cpuTargetMillis() <= r.cpuUpperMillis(),
        r::toString);
    assertTrue(r.memoryLowerBytes() <= r.memoryTargetBytes()
        && r.memoryTargetBytes() <= r.memoryUpperBytes(), r::toString);
    assertTrue(r.cpuLowerMillis() >= 25 / containers, r::toString);
    assertTrue(r.memoryLowerBytes() >= (long) (250.0 * 1024 * 1024 / containers), r::toString);
    assertTrue(r.cpuUpperMillis() <= (long) VerticalRecommender.MAX_RESOURCE_AMOUNT);
  }
}
