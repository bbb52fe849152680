/**
 * Padded counters and sequences that avoid false sharing, built on VarHandles:
 * {@link io.perfkit.core.counter.PaddedAtomicLong} for one hot sequence or counter,
 * {@link io.perfkit.core.counter.PaddedLongArray} for per-shard slots in one allocation.
 *
 * <p>For a sum that many threads increment at once, use the JDK's
 * {@link java.util.concurrent.atomic.LongAdder}: it already stripes the count over padded cells that
 * grow with contention, and perfkit deliberately does not re-implement it.
 */
package io.perfkit.core.counter;
