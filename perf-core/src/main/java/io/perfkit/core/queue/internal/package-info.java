/**
 * perfkit's own VarHandle queue implementations, handed out by {@code io.perfkit.core.queue.Queues}.
 * Not exported from the module: public only so that perf-bench (on the class path) can benchmark
 * the variants the factory does not pick. Not an API; may change at any time.
 */
package io.perfkit.core.queue.internal;
