/**
 * Bounded lock-free queues ({@link io.perfkit.core.queue.Queues}: perfkit's own VarHandle SPSC
 * queue, JCTools' VarHandle MPSC, MPMC and linked-chunk MPSC queues), a {@link
 * java.util.concurrent.BlockingQueue} adapter with pluggable {@link
 * io.perfkit.core.queue.IdleStrategy idle strategies}, and an {@link
 * io.perfkit.core.queue.InstrumentedQueue instrumented wrapper}. No the JDK-internal {@code Unsafe}, no JVM
 * flags.
 */
package io.perfkit.core.queue;
