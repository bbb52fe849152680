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
import io.perfkit.cache.stats.TieredCacheStats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Loopback latency of {@code TieredCache.get} when the key misses the local tier and hits Redis
 * ({@code impl=perfkit}: key serialisation, the local lookup, the Redis GET, value deserialisation and
 * the copy into L1) vs a Lettuce sync GET of the same 100-byte values ({@code impl=lettuce}). The cache's
 * L1 holds one entry (maintenance on the caller thread) and the benchmark cycles over 1,024 keys, so
 * practically every get misses locally; tear-down fails the run if fewer than 99 % of gets were answered
 * by Redis. The benchmark starts its own {@code redis-server} (see {@link RedisGetBenchmark}).
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main 'cache.redis.TieredCacheRedisHitBenchmark' \
 *     -f 3 -wi 3 -i 5 -w 2s -r 3s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class TieredCacheRedisHitBenchmark {

  private static final int KEYS = 1_024;
  private static final String NAME = "bench-hit";

  @Param({"perfkit", "lettuce"})
  String impl;

  private RedisProcess server;
  private TieredCache<String, byte[]> cache;
  private RedisClient client;
  private ClientResources resources;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private RedisCommands<byte[], byte[]> sync;
  private final String[] keys = new String[KEYS];
  private final byte[][] prefixedKeys = new byte[KEYS][];
  private int next;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = RedisProcess.start();
    byte[] value = new byte[100];
    for (int i = 0; i < KEYS; i++) {
      keys[i] = "bench-key-" + i;
      prefixedKeys[i] = ("pk:" + NAME + ":" + keys[i]).getBytes(StandardCharsets.UTF_8);
    }
    resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
    client = RedisClient.create(resources, RedisURI.create("127.0.0.1", server.port()));
    connection = client.connect(ByteArrayCodec.INSTANCE);
    connection.setTimeout(Duration.ofSeconds(2));
    sync = connection.sync();
    for (byte[] key : prefixedKeys) {
      sync.set(key, value); // both impls read the same Redis keys
    }
    switch (impl) {
      case "perfkit" -> {
        cache = TieredCache.newBuilder()
            .maximumSize(1)
            .executor(Runnable::run)
            .keySerializer(Serializer.string())
            .valueSerializer(Serializer.byteArray())
            .recordStats()
            .remoteTier(RedisTierSpec.newBuilder("127.0.0.1", server.port(), NAME)
                .timeout(Duration.ofSeconds(2)).build())
            .build();
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        connection = null;
      }
      case "lettuce" -> { }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @Benchmark
  public byte[] get() {
    int i = next++ & (KEYS - 1);
    return cache != null ? cache.get(keys[i]) : sync.get(prefixedKeys[i]);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    try {
      if (cache != null) {
        TieredCacheStats stats = cache.stats();
        cache.close();
        long remoteHits = stats.remoteTier().hitCount();
        if (stats.remoteTier().readFailureCount() != 0 || remoteHits < 0.99 * stats.requestCount()) {
          throw new IllegalStateException("not a Redis-hit measurement: " + stats);
        }
      }
      if (connection != null) {
        connection.close();
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
      }
    } finally {
      server.stop();
    }
  }
}
