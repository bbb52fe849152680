package io.perfkit.balance.autoscale;

/**
 * The result of a {@link PredictiveScaler} decision.
 *
 * <p>Immutable and thread-safe.
 *
 * @param replicas the replica count to set
 * @param reason why
 * @param reactiveReplicas the reactive recommendation that was passed in
 * @param forecastReplicas the replicas the forecast asks for over the lead time, or {@code -1}
 *     without a forecast
 * @param forecast the best forecast, or null when the history was too short
 */
public record PredictiveDecision(
    int replicas, Reason reason, int reactiveReplicas, int forecastReplicas, Forecast forecast) {

  /** Why the predictive scaler chose its count. */
  public enum Reason {
    /** The confident forecast asks for more than the reactive recommendation: scale up ahead. */
    FORECAST,
    /** The forecast asks for no more than the reactive recommendation, which applies. */
    REACTIVE,
    /** The best forecast's skill is below the threshold: the reactive recommendation applies. */
    LOW_CONFIDENCE,
    /** Not enough history for any model: the reactive recommendation applies. */
    HISTORY_TOO_SHORT
  }
}
