package io.perfkit.bench.autoscale;

/**
 * One scaler's score on one trace.
 *
 * @param trace the trace name
 * @param scaler the scaler name
 * @param intervals the number of intervals scored
 * @param underProvisioned intervals where the load exceeded the running capacity
 * @param replicaIntervals the sum over intervals of running replicas (the cost)
 * @param actions how many times the desired replica count changed
 * @param peakShortfall the largest {@code load - capacity}, in load units
 * @param peakShortfallReplicas the same in replicas ({@code peakShortfall / capacityPerReplica})
 * @param forecastShare the share of decisions where a forecast raised the count (predictive only)
 */
record BacktestResult(
    String trace,
    String scaler,
    int intervals,
    long underProvisioned,
    long replicaIntervals,
    long actions,
    double peakShortfall,
    double peakShortfallReplicas,
    double forecastShare) {}
