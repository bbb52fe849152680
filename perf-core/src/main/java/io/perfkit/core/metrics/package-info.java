/**
 * Latency recording, rate meters and a performance monitor with thresholds and alerts.
 *
 * <ul>
 *   <li>{@link io.perfkit.core.metrics.LatencyRecorder}: wait-free, striped HdrHistogram recording
 *       from any number of threads, cumulative and interval {@link
 *       io.perfkit.core.metrics.LatencySnapshot snapshots} with percentiles, optional
 *       coordinated-omission correction.
 *   <li>{@link io.perfkit.core.metrics.RateMeter}: an event count with 1/5/15-minute moving-average
 *       rates (load-average style) on an injectable ticker.
 *   <li>{@link io.perfkit.core.metrics.PerformanceMonitor}: named operations timed with
 *       {@code time(name, task)}, snapshots with per-operation percentiles, throughput and error
 *       rate plus JVM figures, and WARNING/CRITICAL {@link io.perfkit.core.metrics.Alert alerts}.
 * </ul>
 *
 * <p>No class here starts a thread. Methods reject null arguments with
 * {@link java.lang.NullPointerException} unless documented otherwise. HdrHistogram types do not
 * appear in the API.
 */
package io.perfkit.core.metrics;
