package io.perfkit.core.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The state of a {@link RateMeter} at one instant. Rates are in events per second.
 *
 * @param count events marked since the meter was created
 * @param meanRate {@code count} divided by the seconds since creation
 * @param oneMinuteRate the one-minute exponentially weighted moving average
 * @param fiveMinuteRate the five-minute exponentially weighted moving average
 * @param fifteenMinuteRate the fifteen-minute exponentially weighted moving average
 */
public record RateSnapshot(long count, double meanRate, double oneMinuteRate,
    double fiveMinuteRate, double fifteenMinuteRate) {

  /** Returns the figures as an ordered, unmodifiable map for exporters. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("count", count);
    map.put("meanRate", meanRate);
    map.put("m1Rate", oneMinuteRate);
    map.put("m5Rate", fiveMinuteRate);
    map.put("m15Rate", fifteenMinuteRate);
    return Collections.unmodifiableMap(map);
  }
}
