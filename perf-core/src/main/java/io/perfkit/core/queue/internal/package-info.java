/**
 * perfkit's own VarHandle SPSC and MPSC array queues (JCTools' designs), kept as the measured
 * alternative to JCTools' VarHandle queues that {@code io.perfkit.core.queue.Queues} hands out (they
 * measured slower here; see docs/benchmarks/queues.md). Not exported from the module: public only
 * so that perf-bench (on the class path) can benchmark them. Not an API; may change at any time.
 */
package io.perfkit.core.queue.internal;
