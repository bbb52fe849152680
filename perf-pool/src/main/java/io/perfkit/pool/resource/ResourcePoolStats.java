package io.perfkit.pool.resource;

import io.perfkit.core.metrics.LatencySnapshot;

/**
 * An immutable snapshot of a {@link ResourcePool}'s counts, from {@link ResourcePool#stats()}.
 * Gauges are sampled one by one, so they need not add up exactly while the pool is busy; at rest
 * {@code total == active + idle}.
 *
 * @param total resources that exist or are being created (slots taken)
 * @param active resources lent out
 * @param idle resources available
 * @param waiting borrowers waiting for a resource
 * @param maxSize the configured maximum
 * @param created resources created
 * @param destroyed resources destroyed (invalidated, failed validation, evicted, retired, closed)
 * @param createFailures factory calls that failed
 * @param timeouts borrows that gave up with {@link PoolExhaustedException}
 * @param leaks leases reported as leaked (held beyond the leak-detection threshold)
 * @param borrowWait borrow wait in nanoseconds (empty unless the builder enabled
 *     {@code recordBorrowWait})
 */
public record ResourcePoolStats(
    int total,
    int active,
    int idle,
    int waiting,
    int maxSize,
    long created,
    long destroyed,
    long createFailures,
    long timeouts,
    long leaks,
    LatencySnapshot borrowWait) {}
