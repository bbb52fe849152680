/**
 * Latency recording (HdrHistogram), rate meters and a performance monitor with thresholds and alerts.
 */
package io.perfkit.core.metrics;
