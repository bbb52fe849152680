/**
 * Deterministic autoscaling calculators: pure functions of their inputs (time is an argument; no
 * clocks, threads or hidden state), to embed in an application, operator or controller.
 *
 * <ul>
 *   <li>{@link io.perfkit.balance.autoscale.HorizontalScaler}: Kubernetes' horizontal pod
 *       autoscaler, replica calculator and controller normalisation, result for result;
 *   <li>{@link io.perfkit.balance.autoscale.VerticalRecommender}: the VPA recommender's
 *       decaying-histogram request recommendations;
 *   <li>{@link io.perfkit.balance.autoscale.PredictiveScaler}: Holt-Winters and seasonal-naive
 *       forecasts that scale up ahead of load when they have proven skill;
 *   <li>{@link io.perfkit.balance.autoscale.QueueingScaler}: M/M/c sizing for latency objectives.
 * </ul>
 *
 * <p>See {@code docs/autoscaling.md} for how each decides, every setting, and backtests on real
 * load.
 */
package io.perfkit.balance.autoscale;
