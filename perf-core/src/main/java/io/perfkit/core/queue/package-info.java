/**
 * Bounded lock-free queues (a factory over JCTools' VarHandle queues), a {@code BlockingQueue} adapter with pluggable idle strategies, and an instrumented wrapper.
 */
package io.perfkit.core.queue;
