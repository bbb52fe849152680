package io.perfkit.balance.autoscale;

import io.perfkit.core.internal.Checks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The state Kubernetes' HPA controller keeps between decisions for one autoscaler: the recent
 * unstabilised recommendations (for stabilisation windows) and the recent scale-up and
 * scale-down events (for rate-limiting policies). Decisions are pure functions: each one takes a
 * history and returns the updated history in its result; keep the latest and pass it to the next
 * decision.
 *
 * <p>Immutable and thread-safe.
 *
 * @param recommendations past recommendations, oldest slots reused as Kubernetes does
 * @param scaleUpEvents past scale-up events
 * @param scaleDownEvents past scale-down events
 */
public record ScalingHistory(
    List<Recommendation> recommendations,
    List<ScaleEvent> scaleUpEvents,
    List<ScaleEvent> scaleDownEvents) {

  /**
   * A recommendation made at a time.
   *
   * @param replicas the unstabilised recommendation
   * @param time when it was made
   */
  public record Recommendation(int replicas, Instant time) {
    /**
     * Validates.
     *
     * @throws NullPointerException if {@code time} is null
     */
    public Recommendation {
      Checks.requireNonNull(time, "time");
    }
  }

  /**
   * A change of the replica count made at a time.
   *
   * @param change the number of replicas added (scale-up) or removed (scale-down), {@code > 0}
   * @param time when the change was made
   * @param outdated whether the event is older than the longest policy period (its slot may be
   *     reused)
   */
  public record ScaleEvent(int change, Instant time, boolean outdated) {
    /**
     * Validates.
     *
     * @throws NullPointerException if {@code time} is null
     */
    public ScaleEvent {
      Checks.requireNonNull(time, "time");
    }
  }

  /**
   * Validates and copies.
   *
   * @throws NullPointerException if a list or element is null
   */
  public ScalingHistory {
    recommendations = List.copyOf(recommendations);
    scaleUpEvents = List.copyOf(scaleUpEvents);
    scaleDownEvents = List.copyOf(scaleDownEvents);
  }

  /** A history with no recommendations and no events. */
  public static ScalingHistory empty() {
    return new ScalingHistory(List.of(), List.of(), List.of());
  }

  ScalingHistory withRecommendations(List<Recommendation> newRecommendations) {
    return new ScalingHistory(newRecommendations, scaleUpEvents, scaleDownEvents);
  }

  /**
   * Records a scale event as Kubernetes' {@code storeScaleEvent}: marks events older than the
   * longest policy period outdated and reuses the first outdated slot.
   */
  ScalingHistory withScaleEvent(ScalingBehavior behavior, int previous, int next, Instant now) {
    if (behavior == null || previous == next) {
      return this;
    }
    boolean up = next > previous;
    ScalingRules rules = behavior.rules(up);
    Instant cutoff = now.minus(rules.longestPeriod());
    List<ScaleEvent> events = new ArrayList<>(up ? scaleUpEvents : scaleDownEvents);
    for (int i = 0; i < events.size(); i++) {
      ScaleEvent e = events.get(i);
      if (e.time().isBefore(cutoff)) {
        events.set(i, new ScaleEvent(e.change(), e.time(), true));
      }
    }
    int change = up ? next - previous : previous - next;
    boolean reused = false;
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).outdated()) {
        events.set(i, new ScaleEvent(change, now, false));
        reused = true;
        break;
      }
    }
    if (!reused) {
      events.add(new ScaleEvent(change, now, false));
    }
    return up
        ? new ScalingHistory(recommendations, events, scaleDownEvents)
        : new ScalingHistory(recommendations, scaleUpEvents, events);
  }
}
