/**
 * perfkit's own VarHandle SPSC and MPSC array queues (JCTools' designs). {@code
 * io.perfkit.core.queue.Queues#spsc} hands out the SPSC queue; the MPSC queue measured slower than
 * JCTools' VarHandle MPSC and is kept for the benchmarks (see docs/benchmarks/queues.md). Their
 * instrumented twins ({@code InstrumentedSpscArrayQueue}, {@code InstrumentedMpscArrayQueue}, behind
 * {@code Queues.instrumentedSpsc/instrumentedMpsc}) are separate classes with the counting compiled
 * in, so the bare queues' hot paths stay untouched. Not
 * exported from the module: public only so that perf-bench (on the class path) can benchmark them.
 * Not an API; may change at any time.
 */
package io.perfkit.core.queue.internal;
