package io.perfkit.bench.cache.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.perfkit.cache.internal.RedisTier;
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
 * Loopback GET latency of a 100-byte value: through perfkit's Redis tier ({@code impl=perfkit}: key prefixing,
 * counters, failure handling) vs Lettuce's synchronous API directly ({@code impl=lettuce}, the same
 * {@code byte[]} codec and key). The benchmark starts its own {@code redis-server} on a free loopback port
 * (through {@link RedisProcess}; install it with {@code bash scripts/ensure-redis.sh}); without one it fails at setup with a message
 * saying so.
 *
 * <pre>
 * java -cp perf-bench/target/benchmarks.jar org.openjdk.jmh.Main 'cache.redis.RedisGetBenchmark' \
 *     -f 3 -wi 3 -i 5 -w 2s -r 2s
 * </pre>
 *
 * Both impls share one redis-server per fork, so the server's own time (the bulk of a loopback round trip)
 * is the same on both sides and the ratio isolates the client-side overhead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class RedisGetBenchmark {

  @Param({"perfkit", "lettuce"})
  String impl;

  private RedisProcess server;
  private RedisTier tier;
  private RedisClient client;
  private ClientResources resources;
  private StatefulRedisConnection<byte[], byte[]> connection;
  private RedisCommands<byte[], byte[]> sync;
  private final byte[] key = "bench-key-00000042".getBytes(StandardCharsets.UTF_8);
  /** The same key with the tier's prefix, so both impls read the same Redis key. */
  private final byte[] prefixedKey = "pk:bench:bench-key-00000042".getBytes(StandardCharsets.UTF_8);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    server = RedisProcess.start();
    int port = server.port();
    byte[] value = new byte[100];
    switch (impl) {
      case "perfkit" -> {
        tier = RedisTier.newBuilder("127.0.0.1", port, "bench").timeout(Duration.ofSeconds(2)).build();
        if (!tier.put(key, value)) {
          throw new IllegalStateException("put failed: " + tier.stats());
        }
      }
      case "lettuce" -> {
        // The tier's thread configuration (2 I/O threads, 2 computation threads: Lettuce's minimum),
        // so that only the tier's own per-call work differs.
        resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2).build();
        client = RedisClient.create(resources, RedisURI.create("127.0.0.1", port));
        connection = client.connect(ByteArrayCodec.INSTANCE);
        connection.setTimeout(Duration.ofSeconds(2));
        sync = connection.sync();
        sync.set(prefixedKey, value);
      }
      default -> throw new IllegalArgumentException("impl: " + impl);
    }
  }

  @Benchmark
  public byte[] get() {
    return tier != null ? tier.get(key) : sync.get(prefixedKey);
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    if (tier != null) {
      long failures = tier.stats().readFailures();
      tier.close();
      if (failures != 0) {
        throw new IllegalStateException(failures + " reads failed: the result measures failures, not GETs");
      }
    }
    if (connection != null) {
      connection.close();
      client.shutdown(0, 2, TimeUnit.SECONDS);
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
    server.stop();
  }
}
