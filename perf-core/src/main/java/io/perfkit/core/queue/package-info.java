/**
 * Bounded lock-free queues ({@link io.perfkit.core.queue.Queues}: perfkit's own VarHandle SPSC
 * queue, JCTools' VarHandle MPSC, MPMC and linked-chunk MPSC queues), a {@link
 * java.util.concurrent.BlockingQueue} adapter with pluggable {@link
 * io.perfkit.core.queue.IdleStrategy idle strategies}, and {@link
 * io.perfkit.core.queue.InstrumentedQueue instrumented queues} (SPSC and MPSC array queues that
 * count inside themselves, and a wrapper for any other queue). No the JDK-internal {@code Unsafe}, no JVM
 * flags.
 */
package io.perfkit.core.queue;
