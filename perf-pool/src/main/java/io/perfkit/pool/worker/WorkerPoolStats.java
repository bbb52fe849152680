package io.perfkit.pool.worker;

import io.perfkit.core.metrics.LatencySnapshot;

/**
 * An immutable snapshot of a {@link WorkerPool}'s counters, from {@link WorkerPool#stats()}. Each
 * counter is exact and monotonic; the snapshot is not atomic across counters.
 *
 * @param workers number of worker threads
 * @param activeWorkers workers running a task when sampled
 * @param queueDepth tasks waiting in the queue when sampled
 * @param completed tasks run to completion, normally or exceptionally (cancelled-before-run tasks
 *     excluded)
 * @param failed tasks that threw (a subset of {@code completed})
 * @param rejected submissions refused by the rejection policy or because the pool was shut down
 * @param callerRuns tasks run on the submitting thread by {@link RejectionPolicy#CALLER_RUNS}
 * @param taskLatency submit-to-completion latency in nanoseconds of tasks submitted through
 *     {@code submit}/{@code invokeAll}/{@code invokeAny} (empty unless the builder enabled
 *     {@code recordLatency})
 */
public record WorkerPoolStats(
    int workers,
    int activeWorkers,
    int queueDepth,
    long completed,
    long failed,
    long rejected,
    long callerRuns,
    LatencySnapshot taskLatency) {}
