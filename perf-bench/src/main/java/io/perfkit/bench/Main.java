package io.perfkit.bench;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Entry point of {@code perf-bench/target/benchmarks.jar}.
 *
 * <pre>
 * java -jar benchmarks.jar report [--quick|--full] [--include REGEX]... [--exclude REGEX]... [--out DIR]
 * java -jar benchmarks.jar counters PATH [--watch]      live shared counters of a running process
 * java -jar benchmarks.jar simulate                     load-balancer cluster simulation
 * java -jar benchmarks.jar distribution                 consistent-hashing distribution quality
 * java -jar benchmarks.jar backtest [TRACE.csv|DIR]...  autoscaler backtests on load traces
 * java -jar benchmarks.jar hit-ratio [TRACE|DIR]...     cache hit ratios on access traces
 * java -jar benchmarks.jar l1-hit-paired [--ttl]         tiered cache L1 hit vs Caffeine, paired in one JVM
 * java -jar benchmarks.jar queue-cpu|pool-cpu|ring-cpu|pick-cpu ARGS   CPU-time A/B probes (see each class)
 * java -jar benchmarks.jar queue-transfer-paired [-v] spsc|mpsc   instrumented vs bare transfer, paired in one JVM
 * java -jar benchmarks.jar pick-ab IMPL N SECONDS COPIES OLD.jar NEW.jar   balancer builds A/B in one JVM
 * java -jar benchmarks.jar interleave REGEX --sides PARAM=A,B ...  A/B as single forks, A B B A order
 * java -jar benchmarks.jar small-sets [--seeds 8]                   least request: full scan vs two choices on 2-8 endpoints
 * java -jar benchmarks.jar [JMH options]                anything else goes to JMH's own Main
 * </pre>
 *
 * <p>Tools are found by name, so a tool whose module is not built yet reports that it is missing
 * instead of breaking the jar.
 */
public final class Main {
  private static final Map<String, String> TOOLS = new LinkedHashMap<>();

  static {
    TOOLS.put("report", "io.perfkit.bench.report.Report");
    TOOLS.put("counters", "io.perfkit.bench.memory.CountersCli");
    TOOLS.put("simulate", "io.perfkit.bench.balance.ClusterSimulation");
    TOOLS.put("distribution", "io.perfkit.bench.balance.HashDistribution");
    TOOLS.put("backtest", "io.perfkit.bench.autoscale.Backtest");
    TOOLS.put("hit-ratio", "io.perfkit.bench.cache.HitRatio");
    TOOLS.put("footprint", "io.perfkit.bench.cache.Footprint");
    TOOLS.put("pick-cpu", "io.perfkit.bench.balance.PickCpuCost");
    TOOLS.put("redis-latency", "io.perfkit.bench.cache.redis.RedisLatencyPaired");
    TOOLS.put("l1-hit-paired", "io.perfkit.bench.cache.L1HitPaired");
    TOOLS.put("queue-cpu", "io.perfkit.bench.queue.InstrumentedQueueCpuProbe");
    TOOLS.put("pool-cpu", "io.perfkit.bench.pool.PoolAdapterCpuProbe");
    TOOLS.put("ring-cpu", "io.perfkit.bench.memory.RingAccessCpuProbe");
    TOOLS.put("pick-split", "io.perfkit.bench.balance.PickSplitProbe");
    TOOLS.put("queue-transfer-paired", "io.perfkit.bench.queue.InstrumentedTransferPaired");
    TOOLS.put("pick-ab", "io.perfkit.bench.balance.PickAbProbe");
    TOOLS.put("interleave", "io.perfkit.bench.report.Interleave");
    TOOLS.put("small-sets", "io.perfkit.bench.balance.SmallSetQuality");
  }

  private Main() {}

  public static void main(String[] args) throws Throwable {
    if (args.length > 0 && TOOLS.containsKey(args[0])) {
      String className = TOOLS.get(args[0]);
      Class<?> tool;
      try {
        tool = Class.forName(className);
      } catch (ClassNotFoundException e) {
        System.err.println("tool '" + args[0] + "' is not available in this build (" + className + ")");
        System.exit(2);
        return;
      }
      MethodHandle main = MethodHandles.publicLookup()
          .findStatic(tool, "main", MethodType.methodType(void.class, String[].class));
      main.invoke((Object) Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    if (args.length > 0 && (args[0].equals("help") || args[0].equals("--help"))) {
      System.out.println("subcommands: " + String.join(", ", TOOLS.keySet())
          + "; anything else is passed to JMH (try -h)");
      return;
    }
    org.openjdk.jmh.Main.main(args);
  }
}
