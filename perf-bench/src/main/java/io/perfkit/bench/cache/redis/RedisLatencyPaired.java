package io.perfkit.bench.cache.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.perfkit.cache.RedisTierSpec;
import io.perfkit.cache.Serializer;
import io.perfkit.cache.TieredCache;
import io.perfkit.cache.internal.RedisTier;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * Paired loopback GET latency, for a machine whose load drifts: each iteration times one GET through
 * perfkit and one through Lettuce directly, back to back (strictly alternating connections), into two
 * histograms, so that load changes hit both sides alike (JMH runs the two impls minutes apart). Two pairs:
 * {@code RedisTier.get} vs Lettuce {@code GET} of one key, and {@code TieredCache.get} with a local miss
 * and a Redis hit (L1 of one entry, 1,024 keys cycled) vs Lettuce {@code GET} of the same keys. One
 * thread, 100-byte values, its own redis-server.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar io.perfkit.bench.cache.redis.RedisLatencyPaired [iterations]
 * </pre>
 */
public final class RedisLatencyPaired {
  private static final int KEYS = 1_024;

  private RedisLatencyPaired() {}

  /**
   * Runs the measurement and prints the table.
   *
   * @param args optional: measured iterations per pair (default 200,000; a tenth as many warm up)
   * @throws Exception if the server cannot be started
   */
  public static void main(String[] args) throws Exception {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 200_000;
    RedisProcess server = RedisProcess.start();
    ClientResources resources = DefaultClientResources.builder()
        .ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    RedisClient client = RedisClient.create(resources, RedisURI.create("127.0.0.1", server.port()));
    try (StatefulRedisConnection<byte[], byte[]> connection = client.connect(ByteArrayCodec.INSTANCE);
        RedisTier tier = RedisTier.newBuilder("127.0.0.1", server.port(), "paired")
            .timeout(Duration.ofSeconds(2)).build();
        TieredCache<String, byte[]> cache = TieredCache.newBuilder()
            .maximumSize(1)
            .executor(Runnable::run)
            .keySerializer(Serializer.string())
            .valueSerializer(Serializer.byteArray())
            .recordStats()
            .remoteTier(RedisTierSpec.newBuilder("127.0.0.1", server.port(), "paired")
                .timeout(Duration.ofSeconds(2)).build())
            .build()) {
      connection.setTimeout(Duration.ofSeconds(2));
      RedisCommands<byte[], byte[]> sync = connection.sync();
      byte[] value = new byte[100];
      String[] keys = new String[KEYS];
      byte[][] rawKeys = new byte[KEYS][];
      byte[][] prefixedKeys = new byte[KEYS][];
      for (int i = 0; i < KEYS; i++) {
        keys[i] = "key-" + i;
        rawKeys[i] = keys[i].getBytes(StandardCharsets.UTF_8);
        prefixedKeys[i] = ("pk:paired:" + keys[i]).getBytes(StandardCharsets.UTF_8);
        sync.set(prefixedKeys[i], value);
      }
      Histogram tierHist = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      Histogram directHist = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      Histogram cacheHist = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      Histogram direct2Hist = new Histogram(TimeUnit.SECONDS.toNanos(10), 3);
      long sink = 0;
      int warmup = iterations / 10;
      // Strict alternation (ours, lettuce, ours, ...) in one loop per pair: every GET follows a GET on
      // the other connection. (Interleaving both pairs in one loop let some Lettuce GETs follow a GET on
      // their own connection, whose I/O thread was still awake: 15 % faster at p50 on this machine.)
      for (int i = -warmup; i < iterations; i++) {
        boolean record = i >= 0;
        for (int side = 0; side < 2; side++) {
          boolean ours = side == 0;
          long start = System.nanoTime();
          byte[] got = ours ? tier.get(rawKeys[0]) : sync.get(prefixedKeys[0]);
          long took = System.nanoTime() - start;
          sink += got.length;
          if (record) {
            (ours ? tierHist : directHist).recordValue(took);
          }
        }
      }
      for (int i = -warmup; i < iterations; i++) {
        boolean record = i >= 0;
        int k = i & (KEYS - 1);
        for (int side = 0; side < 2; side++) {
          boolean ours = side == 0;
          long start = System.nanoTime();
          byte[] got = ours ? cache.get(keys[k]) : sync.get(prefixedKeys[k]);
          long took = System.nanoTime() - start;
          sink += got.length;
          if (record) {
            (ours ? cacheHist : direct2Hist).recordValue(took);
          }
        }
      }
      long remoteHits = cache.stats().remoteTier().hitCount();
      long requests = cache.stats().requestCount();
      System.out.printf(Locale.US, "iterations per side: %,d (+%,d warm-up); TieredCache gets answered by"
          + " Redis: %.2f %%; tier read failures: %d; checksum %d%n", iterations, warmup,
          100.0 * remoteHits / requests, tier.stats().readFailures(), sink);
      System.out.println("| pair | side | min | p50 | p90 | p99 | p99.9 | mean |");
      System.out.println("|---|---|---:|---:|---:|---:|---:|---:|");
      row("RedisTier.get", "perfkit", tierHist);
      row("RedisTier.get", "lettuce", directHist);
      row("TieredCache.get, Redis hit", "perfkit", cacheHist);
      row("TieredCache.get, Redis hit", "lettuce", direct2Hist);
      System.out.println();
      System.out.println("| pair | ratio perfkit / lettuce: min | p50 | p90 | p99 | mean |");
      System.out.println("|---|---:|---:|---:|---:|---:|");
      ratio("RedisTier.get", tierHist, directHist);
      ratio("TieredCache.get, Redis hit", cacheHist, direct2Hist);
    } finally {
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
      server.stop();
    }
  }

  private static void row(String pair, String side, Histogram h) {
    System.out.printf(Locale.US, "| %s | %s | %.1f µs | %.1f µs | %.1f µs | %.1f µs | %.1f µs | %.1f µs |%n",
        pair, side, h.getMinValue() / 1e3, h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(90) / 1e3, h.getValueAtPercentile(99) / 1e3,
        h.getValueAtPercentile(99.9) / 1e3, h.getMean() / 1e3);
  }

  private static void ratio(String pair, Histogram ours, Histogram theirs) {
    System.out.printf(Locale.US, "| %s | %.3f | %.3f | %.3f | %.3f | %.3f |%n", pair,
        (double) ours.getMinValue() / theirs.getMinValue(),
        (double) ours.getValueAtPercentile(50) / theirs.getValueAtPercentile(50),
        (double) ours.getValueAtPercentile(90) / theirs.getValueAtPercentile(90),
        (double) ours.getValueAtPercentile(99) / theirs.getValueAtPercentile(99),
        ours.getMean() / theirs.getMean());
  }
}
