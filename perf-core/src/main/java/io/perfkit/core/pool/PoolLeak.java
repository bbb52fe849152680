package io.perfkit.core.pool;

/**
 * A pooled object that was garbage-collected while it was still acquired, reported by an
 * {@link ObjectPool}'s leak detector.
 *
 * @param objectType the class name of the leaked object (the object itself is gone)
 * @param acquiredAt a throwable whose stack trace is the stack of the {@code acquire} or
 *     {@code lease} call that handed the object out; it is never thrown
 */
public record PoolLeak(String objectType, Throwable acquiredAt) {}
