/**
 * perfkit core: bounded lock-free queues, padded counters, latency metrics, object and buffer pools,
 * off-heap and memory-mapped memory. Runs on JDK 17+ with no JVM flags and no the JDK-internal {@code Unsafe}.
 */
module io.perfkit.core {
  // Queues are handed out as JCTools' MessagePassingQueue, so its API module is part of ours.
  requires transitive org.jctools.core;
  // VarHandle-based JCTools queues (no JDK-internal Unsafe).
  requires org.jctools.core.jdk11;
  // Filename-based automatic module: HdrHistogram 2.2.2 ships no module name. Not re-exported.
  requires HdrHistogram;
  // Process CPU load, heap, GC and thread figures for PerformanceMonitor.
  requires java.management;
  requires jdk.management;

  // Each exported package is added on its own line by the work that first puts a class in it
  // (an export of an empty package does not compile). Keep one blank line between them.
  exports io.perfkit.core.queue;

  exports io.perfkit.core.counter;

  exports io.perfkit.core.metrics;

  exports io.perfkit.core.pool;

  exports io.perfkit.core.memory;

  exports io.perfkit.core.ipc;

  // Shared helpers (argument checks, padding) for perfkit's own modules only.
  exports io.perfkit.core.internal to io.perfkit.pool, io.perfkit.balance, io.perfkit.cache;
}
