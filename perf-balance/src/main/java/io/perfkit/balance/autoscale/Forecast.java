package io.perfkit.balance.autoscale;

/**
 * A load forecast for the steps {@code 1..horizon} after the last observation, with a prediction
 * interval, and the forecaster's recent accuracy.
 *
 * <p>{@code skill} compares the model's recent out-of-sample error at the lead time with that of
 * "the load stays as it is now" (what a reactive scaler assumes): {@code 1 - MAE(model) /
 * MAE(persistence)}. 1 is perfect, 0 is no better than reacting, negative is worse.
 *
 * <p>Immutable and thread-safe (arrays are copied on access).
 *
 * @param model the model's name, for example {@code "holt-winters-additive(336)"}
 * @param mean the point forecast per step
 * @param lower the lower bound of the prediction interval per step (never below 0)
 * @param upper the upper bound of the prediction interval per step
 * @param level the interval's nominal coverage, in {@code (0, 1)}
 * @param skill the recent skill against persistence
 */
public record Forecast(
    String model, double[] mean, double[] lower, double[] upper, double level, double skill) {

  /**
   * Copies the arrays.
   *
   * @throws NullPointerException if an array is null
   */
  public Forecast {
    mean = mean.clone();
    lower = lower.clone();
    upper = upper.clone();
  }

  /** A copy of the point forecast per step. */
  @Override
  public double[] mean() {
    return mean.clone();
  }

  /** A copy of the interval's lower bounds per step. */
  @Override
  public double[] lower() {
    return lower.clone();
  }

  /** A copy of the interval's upper bounds per step. */
  @Override
  public double[] upper() {
    return upper.clone();
  }

  /** The number of steps forecast. */
  public int horizon() {
    return mean.length;
  }

  /** The point forecast {@code step} steps ahead (1-based). */
  public double at(int step) {
    return mean[step - 1];
  }

  /** The interval's upper bound {@code step} steps ahead (1-based). */
  public double upperAt(int step) {
    return upper[step - 1];
  }
}
