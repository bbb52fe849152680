/**
 * Object and buffer pools: {@link io.perfkit.core.pool.ObjectPool} (per-thread caches in front of
 * a striped lock-free store, recycler or bounded mode, {@link io.perfkit.core.pool.Lease} for
 * try-with-resources, sampled leak detection) and {@link io.perfkit.core.pool.BufferPool}
 * (power-of-two {@code ByteBuffer} size classes, identity-checked release).
 *
 * <p>Null handling: no method accepts or returns null; a null argument throws
 * {@link java.lang.NullPointerException} naming the parameter. See {@code docs/pools.md} for when
 * pooling pays.
 */
package io.perfkit.core.pool;
