package io.perfkit.core.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JVM-wide figures from the platform MXBeans at one instant.
 *
 * @param processCpuLoad this process's recent CPU load over all processors, in {@code [0, 1]}, or NaN
 *     if the platform does not report it
 * @param heapUsed heap bytes in use
 * @param heapMax maximum heap bytes, or -1 if undefined
 * @param gcCount collections since the JVM started, over all collectors that report it
 * @param gcTimeMillis accumulated collection time in milliseconds, over all collectors that report it
 * @param liveThreads live threads, daemon or not
 */
public record SystemSnapshot(double processCpuLoad, long heapUsed, long heapMax, long gcCount,
    long gcTimeMillis, int liveThreads) {

  /**
   * Reads the current figures from the platform MXBeans. Thread-safe; allocates; takes a few
   * microseconds, so call it per report, not per operation.
   *
   * @return the figures
   */
  public static SystemSnapshot capture() {
    double cpu = Double.NaN;
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.OperatingSystemMXBean) {
      double load = ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuLoad();
      cpu = load < 0 ? Double.NaN : load;
    }
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    long gcCount = 0;
    long gcTime = 0;
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      gcCount += Math.max(0, gc.getCollectionCount());
      gcTime += Math.max(0, gc.getCollectionTime());
    }
    int threads = ManagementFactory.getThreadMXBean().getThreadCount();
    return new SystemSnapshot(cpu, heap.getUsed(), heap.getMax(), gcCount, gcTime, threads);
  }

  /** Returns {@code heapUsed / heapMax}, or NaN if the maximum is undefined. */
  public double heapUsage() {
    return heapMax > 0 ? (double) heapUsed / heapMax : Double.NaN;
  }

  /** Returns the figures as an ordered, unmodifiable map for exporters. */
  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("processCpuLoad", processCpuLoad);
    map.put("heapUsed", heapUsed);
    map.put("heapMax", heapMax);
    map.put("heapUsage", heapUsage());
    map.put("gcCount", gcCount);
    map.put("gcTimeMillis", gcTimeMillis);
    map.put("liveThreads", liveThreads);
    return Collections.unmodifiableMap(map);
  }
}
